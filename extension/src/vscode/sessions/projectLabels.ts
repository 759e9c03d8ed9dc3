// How the Sessions view names project groups. A cwd may come from another OS (a Windows session pulled onto
// Linux keeps `X:\work\app`), so both separators split it; groups that would read the same get the parent
// folder, then the Claude project folder, until they differ. No vscode import: unit tests run in plain Node.

export type ProjectRef = { folder: string; cwd: string | undefined };
export type ProjectLabel = { label: string; description?: string };

/** `X:\a\b` and `/a/b` alike → ['X:', 'a', 'b'] */
export function pathParts(p: string): string[] {
  return p.split(/[\\/]+/).filter(Boolean);
}

export function projectLabels(projects: readonly ProjectRef[]): Map<string, ProjectLabel> {
  const name = (p: ProjectRef, depth: number) => {
    const parts = p.cwd ? pathParts(p.cwd) : [];
    return parts.length ? parts.slice(-depth).join('/') : p.folder;
  };
  const labels = new Map<string, ProjectLabel>(projects.map((p) => [p.folder, { label: name(p, 1) }]));
  const byLabel = new Map<string, ProjectRef[]>();
  for (const p of projects) byLabel.set(labels.get(p.folder)!.label, [...(byLabel.get(labels.get(p.folder)!.label) ?? []), p]);
  for (const group of byLabel.values()) {
    if (group.length < 2) continue;
    const withParent = group.map((p) => name(p, 2));
    const distinct = new Set(withParent).size === group.length;
    group.forEach((p, i) => labels.set(p.folder, distinct ? { label: withParent[i] } : { label: withParent[i], description: p.folder }));
  }
  return labels;
}
