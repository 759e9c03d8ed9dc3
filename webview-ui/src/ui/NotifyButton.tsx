import { useState } from 'preact/hooks';
import type { SystemNotifier } from '../data/systemNotifier';

// "Notify me": turns system notifications for tool requests on or off. The browser asks for
// permission at the first click, never before.

const text = { off: 'Notify me of requests', on: 'Notifications on', blocked: 'Notifications blocked' } as const;
const hint = {
  off: 'Show a system notification when Claude Code asks something while this tab is in the background',
  on: 'Click to stop notifications from this tab',
  blocked: "The browser blocks notifications for this page: allow them in the site's settings",
} as const;

export function NotifyButton({ notifier }: { notifier: SystemNotifier }) {
  const [state, setState] = useState(notifier.state());
  const toggle = async () => {
    if (state === 'on') {
      notifier.disable();
      setState(notifier.state());
    } else setState(await notifier.enable());
  };
  return (
    <button type="button" class="button ghost small notify-button" aria-pressed={state === 'on'} disabled={state === 'blocked'} title={hint[state]} onClick={() => void toggle()}>
      {text[state]}
    </button>
  );
}
