import type { PullResult } from './materialise';

/** What a pull did, in a few sentences for a person (the CLI prints them, VS Code shows them). */
export function describePull(r: PullResult): string[] {
  const written = r.files.filter((f) => f.written);
  const sides = written.filter((f) => f.path !== r.sessionFile).length;
  const extra = sides ? ` and ${sides} side file${sides === 1 ? '' : 's'}` : '';
  const out: string[] = [];
  switch (r.outcome) {
    case 'created':
      out.push(
        r.sessionId === r.sourceSessionId
          ? `Wrote session ${r.sessionId}${extra} to ${r.projectFolder}.`
          : `Wrote the shared session ${r.sourceSessionId} as a new session ${r.sessionId}${extra} to ${r.projectFolder}; your local copy of ${r.sourceSessionId} is unchanged.`,
      );
      break;
    case 'fast-forwarded':
      out.push(`Your copy of session ${r.sessionId} was behind the share: brought it up to date (${written.length} file${written.length === 1 ? '' : 's'} extended or added).`);
      break;
    case 'up-to-date':
      out.push(`Your copy of session ${r.sessionId} already matches the share; nothing to write.`);
      break;
    case 'kept-local':
      out.push(`Your copy of session ${r.sessionId} is ahead of the share (it has lines the host has not seen); kept it as it is${written.length ? `, added ${written.length} missing side file${written.length === 1 ? '' : 's'}` : ''}.`);
      break;
    case 'no-transcript':
      out.push(`The share has no transcript lines for session ${r.sessionId} yet; wrote ${sides} side file${sides === 1 ? '' : 's'} only. There is nothing to resume until the host publishes its transcript.`);
      break;
    case 'diverged': {
      const files = r.files.filter((f) => f.relation === 'diverged').map((f) => f.rel);
      out.push(
        `Your copy of session ${r.sessionId} and the shared one have diverged: each has lines the other lacks (${files.join(', ')}). Nothing was written; your copy is untouched.`,
        'To keep both, take the shared version as a new session: it gets a fresh id and your copy stays as it is.',
      );
      break;
    }
  }
  const kept = r.outcome === 'kept-local' ? [] : r.files.filter((f) => f.relation === 'ahead');
  if (kept.length) out.push(`Kept your longer local ${kept.map((f) => f.rel).join(', ')}.`);
  if (r.rejected.length) out.push(`Skipped ${r.rejected.length} side file${r.rejected.length === 1 ? '' : 's'} the share named unsafely: ${r.rejected.map((x) => `${JSON.stringify(x.path.slice(0, 80))} (${x.reason})`).join('; ')}.`);
  return out;
}
