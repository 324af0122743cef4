import { setTimeout as sleep } from 'node:timers/promises';
import type { QemuProcess } from './process-table.js';
import type { QmpClient, QmpEvent } from './qmp-client.js';
import { findVm, queryStatus, requireVm, stopQemu, waitForRunState, type RunState } from './vm-control.js';
import type { VmRequest, VmRuntime } from './vm-runtime.js';

/** How long REBOOT waits for the guest to reboot itself after Ctrl+Alt+Delete, in milliseconds. */
const GUEST_REBOOT_WAIT_MS = 30_000;
const EVENT_POLL_INTERVAL_MS = 100;
const RUN_STATE_SETTLE_MS = 5_000;

const CTRL_ALT_DELETE = ['ctrl', 'alt', 'delete'].map((key) => ({ type: 'qcode', data: key }));

/**
 * Presses the ACPI power button and waits up to `timeoutMs` for the guest to power
 * off: QEMU's SHUTDOWN event, the run state `shutdown` (with -no-shutdown), or the
 * process's exit. Returns whether the guest powered off.
 */
async function powerOffGuest(runtime: VmRuntime, qemu: QemuProcess, client: QmpClient, timeoutMs: number): Promise<boolean> {
  let shutdownSeen = false;
  const unsubscribe = client.onEvent((event) => {
    if (event.event === 'SHUTDOWN') shutdownSeen = true;
  });

  try {
    await client.execute('system_powerdown');
    runtime.log('I', qemu.vmId, `pressed the ACPI power button of ${qemu.deployId}; waiting up to ${timeoutMs / 1000} s for the guest to power off`);
    const outcome = await waitForRunState(runtime, qemu, (state) => shutdownSeen || state === 'shutdown', timeoutMs);
    return outcome !== 'timeout';
  } finally {
    unsubscribe();
  }
}

/** SHUTDOWN: requests an ACPI power-off from the guest, then ends QEMU with `quit`, or SIGKILL when needed. */
export async function shutdownVm(runtime: VmRuntime, request: VmRequest & { timeoutSeconds: number }): Promise<void> {
  const qemu = await findVm(runtime, request, 'shut down');
  if (qemu === undefined) {
    runtime.log('I', request.vmId, `${request.deployId} is not running on this host; nothing to shut down`);
    return;
  }

  const client = await runtime.connections.get(qemu);
  const state = await queryStatus(client);
  const timeoutMs = Math.max(0, request.timeoutSeconds) * 1000;

  if (state === 'running') {
    const poweredOff = await powerOffGuest(runtime, qemu, client, timeoutMs);
    const outcome = poweredOff ? 'the guest powered off' : `the guest did not power off within ${request.timeoutSeconds} s, so QEMU is stopped without it`;
    runtime.log(poweredOff ? 'I' : 'W', qemu.vmId, outcome);
  } else if (state !== 'shutdown') {
    runtime.log('I', qemu.vmId, `${qemu.deployId} is ${state}, so its guest cannot handle the ACPI power button; stopping QEMU`);
  }

  await stopQemu(runtime, qemu);
  runtime.log('I', qemu.vmId, `QEMU ${qemu.deployId} (pid ${qemu.pid}) stopped`);
}

/** CANCEL: ends QEMU at once, with `quit` and then SIGKILL when needed. */
export async function cancelVm(runtime: VmRuntime, request: VmRequest): Promise<void> {
  const qemu = await findVm(runtime, request, 'cancel');
  if (qemu === undefined) {
    runtime.log('I', request.vmId, `${request.deployId} is not running on this host; nothing to cancel`);
    return;
  }

  runtime.log('I', qemu.vmId, `stopping QEMU ${qemu.deployId} (pid ${qemu.pid}) without asking the guest`);
  await stopQemu(runtime, qemu);
  runtime.log('I', qemu.vmId, `QEMU ${qemu.deployId} stopped`);
}

/** Run states that SUSPEND (or an earlier reset of a paused VM) leaves; a reset keeps such a VM paused. */
const PAUSED_BY_REQUEST = ['paused', 'prelaunch'];

/**
 * Sends `system_reset`. QEMU leaves any VM that was not running in `prelaunch`
 * after a reset. One whose guest had powered off or failed gets `cont` to boot
 * again; one paused by SUSPEND stays paused until RESUME.
 */
async function resetAndStart(runtime: VmRuntime, qemu: QemuProcess, client: QmpClient, stateBefore: RunState): Promise<void> {
  await client.execute('system_reset');
  const state = await queryStatus(client);
  if (state === 'prelaunch' && !PAUSED_BY_REQUEST.includes(stateBefore)) await client.execute('cont');
  runtime.log('I', qemu.vmId, `reset ${qemu.deployId}; it was ${stateBefore} and is now ${await queryStatus(client)}`);
}

/** Presses Ctrl+Alt+Delete and returns the guest's reaction: a RESET or SHUTDOWN event, or undefined after the wait. */
async function askGuestToReboot(runtime: VmRuntime, qemu: QemuProcess, client: QmpClient): Promise<QmpEvent | undefined> {
  const events: QmpEvent[] = [];
  const unsubscribe = client.onEvent((event) => events.push(event));

  try {
    await client.execute('send-key', { keys: CTRL_ALT_DELETE });
    runtime.log('I', qemu.vmId, `pressed Ctrl+Alt+Delete in ${qemu.deployId}; waiting up to ${GUEST_REBOOT_WAIT_MS / 1000} s for the guest to reboot`);

    const deadline = Date.now() + GUEST_REBOOT_WAIT_MS;
    while (Date.now() < deadline && !client.closed) {
      const reaction = events.find((event) => event.event === 'RESET' || event.event === 'SHUTDOWN');
      if (reaction !== undefined) return reaction;
      await sleep(EVENT_POLL_INTERVAL_MS);
    }
    return undefined;
  } finally {
    unsubscribe();
  }
}

/**
 * REBOOT: requests a reboot from the guest with Ctrl+Alt+Delete. When the guest
 * powers off instead, or does not react, the VM is reset and started again.
 */
export async function rebootVm(runtime: VmRuntime, request: VmRequest): Promise<void> {
  const qemu = await requireVm(runtime, request, 'reboot');
  const client = await runtime.connections.get(qemu);
  const state = await queryStatus(client);

  if (state !== 'running') {
    runtime.log('I', qemu.vmId, `${qemu.deployId} is ${state}, so its guest cannot reboot itself; resetting it`);
    return resetAndStart(runtime, qemu, client, state);
  }

  const reaction = await askGuestToReboot(runtime, qemu, client);
  if (reaction?.event === 'RESET') {
    runtime.log('I', qemu.vmId, 'the guest rebooted itself');
    return;
  }
  const poweredOff = reaction?.event === 'SHUTDOWN';
  // QEMU reports SHUTDOWN just before it stops the VM, so the run state may lag behind the event.
  const settled = poweredOff ? (next: RunState) => next === 'shutdown' : () => true;
  const stateNow = await waitForRunState(runtime, qemu, settled, RUN_STATE_SETTLE_MS);
  if (stateNow === 'exited') {
    throw new Error(`QEMU ${qemu.deployId} of VM ${qemu.vmId} exited while the guest was asked to reboot; DEPLOY the VM again`);
  }

  const reason = poweredOff ? 'the guest powered off instead of rebooting' : `the guest did not reboot within ${GUEST_REBOOT_WAIT_MS / 1000} s`;
  runtime.log('I', qemu.vmId, `${reason}; resetting it`);
  await resetAndStart(runtime, qemu, client, stateNow);
}

/** RESET: the hardware reset button (`system_reset`). */
export async function resetVm(runtime: VmRuntime, request: VmRequest): Promise<void> {
  const qemu = await requireVm(runtime, request, 'reset');
  const client = await runtime.connections.get(qemu);
  await resetAndStart(runtime, qemu, client, await queryStatus(client));
}
