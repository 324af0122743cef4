import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { VmRecord } from '../pools/records/vm-record.js';
import type { VectorAttribute } from '../template/index.js';
import type { FlowContext } from './flow-context.js';

/**
 * The deployment description the core writes for the VM driver: JSON with the VM's
 * name, CPU, memory, disks, NICs and direct-boot options. `plugins/vmm/qemu/README.md`
 * documents the same shape from the driver's side.
 */
export interface DeploymentDescription {
  name: string;
  vmId: number;
  cpu: number;
  vcpu: number;
  memoryMb: number;
  disks: Array<{ path: string; format: 'raw' | 'qcow2'; target: string; type: 'disk' | 'cdrom'; readonly?: boolean }>;
  nics: Array<{ mac: string; bridge: string; model?: string }>;
  kernel?: string;
  initrd?: string;
  kernelArgs?: string;
}

const DISK_TARGETS = 'abcdefghijklmnopqrstuvwxyz';

/** The format of disk `disk` in the VM folder: a copy-on-write clone is always qcow2. */
export function diskFormat(disk: VectorAttribute, transferDriver: string): 'raw' | 'qcow2' {
  const persistent = disk.get('PERSISTENT') === 'YES';
  if (!persistent && disk.get('IMAGE_ID') !== undefined && transferDriver === 'qcow2') return 'qcow2';
  return (disk.get('FORMAT') ?? disk.get('DRIVER') ?? 'raw').toLowerCase() === 'qcow2' ? 'qcow2' : 'raw';
}

function kernelArgs(os: VectorAttribute | undefined): string | undefined {
  if (!os) return undefined;
  const parts = [os.get('KERNEL_CMD'), os.get('ROOT') ? `root=/dev/${os.get('ROOT')}` : undefined].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** Builds the deployment description of `vm` with its disks in `vmDir`. */
export function buildDeployment(vm: VmRecord, vmDir: string, transferDriver: string): DeploymentDescription {
  const disks: DeploymentDescription['disks'] = vm.template.getVectors('DISK').map((disk, index) => {
    const cdrom = (disk.get('TYPE') ?? '').toUpperCase() === 'CDROM';
    return {
      path: path.join(vmDir, `disk.${index}`),
      format: diskFormat(disk, transferDriver),
      target: disk.get('TARGET') ?? (cdrom ? 'hdc' : `vd${DISK_TARGETS[index]}`),
      type: cdrom ? 'cdrom' : 'disk',
    };
  });

  if (vm.template.getVector('CONTEXT')) {
    const index = disks.length;
    disks.push({ path: path.join(vmDir, `disk.${index}`), format: 'raw', target: 'hdd', type: 'cdrom', readonly: true });
  }

  const nics = vm.template
    .getVectors('NIC')
    .filter((nic) => nic.get('MAC') !== undefined)
    .map((nic) => ({ mac: nic.get('MAC') ?? '', bridge: nic.get('BRIDGE') ?? '', model: nic.get('MODEL') }));

  const os = vm.template.getVector('OS');
  return {
    name: vm.name,
    vmId: vm.id,
    cpu: Number(vm.template.get('CPU') ?? '1'),
    vcpu: Number(vm.template.get('VCPU') ?? '1'),
    memoryMb: Number(vm.template.get('MEMORY') ?? '128'),
    disks,
    nics,
    kernel: os?.get('KERNEL'),
    initrd: os?.get('INITRD'),
    kernelArgs: kernelArgs(os),
  };
}

/** Writes `deployment.<seq>.json` into the VM folder and returns its path. */
export async function writeDeployment(vmDir: string, seq: number, deployment: DeploymentDescription): Promise<string> {
  await mkdir(vmDir, { recursive: true });
  const file = path.join(vmDir, `deployment.${seq}.json`);
  await writeFile(file, `${JSON.stringify(deployment, null, 2)}\n`, { mode: 0o640 });
  return file;
}

/** Writes the deployment description of the VM's current placement, `deployment.<seq>.json` in its folder, and returns its path. */
export async function writeDeploymentFor(context: Pick<FlowContext, 'vm' | 'vmDir' | 'systemDatastore'>): Promise<string> {
  const seq = Math.max(0, context.vm.history.length - 1);
  const deployment = buildDeployment(context.vm, context.vmDir, context.systemDatastore.tmMad);
  return writeDeployment(context.vmDir, seq, deployment);
}
