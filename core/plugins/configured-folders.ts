import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EventLog } from '../drivers/runtime/event-log.js';
import { MANIFEST_FILE } from './manifest.js';
import { folderReadError, isReadableFolder, MissingFolderPoller } from './missing-folder-poller.js';
import { PluginWatcher } from './plugin-watcher.js';

export interface ConfiguredFoldersOptions {
  /** Absolute paths, in order of precedence. */
  folders: readonly string[];
  watch: boolean;
  debounceMs: number;
  /** How long the plugins of a folder that went missing stay loaded, in milliseconds. 0 unloads them at once. */
  missingGraceMs: number;
  log: EventLog;
  /** Called when the files of one plugin folder changed. */
  onPluginChanged: (pluginDir: string) => void;
  /** Called when a configured folder appeared, disappeared or was replaced, so every plugin must be looked at. */
  onRescanNeeded: () => void;
  /** Called when the grace period of a folder that went missing ends. */
  onGraceEnded: (folder: string) => void;
}

async function isFolder(dir: string): Promise<boolean> {
  return stat(dir).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

async function hasManifest(dir: string): Promise<boolean> {
  return stat(path.join(dir, MANIFEST_FILE)).then(
    () => true,
    () => false,
  );
}

/**
 * The configured plugin folders: scanning them for plugin folders, watching them
 * when `watch` is on, and noticing when one goes missing and comes back.
 *
 * A rebuild such as `npm run build` deletes the shipped plugin folders and writes
 * them again seconds later. While a folder is missing, its plugins stay loaded for
 * `missingGraceMs`, counted from the moment it was found missing, and their running
 * drivers keep serving. The folder is checked again on a timer until it is back,
 * then watched anew and scanned.
 */
export class ConfiguredFolders {
  private readonly watcher?: PluginWatcher;
  private readonly poller?: MissingFolderPoller;
  /** Folders that could not be read at their last scan or check, and are not watched. */
  private readonly missing = new Set<string>();
  /** End of the grace period of each folder that went missing, in ms since the epoch. */
  private readonly graceEnds = new Map<string, number>();
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: ConfiguredFoldersOptions) {
    if (!options.watch) return;

    this.watcher = new PluginWatcher({
      folders: options.folders,
      debounceMs: options.debounceMs,
      log: options.log,
      onPluginChanged: options.onPluginChanged,
      onFolderChanged: (folder) => void this.folderChanged(folder),
    });
    this.poller = new MissingFolderPoller({ onFolderBack: () => this.options.onRescanNeeded() });
  }

  async start(): Promise<void> {
    await this.watcher?.start();
  }

  /** Stops watching and clears every timer. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.poller?.stop();
    for (const timer of this.graceTimers.values()) clearTimeout(timer);
    this.graceTimers.clear();
    await this.watcher?.stop();
  }

  /**
   * Lists the plugin folders (children with a plugin.json) of every configured folder
   * that can be read. A folder that was missing and is back is watched again first.
   */
  async scan(): Promise<string[]> {
    const found: string[] = [];
    for (const folder of this.options.folders) {
      const names = await this.readFolder(folder);
      for (const name of names ?? []) {
        const dir = path.join(folder, name);
        if ((await isFolder(dir)) && (await hasManifest(dir))) found.push(dir);
      }
    }
    return found;
  }

  /** Returns the sorted entries of a configured folder, or undefined when it cannot be read. */
  private async readFolder(folder: string): Promise<string[] | undefined> {
    if (this.missing.has(folder) && (await isReadableFolder(folder))) await this.noteBack(folder);

    try {
      return (await readdir(folder)).sort();
    } catch (error) {
      this.noteMissing(folder, (error as Error).message);
      return undefined;
    }
  }

  /**
   * Returns whether the plugins of `folder` stay loaded although their manifests are
   * gone. They do during the grace period of a folder that went missing, including
   * while the folder is back but still being written.
   */
  async keepsPluginsOf(folder: string): Promise<boolean> {
    if (this.inGracePeriod(folder)) return true;
    if (this.poller === undefined) return false;

    const error = await folderReadError(folder);
    if (error === undefined) return false;
    this.noteMissing(folder, error);
    return this.inGracePeriod(folder);
  }

  private inGracePeriod(folder: string): boolean {
    return (this.graceEnds.get(folder) ?? 0) > Date.now();
  }

  /** Logs a folder that cannot be read, once until it is back, and starts its grace period and the checks for its return. */
  private noteMissing(folder: string, error: string): void {
    if (this.poller === undefined) {
      this.options.log.warn('plugins.folder_unreadable', { folder, error });
      return;
    }
    if (this.stopped) return;
    if (this.missing.has(folder)) {
      // The poller found the folder, but it went away again before this scan.
      this.poller.watchFor(folder);
      return;
    }

    this.missing.add(folder);
    const graceMs = this.options.missingGraceMs;
    this.options.log.warn('plugins.folder_unreadable', { folder, error, keepLoadedMs: graceMs });
    if (graceMs > 0) this.startGracePeriod(folder, graceMs);
    this.poller.watchFor(folder);
  }

  private startGracePeriod(folder: string, graceMs: number): void {
    clearTimeout(this.graceTimers.get(folder));
    this.graceEnds.set(folder, Date.now() + graceMs);
    this.graceTimers.set(
      folder,
      setTimeout(() => {
        this.graceTimers.delete(folder);
        this.graceEnds.delete(folder);
        this.options.log.info('plugins.folder_grace_ended', { folder, graceMs });
        this.options.onGraceEnded(folder);
      }, graceMs),
    );
  }

  /** Stops the checks for a folder that was missing and watches it again. Its grace period runs on. */
  private async noteBack(folder: string): Promise<void> {
    // Two scans at once may both find the folder back; the first one watches it again.
    if (!this.missing.delete(folder)) return;
    this.poller?.cancel(folder);
    this.options.log.info('plugins.folder_readable', { folder });
    await this.rewatch(folder);
  }

  /**
   * Chokidar reported the folder itself: it was removed, renamed, or added again. It
   * stopped watching the folder, so a folder that is there again is watched anew.
   */
  private async folderChanged(folder: string): Promise<void> {
    if (!this.missing.has(folder) && (await isReadableFolder(folder))) await this.rewatch(folder);
    if (!this.stopped) this.options.onRescanNeeded();
  }

  private async rewatch(folder: string): Promise<void> {
    try {
      await this.watcher?.rewatch(folder);
    } catch (error) {
      this.options.log.warn('plugins.watch_failed', { folder, error: String(error) });
    }
  }
}
