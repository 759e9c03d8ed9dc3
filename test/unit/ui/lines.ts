// Small transcript lines for the UI tests, shaped like Claude Code's (transcript-format.md).

export const prompt = (text: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'user', uuid: `u-${text.length}`, message: { role: 'user', content: text }, ...extra });

export const assistant = (id: string, block: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'assistant', uuid: `a-${id}-${Math.random()}`, message: { id, role: 'assistant', model: 'claude-sonnet-4-6', content: [block] }, ...extra });

export const toolUse = (messageId: string, id: string, name: string, input: unknown) => assistant(messageId, { type: 'tool_use', id, name, input });

export const toolResult = (id: string, content: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content, ...extra }] } });
