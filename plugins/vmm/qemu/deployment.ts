import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** A disk of the VM. */
export interface DeploymentDisk {
  /** Absolute path of the image file on the host, usually in the VM folder (disk.0, disk.1, ...). */
  path: string;
  /** Image format, always given so that QEMU never guesses it. */
  format: 'raw' | 'qcow2';
  /**
   * Device name: `vda`...`vdz` for a virtio disk, `hda`...`hdd` for an IDE disk or
   * CD-ROM. Virtio disks get PCI slots in target order, so the guest names them
   * vda, vdb, ... in that order, and a gap in the letters closes up.
   */
  target: string;
  /** Attach the disk read-only. CD-ROMs are always read-only. */
  readonly?: boolean;
  /** `cdrom` needs an IDE target (hda...hdd). */
  type: 'disk' | 'cdrom';
  /** QEMU cache mode; QEMU's default (writeback) when absent. `none` needs a file system with O_DIRECT. */
  cache?: 'none' | 'writeback' | 'writethrough' | 'directsync' | 'unsafe';
}

/** A network interface of the VM, attached to exactly one of a bridge or an existing tap device. */
export interface DeploymentNic {
  /** MAC address, six hex pairs separated by colons. */
  mac: string;
  /** Linux bridge to attach to, through QEMU's bridge helper (allowed in /etc/qemu/bridge.conf). */
  bridge?: string;
  /** Existing tap device to use; QEMU runs no script for it. */
  tap?: string;
  /** Emulated NIC; `virtio` when absent. */
  model?: 'virtio' | 'e1000' | 'rtl8139';
}

/**
 * The deployment description: the JSON file that DEPLOY and RESTORE read from
 * `deploymentFile`. plugins/vmm/qemu/README.md documents it with an example.
 */
export interface Deployment {
  /** The VM's name, used in log lines. */
  name: string;
  /** Must equal the request's vmId. */
  vmId: number;
  /** Share of physical CPUs for the scheduler (1.0 is one core). The driver does not limit CPU time. */
  cpu?: number;
  /** Virtual CPUs (`-smp`). */
  vcpu: number;
  /** Guest memory in MiB (`-m`). */
  memoryMb: number;
  disks: DeploymentDisk[];
  /** Network interfaces; none when absent. */
  nics?: DeploymentNic[];
  /** Absolute path of a kernel for direct boot (`-kernel`). Without it the VM boots from its disks. */
  kernel?: string;
  /** Absolute path of an initrd (`-initrd`); needs `kernel`. */
  initrd?: string;
  /** Kernel command line (`-append`); needs `kernel`. */
  kernelArgs?: string;
  /** Accelerator the VM requests. `tcg` is always honoured, `kvm` only where the host's choice is KVM. */
  accelerator?: 'auto' | 'tcg' | 'kvm';
}

const DISK_FORMATS = ['raw', 'qcow2'];
const DISK_TYPES = ['disk', 'cdrom'];
const CACHE_MODES = ['none', 'writeback', 'writethrough', 'directsync', 'unsafe'];
const NIC_MODELS = ['virtio', 'e1000', 'rtl8139'];
const ACCELERATOR_HINTS = ['auto', 'tcg', 'kvm'];
const TARGET_PATTERN = /^(vd[a-z]|hd[a-d])$/;
const MAC_PATTERN = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
/** Linux interface names: at most 15 characters; this driver also keeps out characters QEMU options treat specially. */
const INTERFACE_PATTERN = /^[A-Za-z0-9_.-]{1,15}$/;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

type Json = Record<string, unknown>;

/** Collects every problem of a description, so that one error lists them all. */
class Problems {
  readonly list: string[] = [];

  add(field: string, problem: string): void {
    this.list.push(`${field} ${problem}`);
  }

  requireOneOf(record: Json, key: string, allowed: string[], field: string, optional = false): void {
    const value = record[key];
    if (value === undefined && optional) return;
    if (typeof value !== 'string' || !allowed.includes(value)) this.add(field, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }

  requirePositiveInteger(record: Json, key: string): void {
    const value = record[key];
    if (!Number.isSafeInteger(value) || (value as number) < 1) this.add(key, `must be a positive integer, got ${JSON.stringify(value)}`);
  }

  requirePath(value: unknown, field: string): void {
    if (typeof value !== 'string' || !path.isAbsolute(value)) {
      this.add(field, `must be an absolute path, got ${JSON.stringify(value)}`);
    } else if (CONTROL_CHARACTERS.test(value)) {
      this.add(field, `must not contain control characters, got ${JSON.stringify(value)}`);
    }
  }
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkDisk(disk: unknown, index: number, problems: Problems): void {
  const field = `disks[${index}]`;
  if (!isRecord(disk)) return problems.add(field, 'must be an object');

  problems.requirePath(disk.path, `${field}.path`);
  problems.requireOneOf(disk, 'format', DISK_FORMATS, `${field}.format`);
  problems.requireOneOf(disk, 'type', DISK_TYPES, `${field}.type`);
  problems.requireOneOf(disk, 'cache', CACHE_MODES, `${field}.cache`, true);
  if (disk.readonly !== undefined && typeof disk.readonly !== 'boolean') problems.add(`${field}.readonly`, 'must be true or false');

  if (typeof disk.target !== 'string' || !TARGET_PATTERN.test(disk.target)) {
    problems.add(`${field}.target`, `must be vda...vdz (virtio) or hda...hdd (IDE), got ${JSON.stringify(disk.target)}`);
  } else if (disk.type === 'cdrom' && !disk.target.startsWith('hd')) {
    problems.add(`${field}.target`, `is ${disk.target}, but a cdrom needs an IDE target (hda...hdd)`);
  }
}

function checkNic(nic: unknown, index: number, problems: Problems): void {
  const field = `nics[${index}]`;
  if (!isRecord(nic)) return problems.add(field, 'must be an object');

  if (typeof nic.mac !== 'string' || !MAC_PATTERN.test(nic.mac)) problems.add(`${field}.mac`, `must be a MAC address such as 02:00:0a:00:00:01, got ${JSON.stringify(nic.mac)}`);
  problems.requireOneOf(nic, 'model', NIC_MODELS, `${field}.model`, true);

  const links = [nic.bridge, nic.tap].filter((link) => link !== undefined);
  if (links.length !== 1) problems.add(field, 'must have exactly one of "bridge" and "tap"');
  for (const key of ['bridge', 'tap']) {
    const value = nic[key];
    if (value !== undefined && (typeof value !== 'string' || !INTERFACE_PATTERN.test(value))) {
      problems.add(`${field}.${key}`, `must be an interface name of 1 to 15 letters, digits, '.', '_' or '-', got ${JSON.stringify(value)}`);
    }
  }
}

function checkBoot(record: Json, problems: Problems): void {
  if (record.kernel !== undefined) problems.requirePath(record.kernel, 'kernel');
  if (record.initrd !== undefined) problems.requirePath(record.initrd, 'initrd');
  if (record.kernelArgs !== undefined && typeof record.kernelArgs !== 'string') problems.add('kernelArgs', 'must be a string');
  if (record.kernel === undefined && (record.initrd !== undefined || record.kernelArgs !== undefined)) {
    problems.add('kernel', 'is missing, but initrd or kernelArgs is set: give the kernel for direct boot, or drop both');
  }
}

function checkTargetsUnique(disks: unknown[], problems: Problems): void {
  const targets = disks.filter(isRecord).map((disk) => disk.target);
  const repeated = targets.filter((target, index) => targets.indexOf(target) !== index);
  for (const target of new Set(repeated)) problems.add('disks', `use the target ${String(target)} more than once`);
}

/** Returns the problems of a parsed description, each naming its field. */
export function findDeploymentProblems(record: unknown, vmId: number): string[] {
  const problems = new Problems();
  if (!isRecord(record)) return ['the file must contain a JSON object'];

  if (typeof record.name !== 'string' || record.name.trim() === '') problems.add('name', 'must be a non-empty string');
  if (record.vmId !== vmId) problems.add('vmId', `must be ${vmId} (the request's VM), got ${JSON.stringify(record.vmId)}`);
  if (record.cpu !== undefined && (typeof record.cpu !== 'number' || !(record.cpu > 0))) problems.add('cpu', `must be a positive number, got ${JSON.stringify(record.cpu)}`);
  problems.requirePositiveInteger(record, 'vcpu');
  problems.requirePositiveInteger(record, 'memoryMb');
  problems.requireOneOf(record, 'accelerator', ACCELERATOR_HINTS, 'accelerator', true);
  checkBoot(record, problems);

  if (!Array.isArray(record.disks)) {
    problems.add('disks', 'must be an array (it may be empty)');
  } else {
    record.disks.forEach((disk, index) => checkDisk(disk, index, problems));
    checkTargetsUnique(record.disks, problems);
  }

  if (record.nics !== undefined && !Array.isArray(record.nics)) problems.add('nics', 'must be an array when present');
  if (Array.isArray(record.nics)) record.nics.forEach((nic, index) => checkNic(nic, index, problems));
  return problems.list;
}

/**
 * Reads and checks the deployment description of VM `vmId`. Throws an error that
 * lists every problem with its field, or gives the reason the file could not be read.
 */
export async function readDeployment(file: string, vmId: number): Promise<Deployment> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (error as Error).message;
    throw new Error(`cannot read the deployment file ${file} of VM ${vmId}: ${reason}. The core writes it before DEPLOY; check the VM folder`);
  }

  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw new Error(`the deployment file ${file} of VM ${vmId} is not valid JSON (${(error as Error).message}); README.md of the qemu driver shows its format`);
  }

  const problems = findDeploymentProblems(record, vmId);
  if (problems.length > 0) {
    throw new Error(`the deployment file ${file} of VM ${vmId} is invalid: ${problems.join('; ')}`);
  }
  return record as Deployment;
}
