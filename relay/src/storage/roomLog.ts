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

  constructor(
    readonly file: string,
    private readonly log: Logger,
  ) {}

  /** Reads every intact record; cuts a torn tail, and keeps a copy of a corrupt file before cutting it. */
  async open(): Promise<Uint8Array[]> {
    const data = await readIfExists(this.file);
    const { records, validBytes, problem } = readRecords(data);
    if (problem) {
      const dropped = data.length - validBytes;
      if (problem === 'bad-checksum') {
        const copy = `${this.file}.corrupt-${Date.now()}`;
        await fs.copyFile(this.file, copy);
        this.log.error('room log has a corrupt record; kept a copy and cut the log after the last good record', { file: this.file, copy, droppedBytes: dropped });
      } else {
        this.log.warn('room log ends in a torn record (crash during a write); cut it', { file: this.file, droppedBytes: dropped });
      }
      await fs.truncate(this.file, validBytes);
    }
    this.handle = await fs.open(this.file, 'a');
    this.bytes = validBytes;
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
      const tmp = `${this.file}.tmp`;
      const frame = frameRecord(merged);
      const out = await fs.open(tmp, 'w');
      try {
        await out.writeFile(frame);
        await out.datasync();
      } finally {
        await out.close();
      }
      await fs.rename(tmp, this.file);
      await syncFolder(path.dirname(this.file));
      await this.handle?.close();
      this.handle = await fs.open(this.file, 'a');
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
