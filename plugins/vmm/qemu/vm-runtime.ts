import type { LogSeverity } from '../../../core/drivers/protocol/wire.js';
import type { AcceleratorChoice } from './accelerator.js';
import type { QemuDriverConfig } from './config.js';
import type { CpuSampler } from './process-usage.js';
import type { QmpConnections } from './qmp-connections.js';

/** The settings, connections and logging that every action of the driver shares. */
export interface VmRuntime {
  config: QemuDriverConfig;
  connections: QmpConnections;
  /** CPU samples for POLL, one per VM. */
  pollSampler: CpuSampler;
  /** CPU samples for MONITOR_HOST, kept apart so that POLL does not reset its interval. */
  hostSampler: CpuSampler;
  /** Writes to the VM's log (vmId 0 or more) or to the daemon log (-1). */
  log(severity: LogSeverity, vmId: number, text: string): void;
  /** The accelerator of this machine, chosen once per daemon process for `auto` (see accelerator.ts). */
  chooseAccelerator(): Promise<AcceleratorChoice>;
}

/** The fields every request about a running VM carries. */
export interface VmRequest {
  vmId: number;
  host: string;
  deployId: string;
}
