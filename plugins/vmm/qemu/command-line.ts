import path from 'node:path';
import type { Deployment, DeploymentDisk, DeploymentNic } from './deployment.js';

/** The accelerators this driver passes to `-accel`. */
export type Accelerator = 'tcg' | 'kvm';

/** Files QEMU keeps in the VM folder, and the name the VM runs under. */
export interface VmFiles {
  /** `stratus-<vmId>`: QEMU's `-name` and the deployId DEPLOY returns. */
  deployId: string;
  qmpSocket: string;
  /** The guest's serial console, appended to across QEMU starts. */
  serialLog: string;
  pidFile: string;
  /** QEMU's messages after it daemonized (`-D`), such as why loading a saved state failed. Each start truncates it. */
  errorLog: string;
}

/**
 * One of the two sets of QMP socket, pid file and error log that a VM's QEMU can use. A
 * live migration runs a second QEMU of the VM beside the first, so it takes the other set.
 */
export type FileSet = 'primary' | 'alternate';

export interface LaunchOptions {
  vmDir: string;
  accelerator: Accelerator;
  /** A file written by SAVE: QEMU starts paused and loads it (`-incoming`). */
  checkpointFile?: string;
  /** A migration URI to listen on for the state of a running VM (`-incoming`), for a live migration. */
  incomingUri?: string;
  fileSet?: FileSet;
}

/** Longest UNIX socket path Linux accepts: sun_path is 108 bytes, the last one a NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

const DEPLOY_ID_PATTERN = /^stratus-(\d+)$/;

const NIC_DEVICES: Record<NonNullable<DeploymentNic['model']>, string> = {
  virtio: 'virtio-net-pci',
  e1000: 'e1000',
  rtl8139: 'rtl8139',
};

export function deployIdOf(vmId: number): string {
  return `stratus-${vmId}`;
}

/** Returns the VM id in a deployId of this driver, or undefined for any other string. */
export function vmIdOf(deployId: string): number | undefined {
  const match = DEPLOY_ID_PATTERN.exec(deployId);
  return match === null ? undefined : Number(match[1]);
}

export function vmFilesOf(vmDir: string, vmId: number, fileSet: FileSet = 'primary'): VmFiles {
  const suffix = fileSet === 'primary' ? '' : '.alt';
  return {
    deployId: deployIdOf(vmId),
    qmpSocket: path.join(vmDir, `qmp${suffix}.sock`),
    serialLog: path.join(vmDir, 'serial.log'),
    pidFile: path.join(vmDir, `qemu${suffix}.pid`),
    errorLog: path.join(vmDir, `qemu${suffix}.log`),
  };
}

/** Returns the file set of a running QEMU, known by the name of its QMP socket. */
export function fileSetOf(qmpSocket: string | undefined): FileSet {
  return qmpSocket !== undefined && path.basename(qmpSocket) === 'qmp.alt.sock' ? 'alternate' : 'primary';
}

/** Throws when a UNIX socket path is too long for Linux, before QEMU fails on it with a vaguer message. */
export function checkSocketPath(socketPath: string, vmId: number): void {
  const length = Buffer.byteLength(socketPath);
  if (length <= MAX_SOCKET_PATH_BYTES) return;
  throw new Error(
    `the QMP socket path of VM ${vmId}, ${socketPath}, is ${length} bytes long, over the ${MAX_SOCKET_PATH_BYTES}-byte limit of UNIX socket paths: ` +
      'use a shorter folder for the VM (its system datastore path)',
  );
}

/**
 * Escapes a value inside a QEMU option list such as `-drive file=...,if=virtio`,
 * where a comma separates options and a doubled comma stands for one comma.
 */
export function escapeOptionValue(value: string): string {
  return value.replaceAll(',', ',,');
}

/** Quotes a string as one word for /bin/sh: single quotes, with each ' written as '\''. */
export function quoteForShell(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Builds the migration URI that writes a VM's state to `file`. QEMU runs the command with /bin/sh -c. */
export function saveUri(file: string): string {
  return `exec:cat > ${quoteForShell(file)}`;
}

/** Builds the migration URI that reads a state written by saveUri from `file`. */
export function restoreUri(file: string): string {
  return `exec:cat ${quoteForShell(file)}`;
}

function diskArguments(disk: DeploymentDisk): string[] {
  const options = [`file=${escapeOptionValue(disk.path)}`, `format=${disk.format}`, `id=disk-${disk.target}`];

  if (disk.target.startsWith('vd')) {
    options.push('if=virtio');
  } else {
    // hda is the primary master (index 0), hdb the primary slave, hdc and hdd the secondary channel.
    options.push('if=ide', `index=${disk.target.charCodeAt(2) - 'a'.charCodeAt(0)}`, `media=${disk.type}`);
  }
  if (disk.readonly === true || disk.type === 'cdrom') options.push('readonly=on');
  if (disk.cache !== undefined) options.push(`cache=${disk.cache}`);

  return ['-drive', options.join(',')];
}

// NOTE: no test starts a VM with a NIC, so these options are checked only as text.
function nicArguments(nic: DeploymentNic, index: number): string[] {
  const netdevId = `net${index}`;
  const backend = nic.tap !== undefined ? `tap,id=${netdevId},ifname=${nic.tap},script=no,downscript=no` : `bridge,id=${netdevId},br=${nic.bridge ?? ''}`;
  const device = `${NIC_DEVICES[nic.model ?? 'virtio']},netdev=${netdevId},mac=${nic.mac}`;
  return ['-netdev', backend, '-device', device];
}

function bootArguments(deployment: Deployment): string[] {
  if (deployment.kernel === undefined) return [];
  const args = ['-kernel', deployment.kernel];
  if (deployment.initrd !== undefined) args.push('-initrd', deployment.initrd);
  if (deployment.kernelArgs !== undefined) args.push('-append', deployment.kernelArgs);
  return args;
}

/**
 * Builds QEMU's argument array for a checked deployment description. It is passed
 * to the binary as separate arguments, never through a shell. Virtio disks come in
 * target order, so that the first one is vda in the guest.
 */
export function buildQemuArguments(deployment: Deployment, options: LaunchOptions): string[] {
  const files = vmFilesOf(options.vmDir, deployment.vmId, options.fileSet);
  const disks = [...deployment.disks].sort((a, b) => a.target.localeCompare(b.target));

  const args = [
    '-name', files.deployId,
    '-accel', options.accelerator,
    '-M', 'pc',
    '-m', String(deployment.memoryMb),
    '-smp', String(deployment.vcpu),
    '-nodefaults', '-no-user-config',
    '-display', 'none',
    '-monitor', 'none',
    // QEMU stays alive after the guest powers off, so that POLL can report POWEROFF.
    '-no-shutdown',
    ...bootArguments(deployment),
    ...disks.flatMap(diskArguments),
    ...(deployment.nics ?? []).flatMap(nicArguments),
    '-qmp', `unix:${escapeOptionValue(files.qmpSocket)},server=on,wait=off`,
    // append=on keeps the console of earlier starts (before a SAVE, a REBOOT) in the same file.
    '-chardev', `file,id=serial0,path=${escapeOptionValue(files.serialLog)},append=on`,
    '-serial', 'chardev:serial0',
  ];

  if (options.checkpointFile !== undefined) args.push('-incoming', restoreUri(options.checkpointFile));
  else if (options.incomingUri !== undefined) args.push('-incoming', options.incomingUri);
  // Once daemonized, QEMU 7.2 writes its error messages into the -D file instead of /dev/null.
  args.push('-D', files.errorLog, '-daemonize', '-pidfile', files.pidFile);
  return args;
}
