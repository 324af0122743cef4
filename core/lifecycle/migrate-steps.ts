import { LcmState, VmState } from '../vm/states.js';
import { writeDeploymentFor } from './deployment-file.js';
import type { FlowStep, StepFailure } from './flow.js';
import { checkpointFile, type FlowContext } from './flow-context.js';

type Step = FlowStep<FlowContext>;

/** Seconds the guest gets to power off before the VM driver stops it hard, as for a poweroff. */
const SHUTDOWN_TIMEOUT_SECONDS = 60;

/** The position after a failure before the guest left its host: RUNNING on that host. */
const STILL_ON_PREVIOUS_HOST: StepFailure = { state: VmState.ACTIVE, lcmState: LcmState.RUNNING, returnToPreviousHost: true };

const activeAt = (lcmState: LcmState): StepFailure => ({ state: VmState.ACTIVE, lcmState });

/**
 * Stops the guest on the host it leaves, in SAVE_MIGRATE. With `save`, VMM SAVE writes
 * its memory to the checkpoint file; a migration by power-off uses VMM SHUTDOWN, or
 * CANCEL to stop it at once. A failure leaves the guest running there.
 */
export function leavePreviousHostStep(method: 'save' | 'shutdown' | 'cancel'): Step {
  return {
    name: method,
    lcmState: LcmState.SAVE_MIGRATE,
    failure: STILL_ON_PREVIOUS_HOST,
    async run(context) {
      const source = await context.previousHost();
      const request = { vmId: context.vm.id, host: source.name, deployId: context.vm.deployId };
      const options = { objectId: context.vm.id };

      if (method === 'save') {
        await context.drivers.call('vmm', source.vmMad, 'SAVE', { ...request, checkpointFile: checkpointFile(context) }, options);
      } else if (method === 'shutdown') {
        await context.drivers.call('vmm', source.vmMad, 'SHUTDOWN', { ...request, timeoutSeconds: SHUTDOWN_TIMEOUT_SECONDS }, options);
      } else {
        await context.drivers.call('vmm', source.vmMad, 'CANCEL', request, options);
      }
    },
  };
}

/** Moves the VM folder (disks, context CD, checkpoint) from the previous host to the new one with TM `MV`. */
export function moveFolderStep(lcmState: LcmState, failure: LcmState): Step {
  return {
    name: 'move',
    lcmState,
    failure: activeAt(failure),
    async run(context) {
      const source = await context.previousHost();
      const request = { vmId: context.vm.id, sourceHost: source.name, source: context.vmDir, host: context.host.name, target: context.vmDir };
      await context.drivers.call('transfer', context.systemDatastore.tmMad, 'MV', request, { objectId: context.vm.id });
    },
  };
}

/**
 * Moves the running guest to the new host with VMM `MIGRATE` of the previous host's
 * driver, in the MIGRATE state. The disks stay where they are, because both hosts see
 * the system datastore at the same path. A failure leaves the guest running where it was.
 */
export function liveMigrateStep(): Step {
  return {
    name: 'live-migrate',
    lcmState: LcmState.MIGRATE,
    failure: STILL_ON_PREVIOUS_HOST,
    async run(context) {
      const source = await context.previousHost();
      const deploymentFile = await writeDeploymentFor(context);

      const request = {
        vmId: context.vm.id,
        host: source.name,
        deployId: context.vm.deployId,
        targetHost: context.host.name,
        vmDir: context.vmDir,
        deploymentFile,
      };
      const reply = await context.drivers.call('vmm', source.vmMad, 'MIGRATE', request, { objectId: context.vm.id });
      await context.saveDeployId(reply.deployId);
    },
  };
}
