import fs from 'node:fs/promises';
import path from 'node:path';
import { FILE_MODE, FOLDER_MODE, RoomLog, syncFolder, writeDurably } from './roomLog';
import type { LoadedRoom, RoomKey, RoomStorage } from './roomStorage';
import type { Logger } from '../logger';

// Embedded, crash-safe storage with no native modules (the relay also runs inside VS Code's extension
// host, where a native SQLite/LevelDB build would have to match Electron's ABI): one append-only log
// per room of length+CRC framed Yjs updates, fdatasync'd before the room applies or forwards them,
// compacted by bytes into a single merged update (temp file + fsync + rename).
//
//   <dataDir>/rooms/<share id as hex>.<room>.log
//   <dataDir>/revocations/<share id as hex>.json
//   <dataDir>/relay.lock       (pid of the relay using the folder)
//
// Folders are 0700 and files 0600 whatever the umask, and an existing folder is tightened on open:
// the logs are whole sessions.
//
// Share ids are base64url, which is case-sensitive; hex file names stay distinct on case-insensitive disks.

export class FileStorage implements RoomStorage {
  readonly kind = 'file';
  private readonly logs = new Map<RoomKey, RoomLog>();

  private constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {}

  static async open(dir: string, log: Logger): Promise<FileStorage> {
    for (const sub of ['rooms', 'revocations']) await fs.mkdir(path.join(dir, sub), { recursive: true, mode: FOLDER_MODE });
    await takeLock(path.join(dir, 'relay.lock'));
    await tighten(dir);
    return new FileStorage(dir, log);
  }

  async exists(key: RoomKey): Promise<boolean> {
    if (this.logs.has(key)) return true;
    try {
      await fs.access(this.roomFile(key));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  async load(key: RoomKey): Promise<LoadedRoom> {
    if (this.logs.has(key)) throw new Error(`room ${key} is already open`);
    const roomLog = new RoomLog(this.roomFile(key), this.log);
    const updates = await roomLog.open();
    this.logs.set(key, roomLog);
    return { updates, storedBytes: roomLog.bytes, corruptBytes: roomLog.corruptBytes };
  }

  append(key: RoomKey, update: Uint8Array): Promise<void> {
    return this.open(key).append(update);
  }

  storedBytes(key: RoomKey): number {
    return this.open(key).bytes;
  }

  compact(key: RoomKey, merged: Uint8Array): Promise<void> {
    return this.open(key).compact(merged);
  }

  async release(key: RoomKey, _state?: () => Uint8Array): Promise<void> {
    const roomLog = this.logs.get(key);
    if (!roomLog) return;
    this.logs.delete(key);
    await roomLog.close();
  }

  async remove(key: RoomKey): Promise<void> {
    await this.release(key);
    const file = this.roomFile(key);
    await fs.rm(file, { force: true });
    // copies kept of a damaged log hold the same share's content
    const copies = (await fs.readdir(path.dirname(file))).filter((n) => n.startsWith(`${path.basename(file)}.corrupt-`));
    for (const copy of copies) await fs.rm(path.join(path.dirname(file), copy), { force: true });
    await syncFolder(path.join(this.dir, 'rooms'));
  }

  async readRevocations(shareId: string): Promise<string | null> {
    try {
      return await fs.readFile(this.revocationFile(shareId), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async writeRevocations(shareId: string, json: string): Promise<void> {
    await writeDurably(this.revocationFile(shareId), json);
  }

  async close(): Promise<void> {
    await Promise.all([...this.logs.keys()].map((key) => this.release(key)));
    await fs.rm(path.join(this.dir, 'relay.lock'), { force: true });
  }

  private open(key: RoomKey): RoomLog {
    const roomLog = this.logs.get(key);
    if (!roomLog) throw new Error(`room ${key} is not open`);
    return roomLog;
  }

  private roomFile(key: RoomKey): string {
    const [shareId, room] = key.split('/');
    return path.join(this.dir, 'rooms', `${shareHex(shareId)}.${room}.log`);
  }

  private revocationFile(shareId: string): string {
    return path.join(this.dir, 'revocations', `${shareHex(shareId)}.json`);
  }
}

function shareHex(shareId: string): string {
  return Buffer.from(shareId, 'base64url').toString('hex');
}

/** Another live relay holds the folder; the message suits `tandem relay`, other surfaces word their own. */
export class DataFolderLocked extends Error {
  constructor(
    readonly pid: number,
    readonly dir: string,
  ) {
    super(`another relay (pid ${pid}) is using ${dir}; stop it or pass a different --data folder`);
  }
}

/** One relay per data folder: two processes appending to the same logs would interleave records. */
async function takeLock(file: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(file, String(process.pid), { flag: 'wx', mode: FILE_MODE });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(await fs.readFile(file, 'utf8'));
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new DataFolderLocked(pid, path.dirname(file));
      }
      await fs.rm(file, { force: true });
    }
  }
  throw new Error(`could not lock ${file}`);
}

/** Folders 0700, files 0600: also for a data folder made by an older relay or under a loose umask. */
async function tighten(dir: string): Promise<void> {
  await fs.chmod(dir, FOLDER_MODE);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await tighten(full);
    else if (entry.isFile()) await fs.chmod(full, FILE_MODE);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
