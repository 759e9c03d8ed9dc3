import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { decorateCodeBlocks } from './codeBlocks';
import { useHighlighter } from './highlight';
import { transcriptText } from '../model/format';
import { markdownHtml } from './markdown';
import { useExpanded } from './expanded';

// Text in its three forms: markdown (sanitised HTML), plain text, and long plain text that shows its
// first lines until opened.

export function Markdown({ text }: { text: string }) {
  const html = markdownHtml(text);
  const root = useRef<HTMLDivElement>(null);
  const highlighter = useHighlighter(html.includes('<pre>'));
  useLayoutEffect(() => {
    if (root.current) decorateCodeBlocks(root.current, highlighter);
  }, [html, highlighter]);
  // markdownHtml's output is DOMPurify-sanitised with the strict config in markdown.ts
  return <div ref={root} class="md" dangerouslySetInnerHTML={{ __html: html }} />;
}

/** A collapsed long text shows about this many characters a line: a tool output that is one 200 KB line
 *  (minified JSON, a base64 blob) must not be laid out whole in the transcript until asked. */
const PREVIEW_CHARS_PER_LINE = 200;

export function LongText({ id, text, lines, mono = true, tone }: { id: string; text: string; lines: number; mono?: boolean; tone?: 'error' }) {
  const [open, toggle] = useExpanded(id);
  const all = text.split('\n');
  const hidden = all.length - lines;
  const firstLines = hidden > 1 ? all.slice(0, lines).join('\n') : text;
  const maxChars = lines * PREVIEW_CHARS_PER_LINE;
  const tooLong = firstLines.length > maxChars + PREVIEW_CHARS_PER_LINE;
  const preview = tooLong ? `${firstLines.slice(0, maxChars)}…` : firstLines;
  const collapsible = hidden > 1 || tooLong;
  const body = open || !collapsible ? text : preview;
  // rows render again as they scroll in; a 200 KB output is escaped once per change, not per render
  const shown = useMemo(() => transcriptText(body), [body]);
  return (
    <div class={`long ${tone ?? ''}`}>
      <pre class={mono ? 'mono' : 'plain'}>{shown}</pre>
      {collapsible && (
        <button type="button" class="link-button" aria-expanded={open} onClick={toggle}>
          {open ? 'Show less' : hidden > 1 ? `Show all ${all.length} lines` : `Show all ${Math.ceil(text.length / 1024)} KB`}
        </button>
      )}
    </div>
  );
}

/** A disclosure whose body is built only when open (raw JSON of a 2 MB line costs nothing until asked). */
export function Disclosure({ id, summary, children, className }: { id: string; summary: preact.ComponentChildren; children: () => preact.ComponentChildren; className?: string }) {
  const [open, toggle] = useExpanded(id);
  return (
    <div class={`disclosure ${className ?? ''} ${open ? 'open' : ''}`}>
      <button type="button" class="disclosure-summary" aria-expanded={open} onClick={toggle}>
        <span class="chevron" aria-hidden="true">
          ›
        </span>
        {summary}
      </button>
      {open && <div class="disclosure-body">{children()}</div>}
    </div>
  );
}

/** System reminders Claude Code added for the model: dimmed and closed, opened on request. */
export function Reminders({ id, reminders }: { id: string; reminders: readonly string[] }) {
  if (reminders.length === 0) return null;
  return (
    <Disclosure id={id} summary={reminders.length === 1 ? 'System reminder' : `${reminders.length} system reminders`} className="quiet reminder">
      {() => <pre class="plain">{reminders.join('\n\n')}</pre>}
    </Disclosure>
  );
}
