// System notifications for a browser tab in the background (the Notifications API). Permission is
// asked once, and only when the person clicks "Notify me" (browsers ignore a request without a user
// gesture, and asking unprompted is rude); the choice is kept in localStorage. The VS Code webview has
// no such API and gets no notifier at all: its host notifies through VS Code.

export type NotifyState = 'off' | 'on' | 'blocked';

export type SystemNotifier = {
  state(): NotifyState;
  /** asks the browser for permission (call from a click); resolves the state it ends in */
  enable(): Promise<NotifyState>;
  disable(): void;
  /** shows a notification when the person turned them on; `tag` replaces an older one with the same tag */
  notify(title: string, body: string, tag: string, onClick: () => void): void;
};

const KEY = 'tandem.notifications';

export function browserNotifier(storage: Storage | null): SystemNotifier | undefined {
  if (typeof Notification === 'undefined') return undefined;
  const wanted = () => storage?.getItem(KEY) === 'on';
  const state = (): NotifyState => (Notification.permission === 'denied' ? 'blocked' : Notification.permission === 'granted' && wanted() ? 'on' : 'off');
  return {
    state,
    async enable() {
      const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
      if (permission === 'granted') storage?.setItem(KEY, 'on');
      return state();
    },
    disable() {
      storage?.setItem(KEY, 'off');
    },
    notify(title, body, tag, onClick) {
      if (state() !== 'on') return;
      const n = new Notification(title, { body, tag });
      n.onclick = () => {
        window.focus();
        onClick();
        n.close();
      };
    },
  };
}
