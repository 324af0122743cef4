import { actionFailure } from '../action-failure.js';
import type { ContextRequest, DeleteRequest, DiskRequest, MkimageRequest, ModuleDriver, ModuleDriverContext, MoveRequest, SaveDiskRequest } from '../driver-types.js';
import { deleteVmPath, moveVmPath } from './move-and-delete.js';
import { buildContextDisk, makeVolatileDisk } from './new-disks.js';
import { saveDiskToImage } from './save-disk.js';
import { beginTransferCall, type NamedHost, type TransferCall } from './transfer-call.js';

type DiskAction = (request: DiskRequest, call: TransferCall) => Promise<void>;

/** The CLONE and LN steps of one transfer driver. All three drivers share the other actions. */
export interface DiskPlacement {
  /** CLONE: the VM gets its own disk (a copy or an overlay). */
  clone: DiskAction;
  /** LN: the VM uses the image itself (a link, or a copy that MVDS writes back). */
  link: DiskAction;
}

function hostOf(request: { host: string }): NamedHost[] {
  return [{ field: 'host', host: request.host }];
}

/**
 * Builds a local transfer driver: every action runs on this machine's filesystem,
 * within the datastore roots, and `placement` decides how CLONE and LN work.
 * Requests are cast to their exact types (see driver-types.ts).
 */
export function createLocalTransferDriver(context: ModuleDriverContext, placement: DiskPlacement): ModuleDriver<'transfer'> {
  const stopping = new AbortController();

  async function run(action: string, vmId: number, hosts: NamedHost[], work: (call: TransferCall) => Promise<void>): Promise<void> {
    try {
      const call = await beginTransferCall(context, stopping.signal, vmId, hosts);
      await work(call);
    } catch (error) {
      throw actionFailure(action, `VM ${vmId}`, error);
    }
  }

  return {
    init(version: number): void {
      if (version !== 1) throw new Error(`the ${context.name} transfer driver speaks protocol 1, not ${version}; update the plugin`);
    },

    CLONE(untyped) {
      const request = untyped as DiskRequest;
      return run('CLONE', request.vmId, hostOf(request), (call) => placement.clone(request, call));
    },

    LN(untyped) {
      const request = untyped as DiskRequest;
      return run('LN', request.vmId, hostOf(request), (call) => placement.link(request, call));
    },

    MV(untyped) {
      const request = untyped as MoveRequest;
      const hosts = [{ field: 'sourceHost', host: request.sourceHost }, ...hostOf(request)];
      return run('MV', request.vmId, hosts, (call) => moveVmPath(request, call));
    },

    DELETE(untyped) {
      const request = untyped as DeleteRequest;
      return run('DELETE', request.vmId, hostOf(request), (call) => deleteVmPath(request, call));
    },

    MKIMAGE(untyped) {
      const request = untyped as MkimageRequest;
      return run('MKIMAGE', request.vmId, hostOf(request), (call) => makeVolatileDisk(request, call));
    },

    CONTEXT(untyped) {
      const request = untyped as ContextRequest;
      return run('CONTEXT', request.vmId, hostOf(request), (call) => buildContextDisk(request, call));
    },

    MVDS(untyped) {
      const request = untyped as SaveDiskRequest;
      return run('MVDS', request.vmId, hostOf(request), (call) => saveDiskToImage(request, call));
    },

    finalize(): void {
      stopping.abort();
    },
  };
}
