import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DriverKind } from '../drivers/protocol/index.js';
import type { LogSeverity } from '../drivers/protocol/wire.js';
import type { DriverLogSink } from '../drivers/runtime/driver-log-sink.js';
import { excerpt, type EventLog } from '../drivers/runtime/event-log.js';
import { appendBounded, ROTATED_SUFFIX } from './vm-log-file.js';
import { formatVmLogLine, isAboutVm } from './vm-log-line.js';

export interface VmLogOptions {
  /** The daemon's home folder; VM logs are HOME/vms/<id>/vm.log. */
  home: string;
  /** Size at which vm.log is renamed to vm.log.1 and a new one begun, in bytes. */
  maxBytes: number;
  log: EventLog;
  /** Current time; tests pass a fixed clock. */
  clock?: () => Date;
}

/**
 * The per-VM logs, HOME/vms/<id>/vm.log. Driver lines about a VM are appended there:
 * those of `vmm` and `transfer` drivers, whose object ids are VM ids. Lines about
 * other objects go to the daemon log. Writes to one VM's log happen in the order
 * they were made, and `read` waits for those already queued.
 *
 * The files are written directly rather than through winston: a winston file
 * transport per VM would keep a file open for every VM, and `read` must see every
 * line written before it.
 */
export class VmLog implements DriverLogSink {
  private readonly queues = new Map<number, Promise<void>>();
  private readonly clock: () => Date;
  private closed = false;

  constructor(private readonly options: VmLogOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  driverLog(kind: DriverKind, driverName: string, objectId: number, severity: LogSeverity, text: string): void {
    if (!isAboutVm(kind, objectId)) {
      this.options.log.info('driver.log', { kind, driver: driverName, objectId, severity, text: excerpt(text, 1000) });
      return;
    }
    this.write(objectId, severity, `${kind}/${driverName}`, text);
  }

  /** Queues one line for the VM's log; `source` names the writer, such as `vmm/qemu`. */
  write(vmId: number, severity: LogSeverity, source: string, text: string): void {
    const line = formatVmLogLine(this.clock(), severity, source, text);
    const file = this.fileOf(vmId);
    void this.enqueue(vmId, 'vm_log.write', () => appendBounded(file, line, this.options.maxBytes, () => this.rotationNote()));
  }

  /**
   * Runs `task` after the work queued for the VM before it. A failure is logged as an
   * internal error with the VM id and `step`, and the queue goes on. After `close`,
   * the task is dropped and logged, because the database may be closed.
   */
  enqueue(vmId: number, step: string, task: () => Promise<unknown>): Promise<void> {
    if (this.closed) {
      this.options.log.info('vm_log.dropped', { vmId, step, reason: 'the daemon is stopping' });
      return Promise.resolve();
    }

    const previous = this.queues.get(vmId) ?? Promise.resolve();
    const next = previous
      .then(task)
      .then(() => undefined)
      .catch((error: unknown) => this.options.log.internalError({ vmId, step }, error));

    this.queues.set(vmId, next);
    void next.then(() => {
      if (this.queues.get(vmId) === next) this.queues.delete(vmId);
    });
    return next;
  }

  /** Returns the VM's current log file, after the writes queued before this call; '' when it has none. */
  async read(vmId: number): Promise<string> {
    await this.queues.get(vmId);
    try {
      return await readFile(this.fileOf(vmId), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    }
  }

  /** Resolves once every queued write is done. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }

  /**
   * Finishes the queued work and drops any queued later. The daemon calls this after
   * stopping the drivers and before closing the database, so that a driver call that
   * fails during the shutdown records no error against a closed database.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  fileOf(vmId: number): string {
    return path.join(this.options.home, 'vms', String(vmId), 'vm.log');
  }

  private rotationNote(): string {
    const text = `vm.log reached ${this.options.maxBytes} bytes; the earlier lines are in vm.log${ROTATED_SUFFIX}`;
    return formatVmLogLine(this.clock(), 'I', 'stratusd', text);
  }
}
