import { stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { saveUri, vmFilesOf } from './command-line.js';
import { checkLocalHost } from './host-check.js';
import { describeEarlyExit, launchVm, type LaunchRequest } from './launch.js';
import type { QemuProcess } from './process-table.js';
import type { QmpClient } from './qmp-client.js';
import { queryStatus, requireVm, stopQemu, waitForRunState } from './vm-control.js';
import type { VmRequest, VmRuntime } from './vm-runtime.js';

/** Maximum time to write or load a state, in milliseconds, below the 300 s deadline of SAVE and RESTORE. */
const TRANSFER_TIMEOUT_MS = 240_000;
const MIGRATE_POLL_INTERVAL_MS = 200;
/**
 * Bandwidth limit for the save, in bytes per second. QEMU 7.2 defaults to 32 MiB/s
 * for live migration over a network. A stopped VM saved to a local file need not be
 * throttled.
 */
const SAVE_BANDWIDTH = 8 * 1024 ** 3;

// Control characters are rejected: a newline would end the shell command QEMU runs for exec: URIs.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Throws unless `file` is an absolute path without control characters in an existing folder. */
async function checkCheckpointPath(file: string, vmId: number, verb: string): Promise<void> {
  if (!path.isAbsolute(file) || CONTROL_CHARACTERS.test(file)) {
    throw new Error(`cannot ${verb} VM ${vmId}: the checkpoint path ${JSON.stringify(file)} must be absolute and free of control characters`);
  }
  const folder = await stat(path.dirname(file)).catch(() => undefined);
  if (folder?.isDirectory() !== true) throw new Error(`cannot ${verb} VM ${vmId}: the folder of the checkpoint file ${file} does not exist`);
}

export interface MigrationInfo {
  status?: string;
  'error-desc'?: string;
  ram?: { transferred?: number };
}

/** Polls `query-migrate` until the migration ends; returns its last info, or undefined after the timeout. */
export async function waitForMigration(client: QmpClient): Promise<MigrationInfo | undefined> {
  const deadline = Date.now() + TRANSFER_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const info = await client.execute<MigrationInfo>('query-migrate');
    if (info.status === 'completed' || info.status === 'failed' || info.status === 'cancelled') return info;
    await sleep(MIGRATE_POLL_INTERVAL_MS);
  }
  return undefined;
}

/** Writes the stopped VM's state to the file; throws with QEMU's reason when the migration fails. */
async function writeState(runtime: VmRuntime, qemu: QemuProcess, client: QmpClient, file: string): Promise<void> {
  const started = Date.now();
  await client.execute('migrate-set-parameters', { 'max-bandwidth': SAVE_BANDWIDTH });
  await client.execute('migrate', { uri: saveUri(file) });
  const info = await waitForMigration(client);

  if (info?.status !== 'completed') {
    if (info === undefined) await client.execute('migrate_cancel').catch(() => undefined);
    const reason = info === undefined ? `it did not finish within ${TRANSFER_TIMEOUT_MS / 1000} s` : `QEMU reports ${info.status}: ${info['error-desc'] ?? 'no reason given'}`;
    throw new Error(`saving VM ${qemu.vmId} to ${file} failed: ${reason}. Check the free space and permissions of the checkpoint folder`);
  }
  const megabytes = ((info.ram?.transferred ?? 0) / 1024 ** 2).toFixed(1);
  runtime.log('I', qemu.vmId, `saved ${qemu.deployId} to ${file} (${megabytes} MiB of RAM) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * SAVE: stops the VM, writes its state to `checkpointFile` through a migration to
 * `exec:cat > FILE`, and ends QEMU. When writing fails, a VM that was running runs
 * again and the error is thrown.
 */
export async function saveVm(runtime: VmRuntime, request: VmRequest & { checkpointFile: string }): Promise<void> {
  const qemu = await requireVm(runtime, request, 'save');
  await checkCheckpointPath(request.checkpointFile, request.vmId, 'save');
  const client = await runtime.connections.get(qemu);
  const state = await queryStatus(client);
  if (state === 'shutdown') throw new Error(`cannot save VM ${qemu.vmId}: its guest has powered off, so there is no state to save; SHUTDOWN or CANCEL ends QEMU`);

  if (state === 'running') await client.execute('stop');
  try {
    await writeState(runtime, qemu, client, request.checkpointFile);
  } catch (error) {
    if (state === 'running') {
      await client.execute('cont').catch((resumeError: unknown) => runtime.log('E', qemu.vmId, `could not resume ${qemu.deployId} after the failed save: ${(resumeError as Error).message}`));
    }
    throw error;
  }

  await stopQemu(runtime, qemu);
  runtime.log('I', qemu.vmId, `QEMU ${qemu.deployId} stopped after the save`);
}

/**
 * RESTORE: starts QEMU with the VM's command line plus `-incoming` reading
 * `checkpointFile`, waits for the state to load, and resumes the guest, which goes
 * on from where SAVE stopped it. Returns the deployId.
 */
export async function restoreVm(runtime: VmRuntime, request: LaunchRequest & { checkpointFile: string }): Promise<string> {
  const file = request.checkpointFile;
  checkLocalHost(request.host, runtime.config.localHostNames, `restore VM ${request.vmId}`);
  await checkCheckpointPath(file, request.vmId, 'restore');
  const size = (await stat(file).catch(() => undefined))?.size;
  if (size === undefined || size === 0) throw new Error(`cannot restore VM ${request.vmId}: the checkpoint file ${file} ${size === 0 ? 'is empty' : 'does not exist'}; SAVE writes it`);

  const started = Date.now();
  const qemu = await launchVm(runtime, request, file);
  const state = await waitForRunState(runtime, qemu, (next) => next !== 'inmigrate', TRANSFER_TIMEOUT_MS);
  if (state === 'exited') {
    throw new Error(await describeEarlyExit(request.vmId, vmFilesOf(request.vmDir, request.vmId), request.deploymentFile, file));
  }
  if (state === 'timeout') {
    await stopQemu(runtime, qemu);
    throw new Error(`restoring VM ${request.vmId} from ${file} did not finish within ${TRANSFER_TIMEOUT_MS / 1000} s; QEMU was stopped`);
  }

  const client = await runtime.connections.get(qemu);
  if (state !== 'running') await client.execute('cont');
  runtime.log('I', qemu.vmId, `restored ${qemu.deployId} from ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s; it is now ${await queryStatus(client)}`);
  return qemu.deployId;
}
