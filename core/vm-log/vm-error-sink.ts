import type { DriverKind } from '../drivers/protocol/index.js';
import type { LogSeverity } from '../drivers/protocol/wire.js';
import type { DriverLogSink } from '../drivers/runtime/driver-log-sink.js';
import type { EventLog } from '../drivers/runtime/event-log.js';
import type { Store } from '../pools/store.js';
import { recordVmError } from './record-vm-error.js';
import { isAboutVm } from './vm-log-line.js';
import type { VmLog } from './vm-log.js';

/**
 * The sink of the driver manager's failure reports. A failed call about a VM is
 * written into the VM's log and becomes the VM's last error (USER_TEMPLATE/ERROR in
 * `one.vm.info`). Both run in the VM's log queue, so `VmLog.read` returns after both.
 * Failures about other objects are already in the daemon log and go nowhere else.
 */
export class VmErrorSink implements DriverLogSink {
  constructor(
    private readonly vmLog: VmLog,
    private readonly store: Store,
    private readonly log: EventLog,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  driverLog(kind: DriverKind, driverName: string, objectId: number, severity: LogSeverity, text: string): void {
    if (!isAboutVm(kind, objectId)) return;

    this.vmLog.write(objectId, severity, `${kind}/${driverName}`, text);
    if (severity !== 'E') return;

    const time = this.clock();
    void this.vmLog.enqueue(objectId, 'vm.record_error', async () => {
      const recorded = await recordVmError(this.store, objectId, text, time);
      if (!recorded) this.log.info('vm.error_not_recorded', { vmId: objectId, kind, driver: driverName, reason: 'the VM does not exist' });
    });
  }
}
