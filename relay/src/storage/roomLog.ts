import fs from 'node:fs/promises';
import path from 'node:path';
import { frameRecord, readRecords } from './frames';
import type { Logger } from '../logger';

type Pending = { frame: Buffer; resolve: () => void; reject: (e: Error) => void };

/** One room's append-only log file. Appends made in the same event-loop turn share one write and one
 *  fdatasync (group commit); every operation runs in order on one chain, so a compaction never races
 *  an append. After a failed write the log refuses everything: the room must be reloaded from disk. */
export class RoomLog {
  private handle: fs.FileHandle | null = null;
  private pending: Pending[] = [];
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  bytes = 0;
  /** bytes found damaged (and skipped) when the log was opened */
  corruptBytes = 0;

  constructor(
    readonly file: string,
    private readonly log: Logger,
  ) {}

  /** Reads every intact record. A torn tail is cut; a damaged region elsewhere is skipped, the file
   *  kept aside as `<log>.corrupt-<time>`, and the log rewritten with every record that checks out. */
  async open(): Promise<Uint8Array[]> {
    const data = await readIfExists(this.file);
    const { records, validBytes, tornTail, corrupt } = readRecords(data);
    if (corrupt.length > 0) {
      const copy = `${this.file}.corrupt-${Date.now()}`;
      await fs.copyFile(this.file, copy);
      await fs.chmod(copy, FILE_MODE);
      await writeDurably(this.file, Buffer.concat(records.map((r) => frameRecord(r))));
      this.corruptBytes = corrupt.reduce((n, c) => n + c.to - c.from, 0);
      this.log.error('room log has corrupt records: kept a copy, skipped the damaged bytes and recovered the intact records after them', {
        file: this.file,
        copy,
        corruptBytes: this.corruptBytes,
        regions: corrupt.length,
        recoveredRecords: records.length,
      });
    } else if (tornTail) {
      this.log.warn('room log ends in a torn record (crash during a write); cut it', { file: this.file, droppedBytes: data.length - validBytes });
      await fs.truncate(this.file, validBytes);
    }
    this.handle = await fs.open(this.file, 'a', FILE_MODE);
    this.bytes = corrupt.length > 0 ? records.reduce((n, r) => n + r.length + 8, 0) : validBytes;
    return records;
  }

  append(update: Uint8Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ frame: frameRecord(update), resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.enqueue(() => this.writePending());
      });
    });
  }

  /** Writes `merged` to a temp file, syncs it, renames it over the log and syncs the folder. */
  compact(merged: Uint8Array): Promise<void> {
    return this.enqueue(async () => {
      if (this.failure) throw this.failure;
      const frame = frameRecord(merged);
      await writeDurably(this.file, frame);
      await this.handle?.close();
      this.handle = await fs.open(this.file, 'a', FILE_MODE);
      this.bytes = frame.length;
    });
  }

  /** Waits for every queued write, then closes the file. */
  close(): Promise<void> {
    if (this.pending.length > 0) this.enqueue(() => this.writePending());
    return this.enqueue(async () => {
      await this.handle?.close();
      this.handle = null;
    });
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.chain.then(job);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async writePending(): Promise<void> {
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    try {
      if (this.failure) throw this.failure;
      if (!this.handle) throw new Error('the room log is closed');
      const data = batch.length === 1 ? batch[0].frame : Buffer.concat(batch.map((p) => p.frame));
      await this.handle.writeFile(data);
      await this.handle.datasync();
      this.bytes += data.length;
      for (const p of batch) p.resolve();
    } catch (e) {
      this.failure ??= new Error(`writing ${this.file} failed: ${(e as Error).message}`);
      for (const p of batch) p.reject(this.failure);
    }
  }
}

/** Room logs, revocations and the lock hold share content and ids: only the relay's user reads them. */
export const FILE_MODE = 0o600;
export const FOLDER_MODE = 0o700;

/** Writes `content` to a temp file, syncs it, renames it over `file` and syncs the folder. */
export async function writeDurably(file: string, content: Buffer | string): Promise<void> {
  const tmp = `${file}.tmp`;
  const out = await fs.open(tmp, 'w', FILE_MODE);
  try {
    await out.writeFile(content);
    await out.datasync();
  } finally {
    await out.close();
  }
  await fs.rename(tmp, file);
  await syncFolder(path.dirname(file));
}

async function readIfExists(file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw e;
  }
}

/** Makes a rename durable. Windows cannot open folders; NTFS journals the rename itself. */
export async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
