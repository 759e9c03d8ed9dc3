import { markdownHtml } from './markdown';
import { useExpanded } from './expanded';

// Text in its three forms: markdown (sanitised HTML), plain text, and long plain text that shows its
// first lines until opened.

export function Markdown({ text }: { text: string }) {
  // markdownHtml's output is DOMPurify-sanitised with the strict config in markdown.ts
  return <div class="md" dangerouslySetInnerHTML={{ __html: markdownHtml(text) }} />;
}

export function LongText({ id, text, lines, mono = true, tone }: { id: string; text: string; lines: number; mono?: boolean; tone?: 'error' }) {
  const [open, toggle] = useExpanded(id);
  const all = text.split('\n');
  const hidden = all.length - lines;
  const shown = open || hidden <= 1 ? text : all.slice(0, lines).join('\n');
  return (
    <div class={`long ${tone ?? ''}`}>
      <pre class={mono ? 'mono' : 'plain'}>{shown}</pre>
      {hidden > 1 && (
        <button type="button" class="link-button" aria-expanded={open} onClick={toggle}>
          {open ? 'Show less' : `Show ${hidden} more lines`}
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
