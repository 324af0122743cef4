import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { contextVariables } from '../vnet/leases/index.js';
import { LcmState, VmState } from '../vm/states.js';
import { writeDeploymentFor } from './deployment-file.js';
import type { FlowStep } from './flow.js';
import { checkpointFile, type FlowContext } from './flow-context.js';

type Step = FlowStep<FlowContext>;

const activeAt = (lcmState: LcmState) => ({ state: VmState.ACTIVE, lcmState });
const BACK_TO_RUNNING = activeAt(LcmState.RUNNING);

/** Seconds the guest gets to power off on ACPI before the VM driver stops it hard. */
const SHUTDOWN_TIMEOUT_SECONDS = 60;

function transferDriver(context: FlowContext): string {
  return context.systemDatastore.tmMad;
}

function vmmRequest(context: FlowContext) {
  return { vmId: context.vm.id, host: context.host.name, deployId: context.vm.deployId };
}

/**
 * Builds the variables of context.sh: the CONTEXT vector's attributes, the network variables
 * of each NIC (ETH<NIC_ID>_IP, _MAC, _GATEWAY, ...), and DISK_ID and TARGET of the CD.
 * A NIC variable replaces a CONTEXT attribute of the same name unless it is empty.
 * NOTE: OpenNebula adds the NIC variables only when CONTEXT has NETWORK = "YES";
 * Stratus always adds them.
 */
export function contextValues(context: Pick<FlowContext, 'vm'>, diskId: number): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of context.vm.template.getVector('CONTEXT')?.entries() ?? []) values[name] = value;

  for (const [index, nic] of context.vm.template.getVectors('NIC').entries()) {
    const nicId = Number(nic.get('NIC_ID') ?? index);
    for (const [name, value] of contextVariables(nicId, nic)) {
      if (value !== '' || values[name] === undefined) values[name] = value;
    }
  }

  values.DISK_ID = String(diskId);
  values.TARGET = 'hdd';
  return values;
}

/** PROLOG: puts every disk and the context CD in the VM folder on the host. */
export function prologStep(lcmState = LcmState.PROLOG, failure = LcmState.PROLOG_FAILURE): Step {
  return {
    name: 'prolog',
    lcmState,
    failure: activeAt(failure),
    async run(context) {
      await mkdir(context.vmDir, { recursive: true });
      const disks = context.vm.template.getVectors('DISK');

      for (const [index, disk] of disks.entries()) {
        const target = path.join(context.vmDir, `disk.${index}`);
        const base = { vmId: context.vm.id, host: context.host.name, target };
        const source = disk.get('SOURCE');

        if (disk.get('IMAGE_ID') !== undefined && source !== undefined) {
          const action = disk.get('PERSISTENT') === 'YES' ? 'LN' : 'CLONE';
          await context.drivers.call('transfer', transferDriver(context), action, { ...base, source }, { objectId: context.vm.id });
        } else {
          const sizeMb = Number(disk.get('SIZE') ?? '0');
          if (!Number.isSafeInteger(sizeMb) || sizeMb <= 0) {
            throw new Error(`DISK ${index} has no image and no SIZE; give IMAGE_ID, or SIZE in MiB for an empty disk`);
          }
          const fs = disk.get('FS');
          const request = { ...base, sizeMb, format: (disk.get('FORMAT') ?? 'raw').toLowerCase(), ...(fs ? { fs } : {}) };
          await context.drivers.call('transfer', transferDriver(context), 'MKIMAGE', request, { objectId: context.vm.id });
        }
      }

      if (context.vm.template.getVector('CONTEXT')) {
        const diskId = disks.length;
        const target = path.join(context.vmDir, `disk.${diskId}`);
        const request = { vmId: context.vm.id, host: context.host.name, target, values: contextValues(context, diskId), files: [] };
        await context.drivers.call('transfer', transferDriver(context), 'CONTEXT', request, { objectId: context.vm.id });
      }
    },
    async undo(context) {
      const request = { vmId: context.vm.id, host: context.host.name, target: context.vmDir };
      await context.drivers.call('transfer', transferDriver(context), 'DELETE', request, { objectId: context.vm.id });
    },
  };
}

/** BOOT: writes the deployment description and starts the VM. */
export function bootStep(lcmState = LcmState.BOOT, failure = LcmState.BOOT_FAILURE): Step {
  return {
    name: 'boot',
    lcmState,
    failure: activeAt(failure),
    async run(context) {
      const deploymentFile = await writeDeploymentFor(context);
      const request = { vmId: context.vm.id, host: context.host.name, vmDir: context.vmDir, deploymentFile };
      const reply = await context.drivers.call('vmm', context.host.vmMad, 'DEPLOY', request, { objectId: context.vm.id });
      await context.saveDeployId(reply.deployId);
    },
    async undo(context) {
      await context.drivers.call('vmm', context.host.vmMad, 'CANCEL', vmmRequest(context), { objectId: context.vm.id });
    },
  };
}

/** Stops the guest: ACPI first (SHUTDOWN), or at once when `hard` (CANCEL). A failure leaves it RUNNING. */
export function shutdownStep(lcmState: LcmState, hard: boolean): Step {
  return {
    name: hard ? 'cancel' : 'shutdown',
    lcmState,
    failure: BACK_TO_RUNNING,
    async run(context) {
      if (hard) {
        await context.drivers.call('vmm', context.host.vmMad, 'CANCEL', vmmRequest(context), { objectId: context.vm.id });
        return;
      }
      const request = { ...vmmRequest(context), timeoutSeconds: SHUTDOWN_TIMEOUT_SECONDS };
      await context.drivers.call('vmm', context.host.vmMad, 'SHUTDOWN', request, { objectId: context.vm.id });
    },
  };
}

/** EPILOG: saves persistent disks back to their images and removes the VM folder. */
export function epilogStep(lcmState = LcmState.EPILOG, failure = LcmState.EPILOG_FAILURE): Step {
  return {
    name: 'epilog',
    lcmState,
    failure: activeAt(failure),
    async run(context) {
      const base = { vmId: context.vm.id, host: context.host.name };

      for (const [index, disk] of context.vm.template.getVectors('DISK').entries()) {
        const imageSource = disk.get('SOURCE');
        if (disk.get('PERSISTENT') !== 'YES' || imageSource === undefined) continue;
        const request = { ...base, source: path.join(context.vmDir, `disk.${index}`), target: imageSource };
        await context.drivers.call('transfer', transferDriver(context), 'MVDS', request, { objectId: context.vm.id });
      }

      await context.drivers.call('transfer', transferDriver(context), 'DELETE', { ...base, target: context.vmDir }, { objectId: context.vm.id });
    },
  };
}

/** Saves the VM's memory to the checkpoint file; the VM stops. A failure leaves it RUNNING. */
export function saveStep(lcmState: LcmState): Step {
  return {
    name: 'save',
    lcmState,
    failure: BACK_TO_RUNNING,
    async run(context) {
      const request = { ...vmmRequest(context), checkpointFile: checkpointFile(context) };
      await context.drivers.call('vmm', context.host.vmMad, 'SAVE', request, { objectId: context.vm.id });
    },
  };
}

/** Starts the VM again from its checkpoint file. */
export function restoreStep(lcmState: LcmState, failure: LcmState): Step {
  return {
    name: 'restore',
    lcmState,
    failure: activeAt(failure),
    async run(context) {
      const deploymentFile = await writeDeploymentFor(context);
      const request = {
        vmId: context.vm.id,
        host: context.host.name,
        vmDir: context.vmDir,
        deploymentFile,
        checkpointFile: checkpointFile(context),
      };
      const reply = await context.drivers.call('vmm', context.host.vmMad, 'RESTORE', request, { objectId: context.vm.id });
      await context.saveDeployId(reply.deployId);
    },
  };
}

/** Sends one VM driver action that leaves the VM RUNNING whether or not it succeeds. */
export function runningActionStep(name: string, action: 'REBOOT' | 'RESET'): Step {
  return {
    name,
    failure: BACK_TO_RUNNING,
    async run(context) {
      await context.drivers.call('vmm', context.host.vmMad, action, vmmRequest(context), { objectId: context.vm.id });
    },
  };
}
