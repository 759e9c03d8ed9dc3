import { createElement, render } from 'preact';
import { CopyButton } from './CopyButton';
import type { Highlighter } from './highlight';

// Code blocks inside rendered markdown (sanitised HTML the row does not build element by element):
// each <pre> gets a copy button, and once the highlighter is loaded its code is highlighted in the
// language the fence named (markdown.ts keeps it as data-lang).

export function decorateCodeBlocks(root: HTMLElement, highlighter: Highlighter | null): void {
  for (const code of root.querySelectorAll<HTMLElement>('pre > code')) {
    const pre = code.parentElement!;
    const text = code.textContent ?? '';
    if (!pre.querySelector(':scope > .copy-slot')) {
      const slot = document.createElement('span');
      slot.className = 'copy-slot';
      pre.appendChild(slot);
      render(createElement(CopyButton, { text, label: 'Copy code' }), slot);
    }
    const lang = code.dataset.lang;
    if (highlighter && lang && !code.classList.contains('hl')) {
      const html = highlighter.highlightCode(text, lang);
      if (html === null) continue;
      // highlightCode's output is sanitised to text in <span class>
      code.innerHTML = html;
      code.classList.add('hl');
    }
  }
}
