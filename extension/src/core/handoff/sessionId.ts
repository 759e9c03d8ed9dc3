// Claude Code names a session file `<uuid>.jsonl`; an id from the shared document is a file name on
// this machine, so anything that is not a UUID is refused before it gets near the file system.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
