// Helpers for the qemu driver's tests: the test guest, the driver loaded through the
// plugin registry from the compiled plugin folder, VM folders and the serial console.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Test } from 'tap';
import { DEFAULT_CALL_SETTINGS, DriverManager } from '../../../core/drivers/runtime/driver-manager.js';
import type { DriverLogSink } from '../../../core/drivers/runtime/driver-log-sink.js';
import type { EventLog, LogFields } from '../../../core/drivers/runtime/event-log.js';
import { DEFAULT_RUNTIME_SETTINGS } from '../../../core/drivers/runtime/driver-handle.js';
import { DEFAULT_PLUGIN_SETTINGS, PluginRegistry } from '../../../core/plugins/index.js';

export const execFileAsync = promisify(execFile);

export const INSTALL_COMMAND = 'apt-get install -y --no-install-recommends qemu-system-x86 qemu-utils genisoimage';
/** Generous: READY came 3.6-7.4 s after DEPLOY on a shared 2-core machine, and parallel boots take longer. */
export const READY_TIMEOUT_MS = 90_000;

/** Finds the checkout: the nearest folder above this file with package.json (it runs from test/ and dist/test/). */
function findProjectRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(folder, 'package.json'))) {
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    folder = parent;
  }
  return folder;
}

export const PROJECT_ROOT = findProjectRoot();
/** The compiled plugin folder of the vmm family, as the daemon scans it. */
export const VMM_PLUGIN_FOLDER = path.join(PROJECT_ROOT, 'dist', 'plugins', 'vmm');
export const QEMU_PLUGIN_DIR = path.join(VMM_PLUGIN_FOLDER, 'qemu');
const GUEST_DIR = path.join(PROJECT_ROOT, 'var', 'cache', 'test-guest');

// ---------------------------------------------------------------------------
// The test guest

/** The parts of guest.json the tests use. */
export interface Guest {
  dir: string;
  kernel: string;
  initrd: string;
  rootDisk: string;
  kernelCommandLine: string;
  markers: Record<'booted' | 'ready' | 'acpiPowerOff' | 'shutdown', string>;
}

let guestBuild: Promise<Guest> | undefined;

/** Builds the test guest with scripts/build-test-guest (a cached build returns at once), once per test file. */
export function buildGuest(): Promise<Guest> {
  guestBuild ??= (async () => {
    try {
      await execFileAsync(path.join(PROJECT_ROOT, 'scripts', 'build-test-guest'), [GUEST_DIR], { maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      throw new Error(`scripts/build-test-guest failed: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`);
    }
    const manifest = JSON.parse(readFileSync(path.join(GUEST_DIR, 'guest.json'), 'utf8')) as {
      kernelCommandLine: string;
      markers: Guest['markers'];
      files: Record<'kernel' | 'initrd' | 'rootDisk', { name: string }>;
    };
    return {
      dir: GUEST_DIR,
      kernel: path.join(GUEST_DIR, manifest.files.kernel.name),
      initrd: path.join(GUEST_DIR, manifest.files.initrd.name),
      rootDisk: path.join(GUEST_DIR, manifest.files.rootDisk.name),
      kernelCommandLine: manifest.kernelCommandLine,
      markers: manifest.markers,
    };
  })();
  return guestBuild;
}

/** Fails the test with the install command when QEMU or qemu-img is missing; returns whether both are there. */
export async function requireQemu(t: Test): Promise<boolean> {
  for (const tool of ['qemu-system-x86_64', 'qemu-img']) {
    const found = await execFileAsync('which', [tool]).then(() => true, () => false);
    if (!found) {
      t.fail(`${tool} not found on PATH: install it with ${INSTALL_COMMAND}`);
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// The driver

export interface LogEvent {
  event: string;
  fields: LogFields;
}

/** An EventLog that keeps every event. */
export class RecordingLog implements EventLog {
  readonly events: LogEvent[] = [];

  info(event: string, fields: LogFields): void {
    this.events.push({ event, fields });
  }

  warn(event: string, fields: LogFields): void {
    this.events.push({ event, fields });
  }

  internalError(fields: LogFields, error: unknown): void {
    this.events.push({ event: 'internal.error', fields: { ...fields, error: String(error) } });
  }

  /** Returns the texts of the driver's lines for the daemon log (object id -1). */
  driverTexts(): string[] {
    return this.events.filter((item) => item.event === 'driver.log').map((item) => String(item.fields.text));
  }
}

export interface VmLogLine {
  objectId: number;
  severity: string;
  text: string;
}

/** A DriverLogSink standing in for the VM logs. */
export class RecordingSink implements DriverLogSink {
  readonly lines: VmLogLine[] = [];

  driverLog(_kind: string, _driver: string, objectId: number, severity: string, text: string): void {
    this.lines.push({ objectId, severity, text });
  }

  textsOf(vmId: number): string[] {
    return this.lines.filter((line) => line.objectId === vmId).map((line) => line.text);
  }
}

export interface LoadedDriver {
  registry: PluginRegistry;
  manager: DriverManager;
  log: RecordingLog;
  sink: RecordingSink;
  /** Calls a vmm action of the qemu driver the way the core does. */
  call(action: string, request: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/**
 * Loads the compiled plugin folder dist/plugins/vmm with the daemon's plugin
 * registry and returns a DriverManager over it. `environment` is set while the
 * plugin loads, which is when the driver reads its settings. The registry stops
 * when the test ends.
 */
export async function loadQemuDriver(t: Test, environment: Record<string, string> = {}): Promise<LoadedDriver> {
  const log = new RecordingLog();
  const sink = new RecordingSink();
  const settings = { ...DEFAULT_PLUGIN_SETTINGS, watch: false, folders: [VMM_PLUGIN_FOLDER], runtime: { ...DEFAULT_RUNTIME_SETTINGS } };
  const registry = new PluginRegistry({ settings, log, sink });
  t.teardown(() => registry.stop());

  const saved = Object.keys(environment).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, environment);
  try {
    await registry.start();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }

  // POLL and MONITOR_HOST are retried as in the daemon, with short pauses so that failure tests stay quick.
  const calls = { ...DEFAULT_CALL_SETTINGS, retries: { attempts: 3, backoffMs: 50 } };
  const manager = new DriverManager({ drivers: registry, sink, log, settings: calls, sleep: (ms) => sleep(ms) });
  const call = async (action: string, request: Record<string, unknown>) => {
    const objectId = typeof request.vmId === 'number' ? request.vmId : -1;
    const reply = await manager.call('vmm', 'qemu', action as 'POLL', request as never, { objectId });
    return (reply ?? {}) as Record<string, unknown>;
  };
  return { registry, manager, log, sink, call };
}

// ---------------------------------------------------------------------------
// VMs

let vmCounter = 0;

/** Returns a VM id that no other test process uses at the same time: the pid times 100 plus a counter. */
export function uniqueVmId(): number {
  vmCounter += 1;
  return process.pid * 100 + vmCounter;
}

export interface TestVm {
  vmId: number;
  deployId: string;
  vmDir: string;
  deploymentFile: string;
  serialLog: string;
  host: string;
  /** The DEPLOY request for this VM. */
  deployRequest: Record<string, unknown>;
  /** The fields of every request about the running VM. */
  ids: { vmId: number; host: string; deployId: string };
}

export interface VmOptions {
  /** Fields merged into the deployment description. */
  deployment?: Record<string, unknown>;
  /** Boot from the initramfs only, without a root disk. */
  withoutDisk?: boolean;
}

/** Finds the pid of the QEMU process named `deployId` by scanning /proc, independently of the driver. */
export function findQemuPid(deployId: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const nameIndex = args.indexOf('-name');
    if (nameIndex >= 0 && args[nameIndex + 1] === deployId) return Number(entry);
  }
  return undefined;
}

/** Returns the command line of the QEMU process named `deployId`, or an empty array. */
export function qemuArguments(deployId: string): string[] {
  const pid = findQemuPid(deployId);
  if (pid === undefined) return [];
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
}

/** Kills the VM's QEMU by pid, if it still runs, and waits for it to go. */
async function killVm(deployId: string): Promise<void> {
  const pid = findQemuPid(deployId);
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  for (let tries = 0; tries < 100 && findQemuPid(deployId) !== undefined; tries += 1) await sleep(100);
}

/**
 * Creates a VM folder with a qcow2 overlay of the guest's root disk and a
 * deployment file for a direct kernel boot with root=/dev/vda. Kills the VM's QEMU
 * and removes the folder when the test ends.
 */
export async function prepareVm(t: Test, guest: Guest, options: VmOptions = {}): Promise<TestVm> {
  const vmId = uniqueVmId();
  const deployId = `stratus-${vmId}`;
  const vmDir = mkdtempSync(path.join(os.tmpdir(), 'stratus-qemu-'));
  t.teardown(async () => {
    await killVm(deployId);
    rmSync(vmDir, { recursive: true, force: true });
  });

  const disks = [];
  if (options.withoutDisk !== true) {
    const overlay = path.join(vmDir, 'disk.0');
    await execFileAsync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', guest.rootDisk, overlay]);
    disks.push({ path: overlay, format: 'qcow2', target: 'vda', type: 'disk' });
  }
  const kernelArgs = options.withoutDisk === true ? guest.kernelCommandLine.replace(/\s*root=\S+/, '') : guest.kernelCommandLine;

  const deployment = { name: `test-vm-${vmId}`, vmId, vcpu: 1, memoryMb: 256, disks, nics: [], kernel: guest.kernel, initrd: guest.initrd, kernelArgs, ...options.deployment };
  const deploymentFile = path.join(vmDir, 'deployment.0.json');
  writeFileSync(deploymentFile, JSON.stringify(deployment, null, 2));

  const host = 'localhost';
  return {
    vmId,
    deployId,
    vmDir,
    deploymentFile,
    serialLog: path.join(vmDir, 'serial.log'),
    host,
    deployRequest: { vmId, host, vmDir, deploymentFile },
    ids: { vmId, host, deployId },
  };
}

// ---------------------------------------------------------------------------
// The serial console

/** Reads the serial log as lines without \r; it may contain escape sequences from the guest's shell. */
export function serialLines(serialLog: string): string[] {
  if (!existsSync(serialLog)) return [];
  return readFileSync(serialLog, 'latin1').replace(/\r/g, '').split('\n');
}

/** Returns every line that contains `marker`, each cut to start at the marker. */
export function markerLines(serialLog: string, marker: string): string[] {
  return serialLines(serialLog)
    .filter((line) => line.includes(marker))
    .map((line) => line.slice(line.indexOf(marker)));
}

/** Polls the serial log until `marker` has appeared `count` times; returns the last such line. */
export async function waitForMarker(vm: TestVm, marker: string, count = 1, timeoutMs = READY_TIMEOUT_MS): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = markerLines(vm.serialLog, marker);
    if (lines.length >= count) return lines[count - 1] ?? '';
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for marker ${marker} #${count} of VM ${vm.vmId}. Serial log:\n${serialLines(vm.serialLog).slice(-40).join('\n')}`);
    }
    await sleep(100);
  }
}

/** Reads `uptime=N` from a marker line, in seconds. */
export function uptimeOf(line: string): number {
  const match = /uptime=([\d.]+)/.exec(line);
  if (match === null) throw new Error(`no uptime= in the serial line ${JSON.stringify(line)}`);
  return Number(match[1]);
}
