import { isStillRunning } from './process-table.js';
import { readProcessUsage, readUptimeSeconds } from './process-usage.js';
import { findVm, queryStatus, requireVm, type RunState } from './vm-control.js';
import type { VmRequest, VmRuntime } from './vm-runtime.js';

/** The states POLL reports. */
export type VmState = 'RUNNING' | 'PAUSED' | 'POWEROFF' | 'UNKNOWN';

export interface PollReply {
  state: VmState;
  cpu?: number;
  memoryKb?: number;
}

/**
 * Maps QEMU's run state to a POLL state. `shutdown` means the guest powered itself
 * off and QEMU waits (-no-shutdown). Every other state where the guest does not run
 * is PAUSED: stopped by SUSPEND, migrating, saved, or halted by an error
 * (internal-error, io-error, guest-panicked), which the protocol has no state for.
 */
export function pollStateOf(runState: RunState): VmState {
  if (runState === 'running') return 'RUNNING';
  if (runState === 'shutdown') return 'POWEROFF';
  return 'PAUSED';
}

/** SUSPEND: pauses the VM in memory with QMP `stop`. */
export async function suspendVm(runtime: VmRuntime, request: VmRequest): Promise<void> {
  const qemu = await requireVm(runtime, request, 'suspend');
  const client = await runtime.connections.get(qemu);
  const state = await queryStatus(client);

  if (state === 'paused') {
    runtime.log('I', qemu.vmId, `${qemu.deployId} is already paused`);
    return;
  }
  if (state !== 'running') throw new Error(`cannot suspend VM ${qemu.vmId}: ${qemu.deployId} is ${state}, not running`);

  await client.execute('stop');
  runtime.log('I', qemu.vmId, `paused ${qemu.deployId}; it is now ${await queryStatus(client)}`);
}

/** RESUME: runs a paused VM again with QMP `cont`. */
export async function resumeVm(runtime: VmRuntime, request: VmRequest): Promise<void> {
  const qemu = await requireVm(runtime, request, 'resume');
  const client = await runtime.connections.get(qemu);
  const state = await queryStatus(client);

  if (state === 'running') {
    runtime.log('I', qemu.vmId, `${qemu.deployId} is already running`);
    return;
  }
  if (state === 'shutdown') {
    throw new Error(`cannot resume VM ${qemu.vmId}: its guest powered itself off; RESET or REBOOT starts it again, SHUTDOWN or CANCEL ends QEMU`);
  }

  await client.execute('cont');
  runtime.log('I', qemu.vmId, `resumed ${qemu.deployId}; it is now ${await queryStatus(client)}`);
}

/** POLL: the VM's state from QMP, and its CPU and memory use from /proc. */
export async function pollVm(runtime: VmRuntime, request: VmRequest): Promise<PollReply> {
  const qemu = await findVm(runtime, request, 'poll');
  if (qemu === undefined) {
    runtime.pollSampler.forget(request.deployId);
    return { state: 'UNKNOWN' };
  }

  let runState: RunState;
  try {
    runState = await queryStatus(await runtime.connections.get(qemu));
  } catch (error) {
    if (!(await isStillRunning(qemu))) return { state: 'UNKNOWN' };
    throw new Error(`cannot poll VM ${qemu.vmId}: QEMU ${qemu.deployId} runs (pid ${qemu.pid}) but its QMP monitor does not respond: ${(error as Error).message}`, { cause: error });
  }

  const [usage, now] = await Promise.all([readProcessUsage(qemu.pid).catch(() => undefined), readUptimeSeconds()]);
  if (usage === undefined) return { state: 'UNKNOWN' };
  const cpu = runtime.pollSampler.percent(qemu.deployId, qemu.pid, usage, now);
  return { state: pollStateOf(runState), cpu, memoryKb: usage.residentKb };
}
