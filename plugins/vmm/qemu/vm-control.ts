import { setTimeout as sleep } from 'node:timers/promises';
import { vmIdOf } from './command-line.js';
import { checkLocalHost } from './host-check.js';
import { findQemuProcess, isStillRunning, killQemuProcess, waitForExit, type QemuProcess } from './process-table.js';
import { QmpConnectionError, type QmpClient } from './qmp-client.js';
import type { VmRequest, VmRuntime } from './vm-runtime.js';

/** QEMU's run state, as `query-status` returns it: running, paused, shutdown, inmigrate, postmigrate, prelaunch, ... */
export type RunState = string;

/** How long QEMU may take to exit after `quit`, and after SIGKILL, in milliseconds. */
const QUIT_TIMEOUT_MS = 15_000;
const KILL_TIMEOUT_MS = 10_000;
const STATUS_POLL_INTERVAL_MS = 200;

/**
 * Checks the request's host and deployId and finds the VM's QEMU process. Returns
 * undefined when no process runs it; throws when the request is for another host
 * or carries a deployId this driver did not make.
 */
export async function findVm(runtime: VmRuntime, request: VmRequest, verb: string): Promise<QemuProcess | undefined> {
  checkLocalHost(request.host, runtime.config.localHostNames, `${verb} VM ${request.vmId}`);
  if (vmIdOf(request.deployId) !== request.vmId) {
    throw new Error(`cannot ${verb} VM ${request.vmId}: its deployId "${request.deployId}" was not made by the qemu driver, which names VM ${request.vmId} stratus-${request.vmId}; check the VM's host and driver`);
  }
  return findQemuProcess(request.deployId);
}

/** Like findVm, but throws when no QEMU process runs the VM. */
export async function requireVm(runtime: VmRuntime, request: VmRequest, verb: string): Promise<QemuProcess> {
  const qemu = await findVm(runtime, request, verb);
  if (qemu !== undefined) return qemu;
  throw new Error(`cannot ${verb} VM ${request.vmId}: no QEMU process named ${request.deployId} runs on this host, so the VM was stopped or never started; POLL reports UNKNOWN for it`);
}

/** Returns the VM's run state from `query-status`. */
export async function queryStatus(client: QmpClient): Promise<RunState> {
  const reply = await client.execute<{ status: string }>('query-status');
  return reply.status;
}

/**
 * Polls the VM's run state until `done` accepts it or the process exits. Returns
 * the last state, `exited`, or `timeout` after `timeoutMs`. Throws the QMP error
 * when QEMU still runs but does not reply.
 */
export async function waitForRunState(runtime: VmRuntime, qemu: QemuProcess, done: (state: RunState) => boolean, timeoutMs: number): Promise<RunState | 'exited' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let state: RunState;
    try {
      state = await queryStatus(await runtime.connections.get(qemu));
    } catch (error) {
      if (!(await waitForExit(qemu, 0))) throw error;
      return 'exited';
    }
    if (done(state)) return state;
    await sleep(STATUS_POLL_INTERVAL_MS);
  }
  return 'timeout';
}

/** Sends `quit`; a connection that closes before the reply means QEMU is already going. */
async function sendQuit(runtime: VmRuntime, qemu: QemuProcess): Promise<void> {
  try {
    await (await runtime.connections.get(qemu)).execute('quit');
  } catch (error) {
    if (error instanceof QmpConnectionError) return;
    runtime.log('W', qemu.vmId, `quit on ${qemu.deployId} (pid ${qemu.pid}) failed: ${(error as Error).message}; killing QEMU`);
  }
}

/**
 * Stops QEMU: `quit` over QMP, then SIGKILL when the process is still there after
 * QUIT_TIMEOUT_MS. Throws only when the process survives SIGKILL.
 */
export async function stopQemu(runtime: VmRuntime, qemu: QemuProcess): Promise<void> {
  if (!(await isStillRunning(qemu))) {
    runtime.connections.drop(qemu.deployId);
    return;
  }

  await sendQuit(runtime, qemu);
  if (await waitForExit(qemu, QUIT_TIMEOUT_MS)) {
    runtime.connections.drop(qemu.deployId);
    return;
  }

  runtime.log('W', qemu.vmId, `QEMU ${qemu.deployId} (pid ${qemu.pid}) did not exit within ${QUIT_TIMEOUT_MS / 1000} s of quit; sending SIGKILL`);
  await killQemuProcess(qemu);
  runtime.connections.drop(qemu.deployId);
  if (!(await waitForExit(qemu, KILL_TIMEOUT_MS))) {
    throw new Error(`QEMU ${qemu.deployId} (pid ${qemu.pid}) of VM ${qemu.vmId} is still running ${KILL_TIMEOUT_MS / 1000} s after SIGKILL; check the process on the host (it may be stuck in the kernel on a disk)`);
  }
}
