import type { Page } from 'playwright-core';

/** What the page shows: the state it names, whether rows are drawn, and the leftovers that must not be there. */
export async function pageState(page: Page) {
  return page.evaluate(() => {
    const text = document.body.innerText;
    return {
      state: document.querySelector('[data-state]')?.getAttribute('data-state') ?? null,
      title: (document.querySelector('[data-state] h2, [data-state] strong') as HTMLElement | null)?.innerText ?? '',
      rows: document.querySelectorAll('.vrow .msg').length,
      reading: /Reading the transcript/.test(text),
      lostConnection: /Lost the connection/.test(text),
      idlePill: document.querySelectorAll('.pill.state-idle, .pill.state-live').length,
      ownAvatar: document.querySelectorAll('.avatar.self').length,
      askHost: (text.match(/ask the host/gi) ?? []).length,
    };
  });
}
