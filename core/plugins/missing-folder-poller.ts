import { readdir } from 'node:fs/promises';

/** First delay before a missing folder is checked again, in milliseconds. */
export const FIRST_RECHECK_MS = 250;
/** Maximum delay between two checks of a missing folder, in milliseconds. */
export const MAX_RECHECK_MS = 5000;

/** Returns why the entries of the folder cannot be listed, or undefined when they can. */
export async function folderReadError(folder: string): Promise<string | undefined> {
  return readdir(folder).then(
    () => undefined,
    (error: Error) => error.message,
  );
}

/** Returns whether the folder exists and its entries can be listed. */
export async function isReadableFolder(folder: string): Promise<boolean> {
  return (await folderReadError(folder)) === undefined;
}

export interface MissingFolderPollerOptions {
  /** Called once for each folder that became readable after `watchFor`, unless it was cancelled. */
  onFolderBack: (folder: string) => void;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Checks configured folders that are missing or unreadable until each can be read
 * again. The delay between two checks of one folder starts at `firstDelayMs` and
 * doubles up to `maxDelayMs`. A folder that comes back during a rebuild is found
 * within a second, and one that stays away costs one `readdir` every few seconds.
 * The poller does not depend on file system events, because chokidar sends none for
 * a watched folder that is created again.
 */
export class MissingFolderPoller {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly firstDelayMs: number;
  private readonly maxDelayMs: number;
  private stopped = false;

  constructor(private readonly options: MissingFolderPollerOptions) {
    this.firstDelayMs = options.firstDelayMs ?? FIRST_RECHECK_MS;
    this.maxDelayMs = options.maxDelayMs ?? MAX_RECHECK_MS;
  }

  /** Starts checking the folder, unless it is being checked already. */
  watchFor(folder: string): void {
    if (this.stopped || this.timers.has(folder)) return;
    this.arm(folder, this.firstDelayMs);
  }

  /** Stops checking the folder, which was found some other way. */
  cancel(folder: string): void {
    clearTimeout(this.timers.get(folder));
    this.timers.delete(folder);
  }

  /** Clears every timer, so no callback runs afterwards. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(folder: string, delayMs: number): void {
    const timer: NodeJS.Timeout = setTimeout(() => void this.check(folder, delayMs, timer), delayMs);
    this.timers.set(folder, timer);
  }

  private async check(folder: string, delayMs: number, timer: NodeJS.Timeout): Promise<void> {
    const readable = await isReadableFolder(folder);
    // A stop, or a cancel followed by a new watchFor, during the check makes this check stale.
    if (this.stopped || this.timers.get(folder) !== timer) return;

    if (readable) {
      this.timers.delete(folder);
      this.options.onFolderBack(folder);
      return;
    }
    this.arm(folder, Math.min(delayMs * 2, this.maxDelayMs));
  }
}
