import DOMPurify, { type Config } from 'dompurify';
import { Marked } from 'marked';
import { transcriptText } from '../model/format';

// Assistant text is markdown written by a model that reads web pages and tool output: treat it as
// hostile. marked turns it into HTML (raw HTML inside the markdown passes through marked untouched),
// then DOMPurify keeps only plain document markup: no script, no event handlers, no style, no
// forms or frames, no SVG or MathML, no images (a remote image would report who is reading), and
// links only to http(s)/mailto, opened in a new tab without an opener.

const marked = new Marked({ gfm: true, breaks: false, async: false });

export const SANITIZE: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'iframe', 'frame', 'form', 'input', 'button', 'textarea', 'select', 'option', 'object', 'embed', 'img', 'picture', 'source', 'video', 'audio', 'link', 'meta', 'base', 'dialog', 'template', 'svg', 'math'],
  FORBID_ATTR: ['style', 'class', 'id', 'name', 'srcset', 'action', 'formaction', 'target', 'ping'],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
};

// Our own instance, made on first use (there is no window before that in a unit test's import).
let instance: ReturnType<typeof DOMPurify> | undefined;
function purifier(): ReturnType<typeof DOMPurify> {
  if (!instance) {
    instance = DOMPurify(window);
    // a fence's language (`class="language-ts"`, and classes are dropped) is kept as data-lang for the highlighter
    const fenceLanguage = new WeakMap<Element, string>();
    instance.addHook('beforeSanitizeAttributes', (node) => {
      const lang = node.tagName === 'CODE' ? /^language-([\w+#.-]{1,32})$/.exec(node.getAttribute('class') ?? '')?.[1] : undefined;
      if (lang) fenceLanguage.set(node, lang.toLowerCase());
    });
    instance.addHook('afterSanitizeAttributes', (node) => {
      const lang = fenceLanguage.get(node);
      if (lang) node.setAttribute('data-lang', lang);
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    });
  }
  return instance;
}

/** Sanitised HTML for a markdown text. Results are cached: rows are re-rendered as they scroll in. */
const cache = new Map<string, string>();
const CACHE_LIMIT = 400;

export function markdownHtml(text: string): string {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const html = purifier().sanitize(marked.parse(transcriptText(text)) as string, SANITIZE) as unknown as string;
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(text, html);
  return html;
}
