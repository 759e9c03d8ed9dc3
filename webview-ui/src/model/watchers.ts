import type { PresenceState } from '../../../protocol/src';

// Who is watching, one entry per person: presence states with the same viewer id (one person's VS Code
// sidebar and editor tab, or two browser tabs) are one watcher. The viewer id is self-asserted, so it
// merges entries only within one link identity (role and name, which the relay binds to the token):
// copying someone's id cannot hide a watcher inside their entry. A self-chosen display name is shown
// as such, beside what the link says about its holder ("Ana (observer link)").

export type Presence = PresenceState['user'] & { id: number; self: boolean };

export type Watcher = {
  key: string;
  /** what to show: the link's name, or the display name with the link it came through */
  label: string;
  role: Presence['role'];
  clients: Presence['client'][];
  self: boolean;
};

/** "Ana (observer link 3fa2b1)": the relay binds `name` to the link (its name, else role and token id). */
export function watcherLabel(p: Pick<Presence, 'name' | 'role' | 'displayName'>): string {
  if (!p.displayName) return p.name;
  const link = p.name.startsWith(`${p.role} `) ? `${p.role} link ${p.name.slice(p.role.length + 1)}` : `${p.role} link for ${p.name}`;
  return `${p.displayName} (${link})`;
}

export function groupWatchers(presences: readonly Presence[]): Watcher[] {
  const byKey = new Map<string, Watcher>();
  for (const p of presences) {
    const key = p.viewerId ? JSON.stringify([p.viewerId, p.role, p.name]) : `client:${p.id}`;
    const seen = byKey.get(key);
    if (seen) {
      seen.self ||= p.self;
      if (!seen.clients.includes(p.client)) seen.clients.push(p.client);
      if (p.displayName && seen.label === p.name) seen.label = watcherLabel(p);
      continue;
    }
    byKey.set(key, { key, label: watcherLabel(p), role: p.role, clients: [p.client], self: p.self });
  }
  return [...byKey.values()].sort((a, b) => Number(b.self) - Number(a.self) || a.label.localeCompare(b.label));
}
