import type { ModuleDriverContext } from '../../../core/drivers/runtime/module-driver-api.js';
import { controlFolderFrom, findScript, playScript } from './control-folder.js';
import { deployIdOf, DummyVms } from './dummy-vms.js';
import type { DummyDriver, VmRequest } from './requests.js';

/** CPU capacity MONITOR_HOST reports for every host, in percent of one core (8 cores). */
export const HOST_CPU = 800;
/** Memory MONITOR_HOST reports for every host, in KiB (16 GiB). */
export const HOST_MEMORY_KB = 16 * 1024 * 1024;

/**
 * Creates a VM-manager driver that runs nothing, for tests and scale runs. Every
 * action succeeds at once, unless a file in the control folder scripts another
 * outcome (README.md describes them). Only the type imports above refer to the core,
 * so the compiled driver needs nothing but Node.js.
 */
export default function createDriver(context: ModuleDriverContext): DummyDriver {
  const controlFolder = controlFolderFrom(process.env);
  const vms = new DummyVms();
  const stopping = new AbortController();

  /** Plays the control file for the call, if there is one; returns when the action should succeed. */
  async function scripted(action: string, subject: number | string): Promise<void> {
    const script = await findScript(controlFolder, action, String(subject));
    if (script !== undefined) await playScript(script, action, stopping.signal);
  }

  /** Builds a VM action that replies with no fields after `change` records its effect. */
  function vmAction(action: string, change: (request: VmRequest) => void) {
    return async (request: VmRequest): Promise<void> => {
      await scripted(action, request.vmId);
      change(request);
      context.log('I', request.vmId, `${action} succeeded on ${request.host} (dummy driver, nothing runs)`);
    };
  }

  return {
    init() {
      const source = controlFolder ?? 'nowhere: set STRATUS_DUMMY_CONTROL or STRATUS_HOME to script outcomes';
      context.log('I', -1, `the dummy driver reads control files from ${source}`);
    },

    async DEPLOY(request) {
      await vmAction('DEPLOY', ({ vmId, host }) => vms.deploy(vmId, host))(request);
      return { deployId: deployIdOf(request.vmId) };
    },
    async MIGRATE(request) {
      await vmAction('MIGRATE', ({ vmId }) => vms.deploy(vmId, request.targetHost))(request);
      return { deployId: deployIdOf(request.vmId) };
    },
    async RESTORE(request) {
      await vmAction('RESTORE', ({ vmId, host }) => vms.deploy(vmId, host))(request);
      return { deployId: deployIdOf(request.vmId) };
    },

    SHUTDOWN: vmAction('SHUTDOWN', ({ vmId, host }) => vms.change(vmId, host, 'STOPPED')),
    CANCEL: vmAction('CANCEL', ({ vmId, host }) => vms.change(vmId, host, 'STOPPED')),
    SAVE: vmAction('SAVE', ({ vmId, host }) => vms.change(vmId, host, 'STOPPED')),
    SUSPEND: vmAction('SUSPEND', ({ vmId, host }) => vms.change(vmId, host, 'PAUSED')),
    RESUME: vmAction('RESUME', ({ vmId, host }) => vms.change(vmId, host, 'RUNNING')),
    REBOOT: vmAction('REBOOT', () => undefined),
    RESET: vmAction('RESET', () => undefined),

    async POLL(request) {
      await scripted('POLL', request.vmId);
      return { state: vms.pollState(request.vmId, request.deployId) };
    },

    async MONITOR_HOST(request) {
      await scripted('MONITOR_HOST', request.host);
      const deployIds = vms.deployIdsOn(request.host);
      return { hypervisor: 'dummy', totalCpu: HOST_CPU, usedCpu: 0, totalMemoryKb: HOST_MEMORY_KB, usedMemoryKb: 0, deployIds };
    },

    finalize() {
      stopping.abort();
    },
  };
}
