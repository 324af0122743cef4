import { mkdir } from 'node:fs/promises';
import { DatastoreType, type DatastoreRecord } from '../pools/records/datastore-record.js';
import type { CoreServices } from '../services/core-services.js';

/**
 * Time between two capacity refreshes, in milliseconds: 300 s, OpenNebula 6.10's
 * default MONITORING_INTERVAL_DATASTORE.
 * NOTE: a constant, because the settings file has no entry for it yet.
 */
export const DATASTORE_MONITOR_INTERVAL_MS = 300_000;

type MonitorServices = Pick<CoreServices, 'store' | 'drivers' | 'log'>;

/** The capacity figures of one datastore, in MiB. */
interface Capacity {
  totalMb: number;
  freeMb: number;
  usedMb: number;
}

/** Returns whether the datastore's capacity comes from an image driver: image and files datastores with a DS_MAD. */
function isMonitored(datastore: DatastoreRecord): boolean {
  return datastore.type !== DatastoreType.SYSTEM_DS && datastore.dsMad !== '';
}

/**
 * Refreshes TOTAL_MB, FREE_MB and USED_MB of the image and files datastores from
 * their image driver's MONITOR: once at start, then every interval, so that info
 * calls read stored figures. A failure is logged and the previous figures stay.
 * NOTE: system datastores are not monitored, so their figures stay 0, because the
 * transfer drivers have no MONITOR action.
 */
export class DatastoreMonitor {
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private stopped = false;
  /** The last failure message per datastore id, so that a repeated failure is logged once. */
  private readonly failures = new Map<number, string>();

  constructor(
    private readonly services: MonitorServices,
    private readonly intervalMs = DATASTORE_MONITOR_INTERVAL_MS,
  ) {}

  /** Starts the first refresh at once, without waiting for it, and schedules the next ones. */
  start(): void {
    this.runRefresh();
  }

  /** Cancels the next refresh and waits for one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.refreshing;
  }

  /** Refreshes every monitored datastore once, one after another. Never rejects. */
  async refreshAll(): Promise<void> {
    let datastores: DatastoreRecord[];
    try {
      datastores = await this.services.store.datastores.list(this.services.store.db);
    } catch (error) {
      this.services.log.internalError({ step: 'datastore.monitor' }, error);
      return;
    }

    for (const datastore of datastores.filter(isMonitored)) {
      if (this.stopped) return;
      await this.refreshOne(datastore);
    }
  }

  private runRefresh(): void {
    this.refreshing = this.refreshAll().finally(() => {
      this.refreshing = undefined;
      if (this.stopped) return;
      this.timer = setTimeout(() => this.runRefresh(), this.intervalMs);
      this.timer.unref();
    });
  }

  private async refreshOne(datastore: DatastoreRecord): Promise<void> {
    const { drivers } = this.services;
    try {
      await mkdir(datastore.basePath, { recursive: true, mode: 0o750 });
      const request = { datastoreId: datastore.id, datastorePath: datastore.basePath };
      const capacity = await drivers.call('image', datastore.dsMad, 'MONITOR', request, { objectId: -1 });
      await this.store(datastore.id, capacity);
      this.noteSuccess(datastore);
    } catch (error) {
      this.noteFailure(datastore, error);
    }
  }

  /** Writes the figures into the datastore record, unless the datastore was deleted meanwhile. */
  private async store(datastoreId: number, capacity: Capacity): Promise<void> {
    const { store } = this.services;
    await store.db.transaction(async (tx) => {
      const datastore = await store.datastores.get(tx, datastoreId);
      if (datastore === undefined) return;

      datastore.totalMb = capacity.totalMb;
      datastore.freeMb = capacity.freeMb;
      datastore.usedMb = capacity.usedMb;
      await store.datastores.update(tx, datastore);
    });
  }

  private noteSuccess(datastore: DatastoreRecord): void {
    if (!this.failures.delete(datastore.id)) return;
    this.services.log.info('datastore.monitor_recovered', { datastoreId: datastore.id, driver: datastore.dsMad });
  }

  /** Logs a failure, unless the same failure was the last one logged for this datastore. */
  private noteFailure(datastore: DatastoreRecord, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (this.failures.get(datastore.id) === message) return;

    this.failures.set(datastore.id, message);
    this.services.log.warn('datastore.monitor_failed', {
      datastoreId: datastore.id,
      driver: datastore.dsMad,
      error: message,
      note: 'the previous TOTAL_MB, FREE_MB and USED_MB stay; a repeat of this failure is not logged again',
    });
  }
}
