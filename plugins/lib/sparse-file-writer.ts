import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/** Blocks of zeros this long are skipped (left as holes) instead of written. */
const BLOCK_BYTES = 4096;
const ZERO_BLOCK = Buffer.alloc(BLOCK_BYTES);

function isZero(block: Buffer): boolean {
  return block.equals(block.length === BLOCK_BYTES ? ZERO_BLOCK : ZERO_BLOCK.subarray(0, block.length));
}

/**
 * A writable stream into a new file that leaves blocks of zeros as holes, so that a
 * raw disk image keeps its sparseness when it is copied or downloaded. The file is
 * created exclusively (it must not exist), extended to the full length at the end
 * and synced to disk before `finish`.
 */
export class SparseFileWriter extends Writable {
  private handle?: FileHandle;
  private position = 0;

  constructor(private readonly file: string) {
    super();
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.file, 'wx', 0o644).then(
      (handle) => {
        this.handle = handle;
        callback();
      },
      (error: Error) => callback(error),
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeChunk(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.finish().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.handle;
    this.handle = undefined;
    if (handle === undefined) {
      callback(error);
      return;
    }
    handle.close().then(
      () => callback(error),
      (closeError: Error) => callback(error ?? closeError),
    );
  }

  private async writeChunk(chunk: Buffer): Promise<void> {
    const handle = this.requireHandle();
    let runStart = -1;

    for (let offset = 0; offset < chunk.length; offset += BLOCK_BYTES) {
      const block = chunk.subarray(offset, offset + BLOCK_BYTES);
      if (!isZero(block)) {
        if (runStart < 0) runStart = offset;
        continue;
      }
      if (runStart >= 0) {
        await this.writeAt(handle, chunk.subarray(runStart, offset), this.position + runStart);
        runStart = -1;
      }
    }

    if (runStart >= 0) await this.writeAt(handle, chunk.subarray(runStart), this.position + runStart);
    this.position += chunk.length;
  }

  private async writeAt(handle: FileHandle, data: Buffer, position: number): Promise<void> {
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await handle.write(data, written, data.length - written, position + written);
      written += bytesWritten;
    }
  }

  private async finish(): Promise<void> {
    const handle = this.requireHandle();
    await handle.truncate(this.position);
    await handle.sync();
    await handle.close();
    this.handle = undefined;
  }

  private requireHandle(): FileHandle {
    if (this.handle === undefined) throw new Error(`${this.file} is not open`);
    return this.handle;
  }
}
