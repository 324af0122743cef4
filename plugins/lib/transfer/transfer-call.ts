import type { ModuleDriverContext } from '../driver-types.js';
import { objectLog, type ObjectLog } from '../object-log.js';
import { loadTransferScope, requireLocalHost, type TransferScope } from './transfer-scope.js';

/** Everything one transfer action needs: the VM, the configured scope, a log and the stop signal. */
export interface TransferCall extends ObjectLog {
  vmId: number;
  /** "VM <id>", for messages. */
  subject: string;
  scope: TransferScope;
  /** Aborted when the driver stops, which kills the commands it runs. */
  signal: AbortSignal;
}

/** A host named in a request, with the field it came from. */
export interface NamedHost {
  field: string;
  host: string;
}

/**
 * Reads the configuration afresh (so that a changed environment or roots take effect
 * without a reload) and checks that every host in the request is this machine.
 */
export async function beginTransferCall(context: ModuleDriverContext, signal: AbortSignal, vmId: number, hosts: readonly NamedHost[]): Promise<TransferCall> {
  const subject = `VM ${vmId}`;
  const scope = await loadTransferScope();
  for (const { field, host } of hosts) requireLocalHost(scope, host, field, subject);
  return { vmId, subject, scope, signal, ...objectLog(context, vmId) };
}

/** Returns a warning listener that writes to the VM's log, for temporary-file cleanup. */
export function warnOf(call: TransferCall): (text: string) => void {
  return (text) => call.warn(text);
}
