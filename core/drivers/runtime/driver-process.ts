import { spawn, type ChildProcess } from 'node:child_process';
import { LineSplitter } from './line-splitter.js';
import { StderrCapture } from './stderr-capture.js';

/** Time the streams of an exited process get to close; a grandchild may hold them open. */
const CLOSE_AFTER_EXIT_MS = 1000;

export interface DriverProcessOptions {
  executable: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  maxLineBytes: number;
  maxStderrLineChars: number;
  maxStderrLinesPerMinute: number;
  onLine: (line: string) => void;
  onOverflow: (bytesSeen: number) => void;
  onStderrLine: (line: string) => void;
  onStderrDropped: (count: number) => void;
  onWriteError: (error: Error) => void;
  /** Called once, after the process ended and its output was read, with how it ended. */
  onEnd: (description: string) => void;
}

/**
 * One child process of an executable driver. It is spawned without a shell in a
 * process group of its own, so that `kill()` also reaches the processes it started.
 */
export class DriverProcess {
  private child?: ChildProcess;
  private finished = false;
  private endDescription = '';
  private closeTimer?: NodeJS.Timeout;
  private markEnded!: (description: string) => void;
  /** Resolves with how the process ended, after `onEnd` was called. */
  readonly ended: Promise<string> = new Promise<string>((resolve) => {
    this.markEnded = resolve;
  });
  private readonly stdout: LineSplitter;
  private readonly stderr: StderrCapture;

  constructor(private readonly options: DriverProcessOptions) {
    this.stdout = new LineSplitter(options.maxLineBytes, options.onLine, options.onOverflow);
    this.stderr = new StderrCapture({
      maxLineChars: options.maxStderrLineChars,
      maxLinesPerMinute: options.maxStderrLinesPerMinute,
      onLine: options.onStderrLine,
      onDropped: options.onStderrDropped,
    });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get hasEnded(): boolean {
    return this.finished;
  }

  spawn(): void {
    const child = spawn(this.options.executable, [...this.options.args], {
      cwd: this.options.cwd,
      env: this.options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      shell: false,
    });
    this.child = child;

    child.stdout?.on('data', (chunk: Buffer) => this.stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    child.stdin?.on('error', (error) => this.options.onWriteError(error));
    child.on('error', (error) => this.finish(`could not be started: ${error.message}`));
    child.on('exit', (code, signal) => this.onExit(code, signal));
    child.on('close', () => this.finish(this.endDescription));
  }

  /** Writes to the driver's standard input; false when it is closed. */
  write(text: string): boolean {
    const stdin = this.child?.stdin;
    if (this.finished || !stdin || stdin.destroyed || !stdin.writable) return false;
    stdin.write(text);
    return true;
  }

  closeInput(): void {
    this.child?.stdin?.end();
  }

  /** Sends a signal to the driver's process group, so that helpers it started end too. */
  kill(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone; fall back to the process itself in case it left the group.
      this.child?.kill(signal);
    }
  }

  /** Returns the last lines of standard error, for crash messages. */
  recentStderr(): string {
    return this.stderr.recentText();
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.endDescription = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    this.closeTimer = setTimeout(() => {
      this.child?.stdout?.destroy();
      this.child?.stderr?.destroy();
      this.finish(this.endDescription);
    }, CLOSE_AFTER_EXIT_MS);
  }

  private finish(description: string): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.closeTimer);

    this.stdout.end();
    this.stderr.end();
    this.kill('SIGKILL');
    this.options.onEnd(description || 'ended');
    this.markEnded(description || 'ended');
  }
}
