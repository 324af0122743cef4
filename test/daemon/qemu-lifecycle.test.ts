// One VM's whole life through the API, under real QEMU with the project's test guest:
// deploy, poweroff, resume, suspend, resume, terminate, with the guest's serial
// console showing each boot and power-off.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { Tokens } from '../../core/tokens.js';
import { LcmState, VmState } from '../../core/vm/states.js';
import type { OneClient } from '../../rpc/client/client.js';
import { startTestDaemon, temporaryHome } from '../helpers/daemon.js';
import { waitForRegistration } from '../helpers/images.js';
import { findAll, parseXml, textAt } from '../helpers/objects.js';

const execFileAsync = promisify(execFile);

const INSTALL_COMMAND = 'apt-get install -y --no-install-recommends qemu-system-x86 qemu-utils genisoimage';
/** Generous for a slow shared machine. plugins/vmm/qemu/README.md reports READY 3.6-7.4 s after DEPLOY on 2 cores under TCG. */
const BOOT_TIMEOUT_MS = 120_000;
/** A second host name that the test makes the drivers take as this machine. */
const SECOND_HOST = 'second-node.stratus-test';
/** SHUTDOWN gives the guest 60 s for ACPI, then stops QEMU hard, which takes up to 25 s more. */
const STOP_TIMEOUT_MS = 120_000;
const IMAGE_TIMEOUT_MS = 120_000;

// Two boots, two stops and a save can take minutes on a slow machine, more than the 300 s in .taprc.
t.setTimeout(15 * 60_000);

/** Finds the nearest folder above this file that has package.json. The test runs from test/ or dist/test/. */
function findProjectRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(folder, 'package.json'))) {
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    folder = parent;
  }
  return folder;
}

const PROJECT_ROOT = findProjectRoot();

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((folder) => {
    try {
      accessSync(path.join(folder, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

interface Guest {
  dir: string;
  kernel: string;
  initrd: string;
  rootDisk: string;
  markers: Record<'booted' | 'ready' | 'acpiPowerOff' | 'shutdown', string>;
}

/** Builds the test guest into var/cache/test-guest with scripts/build-test-guest, which returns at once when the cache is current. */
async function buildGuest(): Promise<Guest> {
  const dir = path.join(PROJECT_ROOT, 'var', 'cache', 'test-guest');
  try {
    await execFileAsync(path.join(PROJECT_ROOT, 'scripts', 'build-test-guest'), [dir], { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    throw new Error(`scripts/build-test-guest failed: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`);
  }
  // The image driver compares real paths with STRATUS_IMAGE_PATH_ALLOW, so symbolic links are resolved here.
  const real = realpathSync(dir);
  const manifest = JSON.parse(readFileSync(path.join(real, 'guest.json'), 'utf8')) as {
    markers: Guest['markers'];
    files: Record<'kernel' | 'initrd' | 'rootDisk', { name: string }>;
  };
  return {
    dir: real,
    kernel: path.join(real, manifest.files.kernel.name),
    initrd: path.join(real, manifest.files.initrd.name),
    rootDisk: path.join(real, manifest.files.rootDisk.name),
    markers: manifest.markers,
  };
}

/** Sets environment variables of this process until the test ends. */
function setEnvironment(t: Test, values: Record<string, string>): void {
  const saved = Object.keys(values).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, values);
  t.teardown(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}

/** Returns the pids of VM `vmId`'s QEMU processes whose command line points into `home`, so that other daemons' VMs never match. */
function qemuPids(vmId: number, home: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const name = args.indexOf('-name');
    if (name >= 0 && args[name + 1] === `stratus-${vmId}` && args.some((arg) => arg.includes(home))) pids.push(Number(entry));
  }
  return pids;
}

function qemuArguments(vmId: number, home: string): string[] {
  const [pid] = qemuPids(vmId, home);
  if (pid === undefined) return [];
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
}

/** Kills the VM's QEMU processes, if any remain, and waits up to 10 s for them to go. */
async function killQemu(vmId: number, home: string): Promise<void> {
  for (const pid of qemuPids(vmId, home)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // The process exited between the scan and the kill.
    }
  }
  for (let tries = 0; tries < 100 && qemuPids(vmId, home).length > 0; tries++) await sleep(100);
}

/** Counts the serial console lines that contain `marker`. The guest's shell prompt may come before the marker on a line. */
function markerCount(serialLog: string, marker: string): number {
  if (!existsSync(serialLog)) return 0;
  return readFileSync(serialLog, 'latin1').split('\n').filter((line) => line.includes(marker)).length;
}

function serialTail(serialLog: string): string {
  if (!existsSync(serialLog)) return '(no serial log)';
  return readFileSync(serialLog, 'latin1').replace(/\r/g, '').split('\n').slice(-30).join('\n');
}

async function waitForMarker(serialLog: string, marker: string, count: number): Promise<void> {
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  while (markerCount(serialLog, marker) < count) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${BOOT_TIMEOUT_MS / 1000} s waiting for ${marker} #${count} in ${serialLog}:\n${serialTail(serialLog)}`);
    }
    await sleep(250);
  }
}

function positionName(xml: string): string {
  const state = Number(textAt(xml, 'STATE'));
  const lcm = Number(textAt(xml, 'LCM_STATE'));
  return state === VmState.ACTIVE ? `ACTIVE/${LcmState[lcm]}` : (VmState[state] ?? String(state));
}

/** Polls one.vm.info until the VM is at `target`, and throws with the VM's ERROR when it reaches a failure state. */
async function waitForPosition(client: OneClient, vmId: number, target: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const xml = await client.call<string>('one.vm.info', vmId);
    const name = positionName(xml);
    if (name === target) return;
    if (name.endsWith('_FAILURE')) throw new Error(`VM ${vmId} is ${name}, not ${target}: ${textAt(xml, 'USER_TEMPLATE/ERROR') ?? 'no ERROR'}`);
    if (Date.now() > deadline) throw new Error(`VM ${vmId} is still ${name} after ${timeoutMs / 1000} s, not ${target}`);
    await sleep(250);
  }
}

async function hostShare(client: OneClient, hostId: number): Promise<{ cpu: number; memory: number; vms: number[] }> {
  const host = parseXml(await client.call<string>('one.host.info', hostId));
  return {
    cpu: Number(findAll(host, 'HOST_SHARE/CPU_USAGE')[0]?.text),
    memory: Number(findAll(host, 'HOST_SHARE/MEM_USAGE')[0]?.text),
    vms: findAll(host, 'VMS/ID').map((id) => Number(id.text)),
  };
}

function templateText(imageId: number, guest: Guest): string {
  return [
    'NAME = "qemu-lifecycle"',
    'CPU = "0.5"',
    'VCPU = "1"',
    'MEMORY = "256"',
    `DISK = [ IMAGE_ID = "${imageId}" ]`,
    `OS = [ KERNEL = "${guest.kernel}", INITRD = "${guest.initrd}", KERNEL_CMD = "console=ttyS0 quiet panic=-1", ROOT = "vda" ]`,
    'CONTEXT = [ HOSTNAME = "qemu-lifecycle", TOKEN = "YES" ]',
  ].join('\n');
}

t.test('VM life cycle under QEMU', async (t) => {
  const missing = ['qemu-system-x86_64', 'qemu-img', 'genisoimage'].filter((tool) => !onPath(tool));
  if (missing.length > 0) {
    t.fail(`${missing.join(', ')} not found on PATH: install with ${INSTALL_COMMAND}`);
    return;
  }
  const guest = await buildGuest();
  const { markers } = guest;

  const home = realpathSync(temporaryHome(t));
  // The plugins read these when they load, which is when the daemon starts.
  // SECOND_HOST is another name of this machine, so that the VM can migrate to it.
  setEnvironment(t, {
    STRATUS_IMAGE_PATH_ALLOW: guest.dir,
    STRATUS_DATASTORE_ROOTS: path.join(home, 'datastores'),
    STRATUS_LOCAL_HOSTS: SECOND_HOST,
    STRATUS_QEMU_LOCAL_HOSTS: SECOND_HOST,
  });
  const daemon = await startTestDaemon(t, { home });
  const client = daemon.admin;

  // QEMU's -name is stratus-<VM id>, and the driver finds a VM's QEMU by that name among
  // all processes. So the VM ids start at a number that other test processes do not use.
  const firstVmId = process.pid * 100;
  const store = daemon.daemon.container.resolve(Tokens.Store);
  await store.db.transaction((tx) => tx.run("UPDATE sequences SET next_id = ? WHERE pool = 'vm'", [firstVmId]));

  const hostId = await client.call<number>('one.host.allocate', 'localhost', 'qemu', 'qemu', -1);
  const imageId = await client.call<number>('one.image.allocate', `NAME = "test-guest"\nPATH = "${guest.rootDisk}"\nTYPE = "OS"`, 1);
  const image = await waitForRegistration(client, imageId, IMAGE_TIMEOUT_MS);
  t.equal(textAt(image, 'STATE'), '1', `image ${imageId} is READY (ERROR: ${textAt(image, 'TEMPLATE/ERROR') ?? 'none'})`);

  const templateId = await client.call<number>('one.template.allocate', templateText(imageId, guest));
  // On hold, so that the scheduler leaves the VM alone and one.vm.deploy places it.
  const vmId = await client.call<number>('one.template.instantiate', templateId, 'qemu-lifecycle', true, '');
  t.equal(vmId, firstVmId, 'the VM gets the first id of this test process');
  t.teardown(() => killQemu(vmId, home));

  const vmDir = path.join(home, 'datastores', '0', String(vmId));
  const serialLog = path.join(vmDir, 'serial.log');
  const pollRequest = { vmId, host: 'localhost', deployId: `stratus-${vmId}` };
  const drivers = daemon.daemon.container.resolve(Tokens.Drivers);
  const poll = async () => (await drivers.call('vmm', 'qemu', 'POLL', pollRequest, { objectId: vmId })).state;

  await client.call('one.vm.deploy', vmId, hostId, false, -1);
  await waitForPosition(client, vmId, 'ACTIVE/RUNNING', BOOT_TIMEOUT_MS);
  await waitForMarker(serialLog, markers.ready, 1);
  t.equal(markerCount(serialLog, markers.booted), 1, 'deploy: the guest booted once');
  t.equal(await poll(), 'RUNNING', 'deploy: POLL reports RUNNING');
  t.same(await hostShare(client, hostId), { cpu: 50, memory: 256 * 1024, vms: [vmId] }, 'deploy: the host share counts the VM');

  await client.call('one.vm.action', 'poweroff', vmId);
  await waitForPosition(client, vmId, 'POWEROFF', STOP_TIMEOUT_MS);
  t.equal(markerCount(serialLog, markers.acpiPowerOff), 1, 'poweroff: the guest saw the ACPI power button');
  t.equal(markerCount(serialLog, markers.shutdown), 1, 'poweroff: the guest ran its shutdown steps');
  t.same(qemuPids(vmId, home), [], 'poweroff: QEMU has exited');
  t.same(await hostShare(client, hostId), { cpu: 50, memory: 256 * 1024, vms: [vmId] }, 'poweroff: the VM keeps its host share');

  await client.call('one.vm.action', 'resume', vmId);
  await waitForPosition(client, vmId, 'ACTIVE/RUNNING', BOOT_TIMEOUT_MS);
  await waitForMarker(serialLog, markers.ready, 2);
  t.equal(markerCount(serialLog, markers.booted), 2, 'resume from POWEROFF: the guest booted again');
  t.equal(await poll(), 'RUNNING', 'resume from POWEROFF: POLL reports RUNNING');

  await client.call('one.vm.action', 'suspend', vmId);
  await waitForPosition(client, vmId, 'SUSPENDED', STOP_TIMEOUT_MS);
  t.ok(existsSync(path.join(vmDir, 'checkpoint')), 'suspend: the checkpoint file is in the VM folder');
  t.same(qemuPids(vmId, home), [], 'suspend: QEMU has exited');
  t.equal(await poll(), 'UNKNOWN', 'suspend: POLL reports UNKNOWN while the VM is saved');

  await client.call('one.vm.action', 'resume', vmId);
  await waitForPosition(client, vmId, 'ACTIVE/RUNNING', BOOT_TIMEOUT_MS);
  t.equal(await poll(), 'RUNNING', 'resume from SUSPENDED: POLL reports RUNNING');
  t.ok(qemuArguments(vmId, home).includes('-incoming'), 'resume from SUSPENDED: QEMU loaded the checkpoint (-incoming)');
  // A fresh boot prints BOOTED within seconds of QEMU's start, and a restored guest prints nothing.
  await sleep(5000);
  t.equal(markerCount(serialLog, markers.booted), 2, 'resume from SUSPENDED: the guest went on without booting');
  t.equal(markerCount(serialLog, markers.ready), 2, 'resume from SUSPENDED: no new READY line');

  const secondHostId = await client.call<number>('one.host.allocate', SECOND_HOST, 'qemu', 'qemu', -1);
  await client.call('one.vm.migrate', vmId, secondHostId, false);
  await waitForPosition(client, vmId, 'ACTIVE/RUNNING', BOOT_TIMEOUT_MS);
  t.equal(await poll(), 'RUNNING', 'migrate: POLL reports RUNNING');
  await sleep(5000);
  t.equal(markerCount(serialLog, markers.booted), 2, 'migrate: the guest was saved and restored, not booted');
  t.same(await hostShare(client, hostId), { cpu: 0, memory: 0, vms: [] }, 'migrate: the first host gave its share back');
  t.same(await hostShare(client, secondHostId), { cpu: 50, memory: 256 * 1024, vms: [vmId] }, 'migrate: the second host counts the VM');

  const pidBefore = qemuPids(vmId, home);
  await client.call('one.vm.migrate', vmId, hostId, true);
  await waitForPosition(client, vmId, 'ACTIVE/RUNNING', BOOT_TIMEOUT_MS);
  t.equal(await poll(), 'RUNNING', 'live migrate: POLL reports RUNNING');
  t.notSame(qemuPids(vmId, home), pidBefore, 'live migrate: another QEMU runs the guest');
  t.equal(markerCount(serialLog, markers.booted), 2, 'live migrate: the guest went on without booting');
  t.same(await hostShare(client, secondHostId), { cpu: 0, memory: 0, vms: [] }, 'live migrate: the second host gave its share back');
  t.same(await hostShare(client, hostId), { cpu: 50, memory: 256 * 1024, vms: [vmId] }, 'live migrate: the first host counts the VM again');

  await client.call('one.vm.action', 'terminate', vmId);
  await waitForPosition(client, vmId, 'DONE', STOP_TIMEOUT_MS);
  t.notOk(existsSync(vmDir), 'terminate: the VM folder is gone');
  t.same(qemuPids(vmId, home), [], `terminate: no QEMU named stratus-${vmId} remains`);
  t.same(await hostShare(client, hostId), { cpu: 0, memory: 0, vms: [] }, 'terminate: the host share is released');
});
