import { z } from 'zod';
import { cleanDisplayName } from '../../../protocol/src';

// Who this viewer is across its tabs and sessions: a random viewer id made once, and the display name
// the person chose, kept on their side only. The browser keeps both in localStorage (shared by every
// tab of the relay's origin); the VS Code webview gets them from the extension, which keeps them in
// its global state, so the sidebar and editor tabs are one viewer (hosts/vscode.ts).

export type ViewerIdentity = { viewerId: string; displayName: string };

export type IdentityStore = {
  load(): ViewerIdentity;
  saveDisplayName(displayName: string): void;
};

const KEY = 'tandem.viewer';
const Stored = z.object({ viewerId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/), displayName: z.string().max(400).transform(cleanDisplayName).catch('') });

export function newViewerId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `storage` null (a browser with storage off): an id for this page only, and a name that is not kept. */
export function browserIdentityStore(storage: Storage | null): IdentityStore {
  let current: ViewerIdentity | undefined;
  const read = (): ViewerIdentity | undefined => {
    try {
      const parsed = Stored.safeParse(JSON.parse(storage?.getItem(KEY) ?? 'null'));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined; // unreadable: start over with a new id
    }
  };
  const write = (identity: ViewerIdentity) => {
    current = identity;
    try {
      storage?.setItem(KEY, JSON.stringify(identity));
    } catch (err) {
      console.warn(`could not keep your viewer name in this browser (${String(err)})`);
    }
  };
  return {
    load() {
      current = read() ?? current;
      if (!current) write({ viewerId: newViewerId(), displayName: '' });
      return current!;
    },
    saveDisplayName(displayName) {
      write({ ...this.load(), displayName: cleanDisplayName(displayName) });
    },
  };
}

/** localStorage, or null where reading it throws (storage disabled, a sandboxed frame). */
export function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage off: the identity lives as long as the page
  }
}
