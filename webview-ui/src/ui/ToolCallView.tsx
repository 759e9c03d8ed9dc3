import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { imageSrc } from '../model/images';
import type { DiffLine, SafeImage, SubagentRef, ToolCall, ToolResult, ToolView } from '../model/items';
import { baseToolName } from '../model/toolView';
import { InlineApproval } from './ApprovalCards';
import { CopyButton } from './CopyButton';
import { useHighlighter, type Highlighter } from './highlight';
import { ZoomableImage } from './ImageZoom';
import { Disclosure, LongText, Reminders } from './Text';
import { useExpanded } from './expanded';

// One tool call as Claude Code draws it: `⏺ Name(argument)`, the input a reader needs (command,
// diff, todos, subagent), then `⎿` and the result, collapsed when long.

/** Opens a subagent's transcript; provided by the app, which owns the panel. */
export const OpenSubagent = createContext<(ref: SubagentRef) => void>(() => undefined);

const DIFF_LINES = 24;
const RESULT_LINES = 6;
/** tools whose result repeats what the input already shows: only an error is worth a line */
const QUIET_RESULTS = new Set(['Edit', 'MultiEdit', 'Write', 'TodoWrite', 'NotebookEdit']);
/** tools whose result is file contents or a listing: say how much, show on request */
const COUNTED_RESULTS: Record<string, string> = { Read: 'Read', Grep: 'Found', Glob: 'Found' };

export function ToolCallView({ call, id }: { call: ToolCall; id: string }) {
  const base = baseToolName(call.name);
  const status = !call.result ? 'pending' : call.result.denied ? 'denied' : call.result.isError ? 'error' : 'ok';
  return (
    <div class={`tool status-${status}`}>
      <div class="tool-head">
        <span class="dot" aria-hidden="true" />
        <span class="tool-name" title={call.name}>
          {base}
        </span>
        {call.label && <span class="tool-arg">({call.label})</span>}
        {status === 'pending' && <span class="badge muted">running…</span>}
        {status === 'denied' && <span class="badge warn">permission denied</span>}
        {status === 'error' && <span class="badge error">error</span>}
        {call.view.kind === 'command' && call.view.command && <CopyButton text={call.view.command} label="Copy command" />}
      </div>
      <div class="tool-body">
        <InputView view={call.view} id={id} label={call.label} subagent={call.subagent} />
        {call.result && <ResultView result={call.result} tool={base} id={`${id}:r`} />}
        {status === 'pending' && <InlineApproval toolUseId={call.id} />}
      </div>
    </div>
  );
}

function InputView({ view, id, label, subagent }: { view: ToolView; id: string; label: string; subagent?: SubagentRef }) {
  switch (view.kind) {
    case 'command':
      return (
        <>
          {view.description && <div class="tool-note">{view.description}</div>}
          {(view.command.includes('\n') || view.command.length > label.length) && <LongText id={`${id}:cmd`} text={`$ ${view.command}`} lines={8} />}
        </>
      );
    case 'diff':
      return <DiffView view={view} id={id} />;
    case 'summary':
      return view.text === label ? null : <div class="tool-note">{view.text}</div>;
    case 'todos':
      return (
        <ul class="todos">
          {view.todos.map((t, i) => (
            <li key={i} class={`todo ${t.status}`}>
              <span class="todo-box" aria-hidden="true">
                {t.status === 'completed' ? '☑' : t.status === 'in_progress' ? '◐' : '☐'}
              </span>
              <span class="todo-text">{t.text}</span>
              <span class="sr-only">({t.status.replace('_', ' ')})</span>
            </li>
          ))}
        </ul>
      );
    case 'agent':
      return <AgentView view={view} id={id} subagent={subagent} />;
    case 'json':
      return (
        <Disclosure id={`${id}:in`} summary="Input">
          {() => <pre class="mono json">{view.json}</pre>}
        </Disclosure>
      );
  }
}

function AgentView({ view, id, subagent }: { view: Extract<ToolView, { kind: 'agent' }>; id: string; subagent?: SubagentRef }) {
  const open = useContext(OpenSubagent);
  return (
    <div class="agent">
      <div class="agent-line">
        <span class="badge accent">{view.agentType}</span>
        {subagent && (
          <button type="button" class="button small" onClick={() => open(subagent)}>
            Open subagent transcript
          </button>
        )}
      </div>
      {view.prompt && (
        <Disclosure id={`${id}:prompt`} summary="Prompt">
          {() => <pre class="plain">{view.prompt}</pre>}
        </Disclosure>
      )}
    </div>
  );
}

function DiffView({ view, id }: { view: Extract<ToolView, { kind: 'diff' }>; id: string }) {
  const [open, toggle] = useExpanded(`${id}:diff`);
  const highlighter = useHighlighter();
  const language = highlighter?.languageForPath(view.path);
  const lines: (DiffLine | null)[] = view.hunks.flatMap((h, i) => (i ? [null, ...h] : h));
  const shown = open ? lines : lines.slice(0, DIFF_LINES);
  const summary = view.created
    ? `Wrote ${view.added} line${view.added === 1 ? '' : 's'} to ${view.path}`
    : `${view.added} addition${view.added === 1 ? '' : 's'}, ${view.removed} removal${view.removed === 1 ? '' : 's'} in ${view.path}`;
  return (
    <div class="diff">
      <div class="diff-summary">{summary}</div>
      <div class="diff-lines" role="group" aria-label={`Changes to ${view.path}`}>
        {shown.map((l, i) =>
          l === null ? (
            <div key={i} class="dl gap" aria-hidden="true">
              ⋯
            </div>
          ) : (
            <div key={i} class={`dl ${l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'ctx'}`}>
              <span class="sign" aria-label={l.op === '+' ? 'added' : l.op === '-' ? 'removed' : undefined}>
                {l.op}
              </span>
              <DiffText text={l.text} highlighter={highlighter} language={language} />
            </div>
          ),
        )}
      </div>
      {lines.length > DIFF_LINES && (
        <button type="button" class="link-button" aria-expanded={open} onClick={toggle}>
          {open ? 'Show less' : `Show all ${lines.length} lines`}
        </button>
      )}
    </div>
  );
}

function DiffText({ text, highlighter, language }: { text: string; highlighter: Highlighter | null; language?: string }) {
  const html = language ? highlighter?.highlightCode(text, language) : null;
  // highlightCode's output is sanitised to text in <span class>
  return html ? <span class="dl-text hl" dangerouslySetInnerHTML={{ __html: html }} /> : <span class="dl-text">{text}</span>;
}

export function ResultView({ result, tool, id }: { result: ToolResult; tool: string; id: string }) {
  if (QUIET_RESULTS.has(tool) && !result.isError) return null;
  const counted = COUNTED_RESULTS[tool];
  const n = result.text ? result.text.split('\n').length : 0;
  return (
    <div class="result">
      <span class="elbow" aria-hidden="true" />
      <div class="result-body">
        {result.text && <CopyButton text={result.text} label="Copy output" />}
        {counted && !result.isError && n > 3 ? (
          <Disclosure id={id} summary={`${counted} ${n} line${n === 1 ? '' : 's'}`} className="quiet">
            {() => <pre class="mono">{result.text}</pre>}
          </Disclosure>
        ) : result.text ? (
          <LongText id={id} text={result.text} lines={RESULT_LINES} tone={result.isError ? 'error' : undefined} />
        ) : (
          !result.images.length && <span class="muted">(no output)</span>
        )}
        <Images images={result.images} />
        <Reminders id={`${id}:rem`} reminders={result.reminders} />
      </div>
    </div>
  );
}

export function Images({ images }: { images: readonly SafeImage[] }) {
  return (
    <>
      {images.map((image, i) => {
        const src = imageSrc(image);
        return src ? <ZoomableImage key={i} src={src} alt={`Attached image ${i + 1} (${image.mediaType})`} /> : null;
      })}
    </>
  );
}
