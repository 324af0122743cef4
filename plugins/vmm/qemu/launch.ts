import { access, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { applyHint } from './accelerator.js';
import { buildQemuArguments, checkSocketPath, vmFilesOf, type Accelerator, type VmFiles } from './command-line.js';
import { readDeployment, type Deployment } from './deployment.js';
import { checkLocalHost } from './host-check.js';
import { findQemuProcess, type QemuProcess } from './process-table.js';
import { joinLines, startQemu } from './qemu-launcher.js';
import { waitForRunState } from './vm-control.js';
import type { VmRuntime } from './vm-runtime.js';

/** The fields DEPLOY and RESTORE share. */
export interface LaunchRequest {
  vmId: number;
  host: string;
  vmDir: string;
  deploymentFile: string;
}

/** How long the first `query-status` after the start may take, in milliseconds. */
const FIRST_STATUS_TIMEOUT_MS = 20_000;
const MAX_ERROR_LOG_CHARS = 2000;

/** Returns the end of QEMU's -D log, or a note that it is empty. */
async function readErrorLog(file: string): Promise<string> {
  const text = joinLines(await readFile(file, 'utf8').catch(() => ''));
  if (text === '') return `${file} is empty`;
  return `${file} ends with: ${text.slice(-MAX_ERROR_LOG_CHARS)}`;
}

/** Builds the error for a QEMU that exited soon after it daemonized, quoting its -D log. */
export async function describeEarlyExit(vmId: number, files: VmFiles, deploymentFile: string, checkpointFile: string | undefined): Promise<string> {
  const log = await readErrorLog(files.errorLog);
  if (checkpointFile !== undefined) {
    return `QEMU of VM ${vmId} exited while loading ${checkpointFile} (${log}): the file is damaged or was saved with a different deployment (memory, disks, devices)`;
  }
  return `QEMU of VM ${vmId} exited right after it started (${log}); the guest console is in ${files.serialLog}. Check the deployment file ${deploymentFile}`;
}

async function checkVmDir(vmDir: string, vmId: number): Promise<void> {
  if (!path.isAbsolute(vmDir)) throw new Error(`cannot start VM ${vmId}: the VM folder "${vmDir}" is not an absolute path`);
  const info = await stat(vmDir).catch(() => undefined);
  if (info?.isDirectory() !== true) {
    throw new Error(`cannot start VM ${vmId}: the VM folder ${vmDir} does not exist; the transfer driver creates it with the VM's disks before DEPLOY`);
  }
}

/** Throws one error naming every file of the description that does not exist. */
async function checkFilesExist(deployment: Deployment, vmId: number): Promise<void> {
  const files: [string, string][] = deployment.disks.map((disk) => [`disk ${disk.target}`, disk.path]);
  if (deployment.kernel !== undefined) files.push(['kernel', deployment.kernel]);
  if (deployment.initrd !== undefined) files.push(['initrd', deployment.initrd]);

  const missing: string[] = [];
  for (const [what, file] of files) {
    if (!(await access(file).then(() => true, () => false))) missing.push(`${what} ${file}`);
  }
  if (missing.length > 0) {
    throw new Error(`cannot start VM ${vmId}: ${missing.join(', ')} not found; check the deployment file and that the transfer driver put the disks in place`);
  }
}

async function rejectRunningVm(deployId: string, vmId: number): Promise<void> {
  const running = await findQemuProcess(deployId);
  if (running !== undefined) {
    throw new Error(`cannot start VM ${vmId}: it already runs as ${deployId} (QEMU pid ${running.pid}) on this host; SHUTDOWN or CANCEL it first`);
  }
}

export async function pickAccelerator(runtime: VmRuntime, deployment: Deployment): Promise<Accelerator> {
  const choice = await runtime.chooseAccelerator();
  const { accelerator, warning } = applyHint(choice, deployment.accelerator);
  if (warning !== undefined) runtime.log('W', deployment.vmId, warning);
  runtime.log('I', deployment.vmId, `accelerator ${accelerator} (${choice.reason})`);
  return accelerator;
}

/**
 * Starts QEMU for a VM from its deployment description, or with `checkpointFile`
 * from a state written by SAVE (QEMU then waits, paused, for the state). Returns
 * the running process once its QMP monitor replies.
 */
export async function launchVm(runtime: VmRuntime, request: LaunchRequest, checkpointFile?: string): Promise<QemuProcess> {
  const { vmId, vmDir } = request;
  checkLocalHost(request.host, runtime.config.localHostNames, `start VM ${vmId}`);
  await checkVmDir(vmDir, vmId);
  const deployment = await readDeployment(request.deploymentFile, vmId);

  const files = vmFilesOf(vmDir, vmId);
  checkSocketPath(files.qmpSocket, vmId);
  await rejectRunningVm(files.deployId, vmId);
  await checkFilesExist(deployment, vmId);

  const accelerator = await pickAccelerator(runtime, deployment);
  const args = buildQemuArguments(deployment, { vmDir, accelerator, checkpointFile });
  runtime.log('D', vmId, `running ${runtime.config.binary} ${args.join(' ')}`);
  await startQemu(runtime.config.binary, args, vmId, files.errorLog);

  const qemu = await findQemuProcess(files.deployId);
  const state = qemu === undefined ? 'exited' : await waitForRunState(runtime, qemu, () => true, FIRST_STATUS_TIMEOUT_MS);
  if (qemu === undefined || state === 'exited' || state === 'timeout') {
    throw new Error(await describeEarlyExit(vmId, files, request.deploymentFile, checkpointFile));
  }
  runtime.log('I', vmId, `QEMU ${qemu.deployId} started (pid ${qemu.pid}, ${deployment.vcpu} vCPU, ${deployment.memoryMb} MiB, state ${state}); serial console in ${files.serialLog}`);
  return qemu;
}
