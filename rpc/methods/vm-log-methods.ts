import type { CoreApi } from '../../core/services/core-api.js';
import type { MethodTable } from '../server/method-table.js';

/** The VM logs that `stratus.vm.log` reads. */
export interface VmLogReader {
  /** Returns the VM's log text, '' when it has none. */
  read(vmId: number): Promise<string>;
}

/** `stratus.vm.log(session, id)`: the VM's log text, for anyone who may USE the VM. */
export function registerVmLogMethods(table: MethodTable, api: CoreApi, vmLog: VmLogReader): void {
  table.register('stratus.vm.log', async (ctx, p) => {
    const id = p.int(1, 'id');
    // Throws NO_EXISTS for an unknown VM and AUTHORIZATION without USE on it.
    await api.vms.read(ctx.requester, id);
    return vmLog.read(id);
  });
}
