import { access } from 'node:fs/promises';
import path from 'node:path';
import type { DriverKind } from '../drivers/protocol/index.js';
import type { DriverDirectory, DriverLookup, InstalledDriver } from '../drivers/runtime/driver-directory.js';
import type { DriverLogSink } from '../drivers/runtime/driver-log-sink.js';
import type { EventLog } from '../drivers/runtime/event-log.js';
import { ConfiguredFolders } from './configured-folders.js';
import { fingerprintFolder } from './folder-fingerprint.js';
import { readManifest } from './inspect-plugin.js';
import { loadPlugin, type LoadedPlugin } from './load-plugin.js';
import { isExecutableEntry, MANIFEST_FILE, type PluginManifest } from './manifest.js';
import { PluginRejection } from './plugin-rejection.js';
import { DEFAULT_MISSING_FOLDER_GRACE_MS, type PluginSettings } from './plugin-settings.js';
import { compareRanks, type PluginRank, type PluginStatus } from './plugin-status.js';

interface PluginRecord {
  dir: string;
  rank: PluginRank;
  state: 'loading' | 'loaded' | 'rejected' | 'unloading';
  /** The valid manifest last read, which decides the kind and name the record claims. */
  manifest?: PluginManifest;
  plugin?: LoadedPlugin;
  rejection?: PluginRejection;
  fingerprint?: string;
}

export interface PluginRegistryDependencies {
  settings: PluginSettings;
  log: EventLog;
  sink: DriverLogSink;
}

export type PluginChangeListener = (dir: string, status: PluginStatus | undefined) => void;

/** Resolves when no reconcile is queued for the folder. */
const SETTLED = Promise.resolve();
/** Times `resolve` waits for a plugin that is loading before it reports it as broken. */
const MAX_RESOLVE_ROUNDS = 5;

function keyOf(manifest: PluginManifest | undefined): string | undefined {
  return manifest === undefined ? undefined : `${manifest.kind}/${manifest.name}`;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * The plugins found in the configured folders, each loaded or rejected with its
 * reason. `start()` scans the folders and loads every plugin, then watches them:
 * a plugin added is loaded, a changed one is reloaded once its in-flight requests
 * end, and a removed one is unloaded the same way. The plugins of a configured
 * folder that goes missing stay loaded for a grace period (see ConfiguredFolders).
 * Work on one plugin folder runs one task at a time; different folders proceed in
 * parallel.
 */
export class PluginRegistry implements DriverDirectory {
  private readonly records = new Map<string, PluginRecord>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly listeners = new Set<PluginChangeListener>();
  private readonly folders: string[];
  private readonly configured: ConfiguredFolders;
  private stopped = false;

  constructor(private readonly deps: PluginRegistryDependencies) {
    const { settings } = deps;
    this.folders = settings.folders.map((folder) => path.resolve(folder));
    this.configured = new ConfiguredFolders({
      folders: this.folders,
      watch: settings.watch,
      debounceMs: settings.debounceMs,
      missingGraceMs: settings.missingFolderGraceMs ?? DEFAULT_MISSING_FOLDER_GRACE_MS,
      log: deps.log,
      onPluginChanged: (dir) => void this.schedule(dir, false),
      onRescanNeeded: () => void this.rescan(),
      onGraceEnded: (folder) => this.recheckFolder(folder),
    });
  }

  async start(): Promise<void> {
    await this.configured.start();

    const found = await this.configured.scan();
    await Promise.all(found.map(async (dir) => this.claim(dir)));
    await Promise.all(found.map((dir) => this.schedule(dir, true)));
    this.deps.log.info('plugins.started', { folders: this.folders.join(', '), loaded: this.list().filter((status) => status.state === 'loaded').length, rejected: this.list().filter((status) => status.state === 'rejected').length });
  }

  /** Stops watching, clears every timer and stops every driver. Requests in flight fail with STOPPED. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.configured.stop();
    await this.stopDrivers();
    await Promise.all([...this.queues.values()]);
    await this.stopDrivers();
    this.records.clear();
  }

  async resolve(kind: DriverKind, name: string): Promise<DriverLookup> {
    for (let round = 0; round < MAX_RESOLVE_ROUNDS; round += 1) {
      const owner = this.ownerOf(`${kind}/${name}`);
      if (owner === undefined) return { status: 'absent', folders: this.folders };
      if (owner.state === 'loaded' && owner.plugin !== undefined) return { status: 'loaded', driver: installedDriver(owner.plugin) };
      if (owner.state === 'rejected') return { status: 'broken', dir: owner.dir, reason: owner.rejection?.describe() ?? 'rejected' };
      await (this.queues.get(owner.dir) ?? SETTLED);
    }
    return { status: 'broken', dir: this.ownerOf(`${kind}/${name}`)?.dir ?? '', reason: 'the plugin is being reloaded again and again; check the plugin folder for a process that keeps rewriting it' };
  }

  /** Returns the status of every plugin folder, in the configured order. */
  list(): PluginStatus[] {
    return [...this.records.values()].sort((a, b) => compareRanks(a.rank, b.rank)).map(statusOf);
  }

  status(dir: string): PluginStatus | undefined {
    const record = this.records.get(path.resolve(dir));
    return record === undefined ? undefined : statusOf(record);
  }

  /** Calls the listener after each plugin folder is loaded, rejected or removed; returns the unsubscribe function. */
  onChange(listener: PluginChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async rescan(): Promise<void> {
    if (this.stopped) return;
    const found = new Set(await this.configured.scan());
    for (const dir of found) void this.schedule(dir, false);
    for (const dir of this.records.keys()) if (!found.has(dir)) void this.schedule(dir, false);
  }

  /** Looks again at every plugin of one configured folder, whose grace period ended. */
  private recheckFolder(folder: string): void {
    for (const dir of this.records.keys()) if (path.dirname(dir) === folder) void this.schedule(dir, false);
  }

  /** Records a folder found at start with its manifest, so that shadowing is known before any driver starts. */
  private async claim(dir: string): Promise<void> {
    const rank = this.rankOf(dir);
    if (rank === undefined) return;
    const manifest = await readManifest(dir).catch(() => undefined);
    this.records.set(dir, { dir, rank, state: 'loading', manifest });
  }

  private rankOf(dir: string): PluginRank | undefined {
    const folder = this.folders.indexOf(path.dirname(dir));
    return folder < 0 ? undefined : { folder, child: path.basename(dir) };
  }

  /** Finds the plugin that serves a kind and name: the earliest one whose valid manifest claims it. */
  private ownerOf(key: string): PluginRecord | undefined {
    const claimants = [...this.records.values()].filter((record) => keyOf(record.manifest) === key);
    return claimants.sort((a, b) => compareRanks(a.rank, b.rank))[0];
  }

  /** Queues a reconcile of the folder after any queued before it. */
  private schedule(dir: string, force: boolean): Promise<void> {
    const previous = this.queues.get(dir) ?? SETTLED;
    const next = previous.then(() => this.reconcile(dir, force)).catch((error: unknown) => this.deps.log.internalError({ dir }, error));
    this.queues.set(dir, next);
    void next.then(() => {
      if (this.queues.get(dir) === next) this.queues.delete(dir);
    });
    return next;
  }

  private async reconcile(dir: string, force: boolean): Promise<void> {
    const rank = this.rankOf(dir);
    if (this.stopped || rank === undefined) return;

    const existing = this.records.get(dir);
    if (!(await exists(path.join(dir, MANIFEST_FILE)))) {
      if (existing === undefined) return;
      // While its configured folder is missing or being written again, the plugin keeps running.
      if (await this.configured.keepsPluginsOf(path.dirname(dir))) return;
      await this.remove(existing);
      return;
    }

    const fingerprint = await fingerprintFolder(dir);
    const unchanged = existing?.fingerprint === fingerprint && (existing?.state === 'loaded' || existing?.state === 'rejected');
    if (!force && unchanged) return;

    const record: PluginRecord = existing ?? { dir, rank, state: 'loading' };
    this.records.set(dir, record);
    const previousKey = keyOf(record.manifest);
    if (record.plugin !== undefined) await this.unload(record, 'reload');

    record.state = 'loading';
    record.fingerprint = fingerprint;
    await this.load(record);

    if (previousKey !== undefined && previousKey !== keyOf(record.manifest)) this.promoteShadowed(previousKey);
    this.emit(record.dir, statusOf(record));
  }

  private async load(record: PluginRecord): Promise<void> {
    try {
      record.manifest = await readManifest(record.dir);
    } catch (error) {
      record.manifest = undefined;
      this.reject(record, error);
      return;
    }

    const shadow = this.ownerOf(keyOf(record.manifest) ?? '');
    if (shadow !== undefined && shadow !== record) {
      const { kind, name } = record.manifest;
      const reason = `the ${kind} plugin "${name}" in ${shadow.dir} comes earlier in the configured plugin folders and is used instead; rename or remove one of them`;
      this.reject(record, new PluginRejection('SHADOWED', record.dir, reason));
      return;
    }
    await this.demoteShadowed(record);

    try {
      const plugin = await loadPlugin(record.dir, this.loadOptions());
      if (this.stopped) {
        await plugin.driver.stop();
        return;
      }
      record.plugin = plugin;
      record.state = 'loaded';
      record.rejection = undefined;
      const entry = isExecutableEntry(plugin.manifest.entry) ? 'executable' : 'module';
      this.deps.log.info('plugin.loaded', { dir: record.dir, kind: plugin.manifest.kind, name: plugin.manifest.name, version: plugin.version, entry });
    } catch (error) {
      this.reject(record, error);
    }
  }

  private loadOptions() {
    const { settings, log, sink } = this.deps;
    return { runtime: settings.runtime, log, sink, probeActions: settings.probeActionsOnLoad, probeTimeoutMs: settings.probeTimeoutMs };
  }

  private reject(record: PluginRecord, error: unknown): void {
    let rejection: PluginRejection;
    if (error instanceof PluginRejection) {
      rejection = error;
    } else {
      this.deps.log.internalError({ dir: record.dir }, error);
      rejection = new PluginRejection('INIT_FAILED', record.dir, `loading failed with an internal error: ${String(error)}`);
    }

    record.state = 'rejected';
    record.rejection = rejection;
    const { kind, name } = record.manifest ?? {};
    this.deps.log.warn('plugin.rejected', { dir: record.dir, kind, name, code: rejection.code, reason: rejection.message });
  }

  /** Unloads the later plugins with the same kind and name, which this one now shadows. */
  private async demoteShadowed(record: PluginRecord): Promise<void> {
    const key = keyOf(record.manifest);
    const isShadowed = (other: PluginRecord) => other.state === 'rejected' && other.rejection?.code === 'SHADOWED';
    const later = [...this.records.values()].filter((other) => other !== record && keyOf(other.manifest) === key && !isShadowed(other));
    await Promise.all(later.map((other) => this.schedule(other.dir, true)));
  }

  /** Loads the next plugin for a kind and name whose earlier claimant went away. */
  private promoteShadowed(key: string): void {
    const owner = this.ownerOf(key);
    if (owner?.state === 'rejected' && owner.rejection?.code === 'SHADOWED') void this.schedule(owner.dir, true);
  }

  /** Waits for the requests in flight to end, then stops the driver. */
  private async unload(record: PluginRecord, reason: 'reload' | 'removal'): Promise<void> {
    const plugin = record.plugin;
    if (plugin === undefined) return;

    record.state = 'unloading';
    this.deps.log.info('plugin.unloading', { dir: record.dir, kind: plugin.manifest.kind, name: plugin.manifest.name, reason, inFlight: plugin.driver.inFlight });
    await plugin.driver.idle();
    await plugin.driver.stop();
    record.plugin = undefined;
  }

  private async remove(record: PluginRecord): Promise<void> {
    const key = keyOf(record.manifest);
    await this.unload(record, 'removal');
    this.records.delete(record.dir);
    this.deps.log.info('plugin.removed', { dir: record.dir });

    if (key !== undefined) this.promoteShadowed(key);
    this.emit(record.dir, undefined);
  }

  private async stopDrivers(): Promise<void> {
    const running = [...this.records.values()].map((record) => record.plugin?.driver).filter((driver) => driver !== undefined);
    await Promise.all(running.map((driver) => driver.stop()));
  }

  private emit(dir: string, status: PluginStatus | undefined): void {
    for (const listener of this.listeners) {
      try {
        listener(dir, status);
      } catch (error) {
        this.deps.log.internalError({ dir }, error);
      }
    }
  }
}

function installedDriver(plugin: LoadedPlugin): InstalledDriver {
  const { manifest } = plugin;
  return { handle: plugin.driver, dir: plugin.dir, actions: manifest.actions, retry: manifest.retry, timeouts: manifest.timeouts ?? {}, retries: manifest.retries };
}

function statusOf(record: PluginRecord): PluginStatus {
  const { dir, manifest } = record;
  if (record.state === 'loaded' && record.plugin !== undefined && manifest !== undefined) {
    const entry = isExecutableEntry(manifest.entry) ? 'executable' : 'module';
    return { state: 'loaded', dir, kind: manifest.kind, name: manifest.name, version: record.plugin.version, entry, description: manifest.description };
  }
  if (record.state === 'rejected' && record.rejection !== undefined) {
    const { code, message, problems } = record.rejection;
    return { state: 'rejected', dir, kind: manifest?.kind, name: manifest?.name, code, reason: message, problems };
  }
  const state = record.state === 'unloading' ? 'unloading' : 'loading';
  return { state, dir, kind: manifest?.kind, name: manifest?.name };
}
