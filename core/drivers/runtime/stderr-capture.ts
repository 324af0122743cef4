const WINDOW_MS = 60_000;
const RECENT_LINES = 5;

export interface StderrCaptureOptions {
  maxLineChars: number;
  maxLinesPerMinute: number;
  /** Called for each line that is within the rate limit. */
  onLine: (line: string) => void;
  /** Called once when a window ends in which lines were dropped, with their count. */
  onDropped: (count: number) => void;
  now?: () => number;
}

/**
 * Turns a driver's standard error into bounded log lines: each line is cut to
 * `maxLineChars`, at most `maxLinesPerMinute` lines are passed on per minute, and
 * the last few lines are kept so that a crash message can quote them.
 */
export class StderrCapture {
  private partial = '';
  private partialCut = false;
  private windowStart = 0;
  private linesInWindow = 0;
  private dropped = 0;
  private readonly recent: string[] = [];
  private readonly now: () => number;

  constructor(private readonly options: StderrCaptureOptions) {
    this.now = options.now ?? Date.now;
  }

  push(chunk: Buffer): void {
    const parts = chunk.toString('utf8').split('\n');
    const last = parts.pop() ?? '';

    for (const part of parts) {
      this.append(part);
      this.finishLine();
    }
    this.append(last);
  }

  /** Passes on a last line without a newline and reports lines dropped so far. */
  end(): void {
    if (this.partial !== '') this.finishLine();
    this.reportDropped();
  }

  /** The last lines written, oldest first, joined with " | "; empty when there were none. */
  recentText(): string {
    return this.recent.join(' | ');
  }

  private append(text: string): void {
    if (this.partialCut) return;
    const room = this.options.maxLineChars - this.partial.length;
    if (text.length > room) {
      this.partial += `${text.slice(0, room)} [cut]`;
      this.partialCut = true;
      return;
    }
    this.partial += text;
  }

  private finishLine(): void {
    const line = this.partial.replace(/\r$/, '');
    this.partial = '';
    this.partialCut = false;
    if (line.trim() === '') return;

    this.recent.push(line.length > 200 ? `${line.slice(0, 200)}...` : line);
    if (this.recent.length > RECENT_LINES) this.recent.shift();

    const now = this.now();
    if (now - this.windowStart >= WINDOW_MS) {
      this.reportDropped();
      this.windowStart = now;
      this.linesInWindow = 0;
    }

    if (this.linesInWindow >= this.options.maxLinesPerMinute) {
      this.dropped += 1;
      return;
    }
    this.linesInWindow += 1;
    this.options.onLine(line);
  }

  private reportDropped(): void {
    if (this.dropped === 0) return;
    this.options.onDropped(this.dropped);
    this.dropped = 0;
  }
}
