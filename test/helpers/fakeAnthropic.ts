// A fake Anthropic Messages API on 127.0.0.1 for driving the real `claude` CLI offline
// (../shared/docs/claude-cli-offline.md §3). Claude Code only calls `POST /v1/messages` with
// `stream: true`; everything else is answered 404 and recorded, so a test can see it.
//
// The default reply is scripted by triggers in the last user message:
//   tool_result blocks present   → text "tool result: <first 200 chars>"
//   [[bash: CMD]]                 → a Bash tool_use
//   [[read: PATH]]                → a Read tool_use
//   [[tool: Name {json}]]         → a tool_use of Name with that input
//   [[delay: MS]]                 → the reply waits MS (not for tool_use replies)
//   [[status: CODE]]              → an HTTP error with that status
//   otherwise                     → text "fake reply to: <text>"
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ContentBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown };

export type FakeReply = {
  content: ContentBlock[];
  stopReason?: 'end_turn' | 'tool_use';
  delayMs?: number;
  /** answer with this HTTP error status instead of a message */
  status?: number;
};

type Message = { role?: string; content?: unknown };
export type MessagesBody = { model?: string; stream?: boolean; messages?: Message[]; metadata?: { user_id?: string } };

export type FakeRequest = {
  method: string;
  path: string;
  bytes: number;
  /** the request body as received (UTF-8), to look for what must never reach the API */
  body: string;
  /** the last user message's text without Claude Code's <system-reminder> blocks, in full */
  lastUserText: string;
  /** the session id Claude Code puts in metadata.user_id, when present */
  sessionId?: string;
  reply: string;
  receivedAt: number;
  answeredAt?: number;
};

export type FakeAnthropic = {
  url: string;
  port: number;
  requests: FakeRequest[];
  /** requests received and not yet answered */
  readonly inFlight: number;
  /** the most requests ever in flight at once */
  readonly maxInFlight: number;
  close(): Promise<void>;
};

export type FakeOptions = { respond?: (body: MessagesBody) => FakeReply };

const newId = (prefix: string) => prefix + crypto.randomBytes(12).toString('hex');
const REMINDER = /<system-reminder>[\s\S]*?<\/system-reminder>/g;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((b): b is { type: 'text'; text: string } => b?.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text)
    .join('\n');
}

/** Claude Code may end `messages` with a system turn, so the reply depends on the last *user* one. */
function lastUser(body: MessagesBody): Message | undefined {
  return (body.messages ?? []).filter((m) => m.role === 'user').at(-1);
}

export function lastUserText(body: MessagesBody): string {
  return textOf(lastUser(body)?.content).replace(REMINDER, '').trim();
}

function toolUse(name: string, input: unknown): FakeReply {
  return { content: [{ type: 'tool_use', id: newId('toolu_'), name, input }], stopReason: 'tool_use' };
}

function scriptedReply(body: MessagesBody): FakeReply {
  const content = lastUser(body)?.content;
  const toolResult = Array.isArray(content) ? content.find((b) => b?.type === 'tool_result') : undefined;
  if (toolResult) {
    const text = typeof toolResult.content === 'string' ? toolResult.content : textOf(toolResult.content);
    return { content: [{ type: 'text', text: `tool result${toolResult.is_error ? ' (error)' : ''}: ${text.slice(0, 200)}` }] };
  }
  const text = lastUserText(body);
  let m = /\[\[bash:\s*([\s\S]*?)\]\]/.exec(text);
  if (m) return toolUse('Bash', { command: m[1], description: 'fake tool call' });
  m = /\[\[tool:\s*(\w+)\s+(\{[\s\S]*?\})\]\]/.exec(text);
  if (m) return toolUse(m[1], JSON.parse(m[2]));
  m = /\[\[read:\s*([\s\S]*?)\]\]/.exec(text);
  if (m) return toolUse('Read', { file_path: m[1] });
  return { content: [{ type: 'text', text: `fake reply to: ${text.slice(-200)}` }] };
}

export function defaultRespond(body: MessagesBody): FakeReply {
  const reply = scriptedReply(body);
  const text = lastUserText(body);
  const delay = /\[\[delay:\s*(\d+)\]\]/.exec(text);
  if (delay && reply.stopReason !== 'tool_use') reply.delayMs = Number(delay[1]);
  const status = /\[\[status:\s*(\d+)\]\]/.exec(text);
  if (status) reply.status = Number(status[1]);
  return reply;
}

function sessionOf(body: MessagesBody): string | undefined {
  // metadata.user_id is a JSON string that carries the session id
  try {
    const meta: unknown = JSON.parse(body.metadata?.user_id ?? '');
    const id = (meta as { session_id?: unknown })?.session_id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return /session_([0-9a-f-]{36})/.exec(body.metadata?.user_id ?? '')?.[1];
  }
}

function usage(body: MessagesBody) {
  const input = Math.max(1, Math.ceil(JSON.stringify(body.messages ?? []).length / 4));
  return { input_tokens: input, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': newId('req_') });
  res.end(JSON.stringify(value));
}

function sendStream(res: http.ServerResponse, body: MessagesBody, reply: FakeReply): void {
  const event = (name: string, data: object) => res.write(`event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`);
  const u = usage(body);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': newId('req_') });
  event('message_start', {
    message: { id: newId('msg_'), type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...u, output_tokens: 1 } },
  });
  reply.content.forEach((block, index) => {
    if (block.type === 'text') {
      event('content_block_start', { index, content_block: { type: 'text', text: '' } });
      // two deltas, so the client's accumulation is exercised
      const half = Math.ceil(block.text.length / 2);
      for (const part of [block.text.slice(0, half), block.text.slice(half)]) {
        if (part) event('content_block_delta', { index, delta: { type: 'text_delta', text: part } });
      }
    } else {
      event('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    event('content_block_stop', { index });
  });
  event('message_delta', { delta: { stop_reason: reply.stopReason ?? 'end_turn', stop_sequence: null }, usage: { output_tokens: u.output_tokens } });
  event('message_stop', {});
  res.end();
}

function describe(reply: FakeReply): string {
  return reply.status ? `HTTP ${reply.status}` : reply.content.map((b) => (b.type === 'text' ? 'text' : `tool_use:${b.name}`)).join(',');
}

export async function startFakeAnthropic(opts: FakeOptions = {}): Promise<FakeAnthropic> {
  const respond = opts.respond ?? defaultRespond;
  const requests: FakeRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxInFlight = 0;

  const answer = async (req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer, rec: FakeRequest): Promise<void> => {
    const path = (req.url ?? '').split('?')[0];
    let body: MessagesBody | undefined;
    try {
      body = raw.length ? (JSON.parse(raw.toString('utf8')) as MessagesBody) : undefined;
    } catch (e) {
      rec.reply = `400 (${(e as Error).message})`;
      return sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'fake: body is not JSON' } });
    }
    if (req.method !== 'POST' || path !== '/v1/messages' || !body) {
      return sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `fake: no route ${req.method} ${path}` } });
    }
    rec.lastUserText = lastUserText(body);
    rec.sessionId = sessionOf(body);
    const reply = respond(body);
    rec.reply = describe(reply);
    if (reply.delayMs) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => (timers.delete(t), resolve()), reply.delayMs);
        timers.add(t);
        res.once('close', () => (clearTimeout(t), timers.delete(t), resolve()));
      });
      if (res.destroyed) return;
    }
    if (reply.status) {
      const type = reply.status === 529 ? 'overloaded_error' : 'api_error';
      return sendJson(res, reply.status, { type: 'error', error: { type, message: 'fake error' } });
    }
    if (body.stream) return sendStream(res, body, reply);
    sendJson(res, 200, { id: newId('msg_'), type: 'message', role: 'assistant', model: body.model, content: reply.content, stop_reason: reply.stopReason ?? 'end_turn', stop_sequence: null, usage: usage(body) });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const rec: FakeRequest = { method: req.method ?? '', path: req.url ?? '', bytes: raw.length, body: raw.toString('utf8'), lastUserText: '', reply: '404', receivedAt: Date.now() };
      requests.push(rec);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.once('close', () => {
        inFlight--;
        rec.answeredAt = Date.now();
      });
      answer(req, res, raw, rec).catch((e: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { type: 'error', error: { type: 'api_error', message: `fake: ${String(e)}` } });
        else res.destroy();
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
