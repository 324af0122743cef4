import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { waitForMigration } from './checkpoint.js';
import { buildQemuArguments, checkSocketPath, fileSetOf, vmFilesOf, type VmFiles } from './command-line.js';
import { readDeployment } from './deployment.js';
import { checkLocalHost } from './host-check.js';
import { describeEarlyExit, pickAccelerator } from './launch.js';
import { findQemuByPid, killQemuProcess, type QemuProcess } from './process-table.js';
import { startQemu } from './qemu-launcher.js';
import { queryStatus, requireVm, stopQemu, waitForRunState } from './vm-control.js';
import type { VmRequest, VmRuntime } from './vm-runtime.js';

/** The MIGRATE request: the VM runs on `host` and moves to `targetHost`, both names of this machine. */
export interface LiveMigrationRequest extends VmRequest {
  targetHost: string;
  vmDir: string;
  deploymentFile: string;
}

/** How long the new QEMU may take to take over after the state arrived, in milliseconds. */
const TAKE_OVER_TIMEOUT_MS = 30_000;

/** Bandwidth limit of the transfer, in bytes per second: the state goes through a local socket, so it need not be throttled. */
const LOCAL_BANDWIDTH = 8 * 1024 ** 3;

/** Reads the pid that QEMU wrote into its pid file and finds its process. */
async function processFromPidFile(files: VmFiles): Promise<QemuProcess | undefined> {
  const text = await readFile(files.pidFile, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return findQemuByPid(pid);
}

/**
 * Starts the second QEMU of the VM, which waits for the running state on `socket`. Both
 * QEMUs run side by side until the end, so the second one uses the file set the first does not.
 */
async function startIncoming(runtime: VmRuntime, request: LiveMigrationRequest, source: QemuProcess, socket: string): Promise<QemuProcess> {
  const deployment = await readDeployment(request.deploymentFile, request.vmId);
  const fileSet = fileSetOf(source.qmpSocket) === 'primary' ? 'alternate' : 'primary';
  const files = vmFilesOf(request.vmDir, request.vmId, fileSet);
  checkSocketPath(files.qmpSocket, request.vmId);

  const accelerator = await pickAccelerator(runtime, deployment);
  const args = buildQemuArguments(deployment, { vmDir: request.vmDir, accelerator, fileSet, incomingUri: `unix:${socket}` });
  runtime.log('D', request.vmId, `running ${runtime.config.binary} ${args.join(' ')}`);
  await startQemu(runtime.config.binary, args, request.vmId, files.errorLog);

  const target = await processFromPidFile(files);
  if (target === undefined) throw new Error(await describeEarlyExit(request.vmId, files, request.deploymentFile, undefined));
  return target;
}

/** Sends the running state from `source` to the socket and waits until QEMU reports the transfer completed. */
async function transferState(runtime: VmRuntime, source: QemuProcess, socket: string): Promise<void> {
  const client = await runtime.connections.get(source);
  await client.execute('migrate-set-parameters', { 'max-bandwidth': LOCAL_BANDWIDTH });
  await client.execute('migrate', { uri: `unix:${socket}` });

  const info = await waitForMigration(client);
  if (info?.status === 'completed') return;
  if (info === undefined) await client.execute('migrate_cancel').catch(() => undefined);
  const reason = info === undefined ? 'it did not finish in time' : `QEMU reports ${info.status}: ${info['error-desc'] ?? 'no reason given'}`;
  throw new Error(`live migration of VM ${source.vmId} failed: ${reason}. The guest goes on running where it was`);
}

/**
 * MIGRATE: moves a running guest to a second QEMU on this machine without stopping it.
 * Both host names of the request must name this machine. The new QEMU listens on a
 * UNIX socket in the VM folder, the old one sends its state there and then quits. When
 * the transfer fails, the new QEMU is killed and the guest goes on in the old one.
 */
export async function migrateVmLive(runtime: VmRuntime, request: LiveMigrationRequest): Promise<{ deployId: string }> {
  checkLocalHost(request.targetHost, runtime.config.localHostNames, `migrate VM ${request.vmId} to ${request.targetHost}`);
  const source = await requireVm(runtime, request, 'migrate');
  const state = await queryStatus(await runtime.connections.get(source));
  if (state !== 'running' && state !== 'paused') {
    throw new Error(`cannot migrate VM ${request.vmId} live: QEMU reports it ${state}; only a running or paused guest can move, so migrate it cold`);
  }

  const socket = path.join(request.vmDir, 'migrate.sock');
  checkSocketPath(socket, request.vmId);
  await rm(socket, { force: true });
  const started = Date.now();
  const target = await startIncoming(runtime, request, source, socket);

  try {
    await transferState(runtime, source, socket);
  } catch (error) {
    await killQemuProcess(target);
    throw error;
  } finally {
    await rm(socket, { force: true });
  }

  await stopQemu(runtime, source);
  const now = await waitForRunState(runtime, target, (next) => next !== 'inmigrate', TAKE_OVER_TIMEOUT_MS);
  if (now === 'exited' || now === 'timeout') {
    const errorLog = vmFilesOf(request.vmDir, request.vmId, fileSetOf(target.qmpSocket)).errorLog;
    const outcome = now === 'exited' ? 'exited' : 'did not resume within 30 s';
    throw new Error(`the new QEMU of VM ${request.vmId} ${outcome} after the transfer, so the guest no longer runs; QEMU's messages are in ${errorLog}. Deploy the VM again (one.vm.recover --recreate)`);
  }
  if (state === 'running' && now !== 'running') await (await runtime.connections.get(target)).execute('cont');

  runtime.log('I', request.vmId, `migrated ${source.deployId} live from QEMU pid ${source.pid} to pid ${target.pid} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { deployId: target.deployId };
}
