import { action } from './action.js';
import type { FieldSpec } from './fields.js';

const vmId = { type: 'integer', description: 'The VM id; LOG lines about this request use it as their object id.', example: 42 } satisfies FieldSpec;
const host = { type: 'string', description: 'The host name, as registered with one.host.allocate.', example: 'node1' } satisfies FieldSpec;
const deployId = { type: 'string', description: 'The id the driver returned from DEPLOY, RESTORE or MIGRATE.', example: 'stratus-42' } satisfies FieldSpec;
const vmDir = { type: 'string', description: "The VM's folder on the host; disks are disk.0, disk.1, ...", example: '/var/lib/stratus/datastores/0/42' } satisfies FieldSpec;
const deploymentFile = {
  type: 'string',
  description: 'Path of the deployment description the core wrote: JSON with the VM name, CPU, memory, disks, NICs, kernel and boot options.',
  example: '/var/lib/stratus/datastores/0/42/deployment.0.json',
} satisfies FieldSpec;
const checkpointFile = { type: 'string', description: "Path of the VM's saved memory state.", example: '/var/lib/stratus/datastores/0/42/checkpoint' } satisfies FieldSpec;

const onVm = { vmId, host, deployId } as const;

/** VM-manager drivers: start, stop and watch VMs on hosts. */
export const VMM_ACTIONS = {
  DEPLOY: action({
    summary: 'Starts a VM from its deployment description.',
    request: { vmId, host, vmDir, deploymentFile },
    reply: { deployId },
    timeoutSeconds: 120,
  }),
  SHUTDOWN: action({
    summary: 'Asks the guest to power off (ACPI) and waits up to timeoutSeconds, then stops it hard.',
    request: { ...onVm, timeoutSeconds: { type: 'integer', description: 'How long to wait for the guest before a hard stop.', example: 60 } },
    reply: {},
    timeoutSeconds: 180,
  }),
  CANCEL: action({ summary: 'Stops a VM at once, without asking the guest.', request: onVm, reply: {}, timeoutSeconds: 60 }),
  REBOOT: action({ summary: 'Asks the guest to reboot.', request: onVm, reply: {}, timeoutSeconds: 60 }),
  RESET: action({ summary: 'Resets the VM as a hardware reset button would.', request: onVm, reply: {}, timeoutSeconds: 60 }),
  SUSPEND: action({ summary: 'Pauses the VM in memory.', request: onVm, reply: {}, timeoutSeconds: 60 }),
  RESUME: action({ summary: 'Resumes a VM paused by SUSPEND.', request: onVm, reply: {}, timeoutSeconds: 60 }),
  SAVE: action({
    summary: "Saves the VM's memory state to a file and stops the VM.",
    request: { ...onVm, checkpointFile },
    reply: {},
    timeoutSeconds: 300,
  }),
  RESTORE: action({
    summary: 'Starts a VM again from its deployment description and a file written by SAVE.',
    request: { vmId, host, vmDir, deploymentFile, checkpointFile },
    reply: { deployId },
    timeoutSeconds: 300,
  }),
  MIGRATE: action({
    summary: 'Moves a running VM to another host while it runs (live migration). Plugins that cannot do this leave it out of their actions; the core then offers only cold migration.',
    request: {
      ...onVm,
      targetHost: { type: 'string', description: 'The host the VM moves to; its disks are already at the same path there.', example: 'node2' },
      vmDir,
      deploymentFile,
    },
    reply: { deployId },
    timeoutSeconds: 3600,
  }),
  POLL: action({
    summary: "Reports a VM's state and usage.",
    request: onVm,
    reply: {
      state: { type: 'string', description: 'RUNNING, PAUSED, POWEROFF (the guest powered itself off) or UNKNOWN (the VM is gone).', example: 'RUNNING' },
      cpu: { type: 'number', optional: true, description: 'CPU use in percent of one core.', example: 12.5 },
      memoryKb: { type: 'integer', optional: true, description: 'Memory in use, in KiB.', example: 262144 },
    },
    timeoutSeconds: 30,
  }),
  MONITOR_HOST: action({
    summary: "Reports a host's capacity and the VMs running on it.",
    request: { host },
    reply: {
      hypervisor: { type: 'string', description: 'The hypervisor name.', example: 'qemu' },
      totalCpu: { type: 'integer', description: 'CPU capacity in percent of one core (400 is 4 cores).', example: 400 },
      usedCpu: { type: 'integer', description: 'CPU in use, same unit.', example: 35 },
      totalMemoryKb: { type: 'integer', description: 'Memory, in KiB.', example: 16777216 },
      usedMemoryKb: { type: 'integer', description: 'Memory in use, in KiB.', example: 1048576 },
      deployIds: { type: 'string[]', description: 'Deploy ids of the VMs this driver runs on the host.', example: ['stratus-42'] },
    },
    timeoutSeconds: 30,
  }),
} as const;
