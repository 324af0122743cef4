import { watch, type FSWatcher } from 'chokidar';
import path from 'node:path';
import type { EventLog } from '../drivers/runtime/event-log.js';

export interface PluginWatcherOptions {
  folders: readonly string[];
  debounceMs: number;
  log: EventLog;
  /** Called with a plugin folder once no change happened in it for `debounceMs`. */
  onPluginChanged: (pluginDir: string) => void;
  /** Called when a configured folder itself was added or removed. */
  onFolderChanged: (folder: string) => void;
}

/**
 * Watches the configured plugin folders with chokidar and reports which plugin
 * folder changed, once the changes in it have settled.
 */
export class PluginWatcher {
  private watcher?: FSWatcher;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: PluginWatcherOptions) {}

  /** Starts watching; resolves once chokidar has read the folders. */
  async start(): Promise<void> {
    const watcher = watch([...this.options.folders], { ignoreInitial: true, depth: 4, persistent: true });
    this.watcher = watcher;

    watcher.on('all', (_event, changedPath) => this.onPath(changedPath));
    watcher.on('error', (error) => this.options.log.warn('plugins.watch_failed', { folders: this.options.folders.join(', '), error: String(error) }));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  async stop(): Promise<void> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.watcher?.close();
    this.watcher = undefined;
  }

  private onPath(changedPath: string): void {
    for (const folder of this.options.folders) {
      const relative = path.relative(folder, changedPath);
      if (relative.startsWith('..') || path.isAbsolute(relative)) continue;

      if (relative === '') {
        this.debounce(folder, () => this.options.onFolderChanged(folder));
        return;
      }
      const pluginDir = path.join(folder, relative.split(path.sep)[0]);
      this.debounce(pluginDir, () => this.options.onPluginChanged(pluginDir));
      return;
    }
  }

  private debounce(key: string, action: () => void): void {
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
