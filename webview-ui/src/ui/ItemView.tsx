import { memo } from 'preact/compat';
import type { Item, ItemKind, Part } from '../model/items';
import { Disclosure, LongText, Markdown, Reminders } from './Text';
import { Timestamp } from './Timestamp';
import { Images, ResultView, ToolCallView } from './ToolCallView';

// One row of the transcript per display item, one renderer per item kind (a missing one is a
// compile error). Rows re-render only when their item's `rev` changes.

/** a pasted prompt longer than this shows its first lines and "Show all" */
const PROMPT_LINES = 12;

type Of<K extends ItemKind> = Extract<Item, { kind: K }>;
type Renderers = { [K in ItemKind]: (item: Of<K>) => preact.ComponentChildren };

const renderers: Renderers = {
  prompt: (item) => (
    <article class="msg prompt" aria-label="Prompt">
      <div class="bubble">
        <span class="caret" aria-hidden="true">
          ›
        </span>
        <div class="bubble-body">
          <div class="prompt-text">
            <LongText id={`${item.key}:p`} text={item.text} lines={PROMPT_LINES} mono={false} />
          </div>
          <Images images={item.images} />
          <Reminders id={`${item.key}:rem`} reminders={item.reminders} />
        </div>
      </div>
    </article>
  ),
  command: (item) => (
    <article class="msg command" aria-label="Command">
      {item.command && (
        <div class="cmd">
          <span class="caret" aria-hidden="true">
            ›
          </span>
          <code>{item.command}</code>
        </div>
      )}
      {item.output && (
        <div class="result">
          <span class="elbow" aria-hidden="true" />
          <div class="result-body">
            <LongText id={`${item.key}:out`} text={item.output} lines={6} tone={item.failed ? 'error' : undefined} />
          </div>
        </div>
      )}
    </article>
  ),
  assistant: (item) => (
    <article class={`msg assistant ${item.notice ? 'notice' : ''}`} aria-label={item.notice ? 'Notice from Claude Code' : 'Claude'}>
      {item.parts.map((part, i) => (
        <PartView key={i} part={part} id={`${item.key}:${i}`} />
      ))}
    </article>
  ),
  result: (item) => (
    <article class="msg orphan" aria-label="Tool result">
      <ResultView result={item.result} tool="" id={`${item.key}:r`} />
    </article>
  ),
  event: (item) => (
    <article class={`msg event tone-${item.tone}`} aria-label={item.tone === 'info' ? 'Event' : item.tone}>
      <div class="event-title">
        <span class="event-mark" aria-hidden="true">
          {item.tone === 'info' ? '✻' : '⚠'}
        </span>
        {item.title}
      </div>
      {item.detail && <LongText id={`${item.key}:d`} text={item.detail} lines={3} />}
    </article>
  ),
  compaction: (item) => (
    <article class="msg compaction" aria-label="Compaction">
      <div class="rule">
        <span>{item.title}</span>
      </div>
      {item.summary && (
        <Disclosure id={`${item.key}:s`} summary="Summary the conversation continued from">
          {() => <Markdown text={item.summary} />}
        </Disclosure>
      )}
    </article>
  ),
  reminder: (item) => (
    <article class="msg reminder" aria-label="System reminder">
      <Reminders id={`${item.key}:rem`} reminders={item.reminders} />
    </article>
  ),
  summary: (item) => (
    <article class="msg summary" aria-label="Summary">
      <span class="badge muted">summary</span> {item.text}
    </article>
  ),
  raw: (item) => (
    <article class="msg raw" aria-label="Raw entry">
      <Disclosure id={`${item.key}:raw`} summary={item.label} className="quiet">
        {() => <pre class="mono json">{pretty(item.raw)}</pre>}
      </Disclosure>
    </article>
  ),
};

function PartView({ part, id }: { part: Part; id: string }) {
  switch (part.kind) {
    case 'text':
      return (
        <div class="part text">
          <span class="dot" aria-hidden="true" />
          <Markdown text={part.text} />
        </div>
      );
    case 'thinking':
      return (
        <div class="part thinking">
          {part.redacted ? (
            <span class="muted">✻ Thinking (redacted)</span>
          ) : (
            <Disclosure id={id} summary="✻ Thinking" className="quiet">
              {() => <div class="thinking-text">{part.text}</div>}
            </Disclosure>
          )}
        </div>
      );
    case 'tool':
      return <ToolCallView call={part.call} id={id} />;
    case 'image':
      return <Images images={[part.image]} />;
  }
}

function Row({ item }: { item: Item; rev: number }) {
  const render = renderers[item.kind] as (i: Item) => preact.ComponentChildren;
  return (
    <div class={`row ${item.sidechain ? 'sidechain' : ''}`}>
      {item.timestamp && <Timestamp iso={item.timestamp} />}
      {render(item)}
    </div>
  );
}

export const ItemRow = memo(Row, (a, b) => a.item === b.item && a.rev === b.rev);

function pretty(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw; // an unreadable line is shown as it was
  }
}

/** A first guess at a row's height before it is measured; the list corrects it on first paint. */
export function estimateHeight(item: Item): number {
  const text = (s: string) => 22 * Math.min(12, Math.ceil(s.length / 90) + s.split('\n', 12).length - 1) + 12;
  switch (item.kind) {
    case 'prompt':
      return 40 + text(item.text);
    case 'assistant':
      return 12 + item.parts.reduce((h, p) => h + (p.kind === 'text' ? text(p.text) : p.kind === 'tool' ? (p.call.view.kind === 'diff' ? 200 : 60) : 30), 0);
    case 'compaction':
      return 48;
    default:
      return 34;
  }
}
