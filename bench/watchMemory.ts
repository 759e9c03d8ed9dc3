import { ProjectWatcher } from '../extension/src/core/transcripts/projectWatcher';

// The watch bench's memory probe, run in a fresh process so the baseline is clean (no bench section
// before it, no catalog garbage): `watchMemory.ts PROJECTS_DIR watch|idle` prints {baseline, after}
// RSS in bytes. `idle` waits as long without a watcher: the peer whose growth is the noise floor.

const [projectsDir, mode] = process.argv.slice(2);
const SETTLE_MS = 3000;

async function main(): Promise<void> {
  globalThis.gc?.();
  const baseline = process.memoryUsage().rss;
  const watcher = mode === 'watch' ? new ProjectWatcher({ projectsDir }) : undefined;
  await watcher?.ready;
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  globalThis.gc?.();
  const after = process.memoryUsage().rss;
  await watcher?.dispose();
  process.stdout.write(JSON.stringify({ baseline, after }));
}

void main();
