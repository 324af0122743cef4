/**
 * The requests and replies of the VMM actions the dummy driver reads, restated with
 * exact types. The protocol declaration types the shared fields (vmId, host,
 * deployId) as plain field specifications, so the core's RequestOf gives them a
 * union of every field type. The driver manager checks each request against the
 * declaration before a driver gets it.
 */

/** The fields every VM action's request has. */
export interface VmRequest {
  vmId: number;
  host: string;
}

/** A request about a VM that a DEPLOY or RESTORE started. */
export interface DeployedVmRequest extends VmRequest {
  deployId: string;
}

/** A live migration of a running VM to `targetHost`. */
export interface MigrateRequest extends DeployedVmRequest {
  targetHost: string;
}

export interface MonitorHostRequest {
  host: string;
}

export interface PollReply {
  state: 'RUNNING' | 'PAUSED' | 'UNKNOWN';
}

export interface MonitorHostReply {
  hypervisor: string;
  totalCpu: number;
  usedCpu: number;
  totalMemoryKb: number;
  usedMemoryKb: number;
  deployIds: string[];
}

type VmAction = (request: VmRequest) => Promise<void>;

/** The object the dummy driver's factory returns: one method per VMM action. */
export interface DummyDriver {
  init(): void;
  DEPLOY(request: VmRequest): Promise<{ deployId: string }>;
  RESTORE(request: VmRequest): Promise<{ deployId: string }>;
  MIGRATE(request: MigrateRequest): Promise<{ deployId: string }>;
  SHUTDOWN: VmAction;
  CANCEL: VmAction;
  SAVE: VmAction;
  SUSPEND: VmAction;
  RESUME: VmAction;
  REBOOT: VmAction;
  RESET: VmAction;
  POLL(request: DeployedVmRequest): Promise<PollReply>;
  MONITOR_HOST(request: MonitorHostRequest): Promise<MonitorHostReply>;
  finalize(): void;
}
