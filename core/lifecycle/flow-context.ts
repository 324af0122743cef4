import type { DriverManager } from '../drivers/runtime/index.js';
import type { DatastoreRecord } from '../pools/records/datastore-record.js';
import type { HostRecord } from '../pools/records/host-record.js';
import type { VmRecord } from '../pools/records/vm-record.js';

/** What the steps of a VM's flow work with: the VM, where it runs and the drivers. */
export interface FlowContext {
  vm: VmRecord;
  host: HostRecord;
  /** The host of the VM's previous placement: where a migration starts from. */
  previousHost(): Promise<HostRecord>;
  /** The system datastore that holds the VM's folder. */
  systemDatastore: DatastoreRecord;
  /** `<system datastore>/<vm id>`: disk.0, disk.1, ..., the deployment file, the checkpoint. */
  vmDir: string;
  drivers: DriverManager;
  /** Stores the id the VM driver returned, in the VM record. */
  saveDeployId(deployId: string): Promise<void>;
}

export function checkpointFile(context: FlowContext): string {
  return `${context.vmDir}/checkpoint`;
}
