import { watch, type FSWatcher } from 'chokidar';
import path from 'node:path';
import type { EventLog } from '../drivers/runtime/event-log.js';

export interface PluginWatcherOptions {
  folders: readonly string[];
  debounceMs: number;
  log: EventLog;
  /** Called with a plugin folder once no change happened in it for `debounceMs`. */
  onPluginChanged: (pluginDir: string) => void;
  /** Called when a configured folder itself was added, removed or renamed. */
  onFolderChanged: (folder: string) => void;
}

/**
 * Watches the configured plugin folders with chokidar, one watcher per folder, and
 * reports which plugin folder changed once the changes in it have settled.
 *
 * Chokidar 5 stops watching a folder that is removed or renamed and does not notice
 * when it comes back, so the caller calls `rewatch` once the folder exists again.
 */
export class PluginWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  /** The last rewatch of each folder, so that two rewatches of one folder do not overlap. */
  private readonly rewatches = new Map<string, Promise<void>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: PluginWatcherOptions) {}

  /** Starts watching and resolves once chokidar has read every folder. */
  async start(): Promise<void> {
    await Promise.all(this.options.folders.map((folder) => this.rewatch(folder)));
  }

  /**
   * Replaces the watcher of one configured folder by a new one and resolves once the
   * new one has read the folder. Changes made before that are not reported, so the
   * caller scans the folder afterwards.
   */
  rewatch(folder: string): Promise<void> {
    const previous = this.rewatches.get(folder) ?? Promise.resolve();
    const next = previous.then(() => this.replaceWatcher(folder));
    this.rewatches.set(folder, next);
    return next;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();

    await Promise.all([...this.rewatches.values()]);
    await Promise.all([...this.watchers.values()].map((watcher) => watcher.close()));
    this.watchers.clear();
  }

  private async replaceWatcher(folder: string): Promise<void> {
    if (this.stopped) return;
    await this.watchers.get(folder)?.close();
    this.watchers.delete(folder);

    const watcher = watch(folder, { ignoreInitial: true, depth: 4, persistent: true });
    watcher.on('all', (_event, changedPath) => this.onPath(folder, changedPath));
    watcher.on('error', (error) => this.options.log.warn('plugins.watch_failed', { folder, error: String(error) }));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

    if (this.stopped) {
      await watcher.close();
      return;
    }
    this.watchers.set(folder, watcher);
  }

  private onPath(folder: string, changedPath: string): void {
    const relative = path.relative(folder, changedPath);
    if (relative.startsWith('..') || path.isAbsolute(relative)) return;

    if (relative === '') {
      this.debounce(folder, () => this.options.onFolderChanged(folder));
      return;
    }
    const pluginDir = path.join(folder, relative.split(path.sep)[0]);
    this.debounce(pluginDir, () => this.options.onPluginChanged(pluginDir));
  }

  private debounce(key: string, action: () => void): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        action();
      }, this.options.debounceMs),
    );
  }
}
