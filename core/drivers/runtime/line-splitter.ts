/**
 * Splits a byte stream into lines of at most `maxLineBytes` bytes (the newline not
 * counted). A longer line calls `onOverflow` once and the splitter then drops
 * everything it is given, because the rest of the stream can no longer be framed.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflowed = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: (bytesSeen: number) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;

    while (!this.overflowed) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline < 0 ? chunk.length : newline;
      if (this.pendingBytes + (end - start) > this.maxLineBytes) {
        this.overflow(this.pendingBytes + (end - start));
        return;
      }

      if (newline < 0) {
        this.keep(chunk.subarray(start));
        return;
      }

      this.keep(chunk.subarray(start, newline));
      this.emitPending();
      start = newline + 1;
    }
  }

  /** Emits a last line that had no newline, as a process does when it exits mid-line. */
  end(): void {
    if (!this.overflowed && this.pendingBytes > 0) this.emitPending();
  }

  private keep(part: Buffer): void {
    if (part.length === 0) return;
    this.pending.push(part);
    this.pendingBytes += part.length;
  }

  private emitPending(): void {
    const line = Buffer.concat(this.pending, this.pendingBytes).toString('utf8').replace(/\r$/, '');
    this.pending = [];
    this.pendingBytes = 0;
    this.onLine(line);
  }

  private overflow(bytesSeen: number): void {
    this.overflowed = true;
    this.pending = [];
    this.pendingBytes = 0;
    this.onOverflow(bytesSeen);
  }
}
