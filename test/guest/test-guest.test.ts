// Builds the test guest with scripts/build-test-guest and boots it under real QEMU.
// The build is cached in var/cache/test-guest of the checkout and shared with other
// tests, so the Debian packages are downloaded only when that cache is missing or out
// of date.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';

const execFileAsync = promisify(execFile);

const INSTALL_COMMAND = 'apt-get install -y --no-install-recommends qemu-system-x86 qemu-utils genisoimage';
const KERNEL_COMMAND_LINE = 'console=ttyS0 quiet panic=-1 root=/dev/vda';
// Generous limits: under TCG on a 2-core machine the guest reached READY 3.5-4.5 s after
// QEMU started, and took up to 13 s while other test suites loaded the same machine.
const READY_TIMEOUT_MS = 90_000;
const SHUTDOWN_TIMEOUT_MS = 60_000;
const QMP_CONNECT_TIMEOUT_MS = 20_000;
const SERIAL_POLL_INTERVAL_MS = 100;

/** Finds the checkout: the nearest folder above this file that contains package.json. This file runs from test/guest/ and from dist/test/guest/. */
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
const BUILD_SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'build-test-guest');
const CACHE_DIR = path.join(PROJECT_ROOT, 'var', 'cache', 'test-guest');

/** guest.json as scripts/build-test-guest writes it. */
interface GuestManifest {
  formatVersion: number;
  kernelVersion: string;
  packages: Record<'kernel' | 'busybox', { name: string; version: string }>;
  kernelCommandLine: string;
  readyMarker: string;
  markers: Record<'booted' | 'context' | 'ready' | 'acpiPowerOff' | 'shutdown', string>;
  files: Record<'kernel' | 'compressedKernel' | 'initrd' | 'rootDisk', { name: string; sha256: string; format?: string }>;
  sourceSha256: string;
}

interface BuildRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

// ---------------------------------------------------------------------------
// Build

/** Runs the build script on the shared cache folder. */
async function runBuild(...extraArguments: string[]): Promise<BuildRun> {
  try {
    const { stdout, stderr } = await execFileAsync(BUILD_SCRIPT, [...extraArguments, CACHE_DIR], { maxBuffer: 16 * 1024 * 1024 });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { exitCode: typeof failure.code === 'number' ? failure.code : -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? failure.message };
  }
}

let firstBuild: Promise<BuildRun> | undefined;

/** Runs the build once per test file and returns guest.json, or throws with the build's stderr. */
async function buildGuest(): Promise<GuestManifest> {
  firstBuild ??= runBuild();
  const run = await firstBuild;
  if (run.exitCode !== 0) throw new Error(`scripts/build-test-guest failed with exit code ${run.exitCode}:\n${run.stderr}`);
  return JSON.parse(readFileSync(path.join(CACHE_DIR, 'guest.json'), 'utf8')) as GuestManifest;
}

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function fileStart(file: string, length: number): Buffer {
  return readFileSync(file).subarray(0, length);
}

// ---------------------------------------------------------------------------
// Tools

/** Returns whether `command` is an executable file in one of the PATH folders. */
function commandExists(command: string): boolean {
  const folders = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return folders.some((folder) => {
    try {
      accessSync(path.join(folder, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Fails the test with the install command when a tool is missing, and returns whether all are present. */
function requireCommands(t: Test, commands: string[]): boolean {
  const missing = commands.filter((command) => !commandExists(command));
  if (missing.length === 0) return true;
  t.fail(`${missing.join(', ')} not found on PATH: install with ${INSTALL_COMMAND}`);
  return false;
}

/** Creates a temporary folder for one VM and removes it when the test ends. */
function vmFolder(t: Test): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'stratus-guest-'));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** Creates a qcow2 overlay of the cached root disk in `folder`, so that the guest never writes to the cache. */
async function createOverlay(manifest: GuestManifest, folder: string): Promise<string> {
  const overlay = path.join(folder, 'disk.0');
  const base = path.join(CACHE_DIR, manifest.files.rootDisk.name);
  await execFileAsync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', base, overlay]);
  return overlay;
}

/** Writes an OpenNebula-style context.sh and packs it as an ISO 9660 CD labelled CONTEXT. */
async function createContextCd(folder: string, variables: Record<string, string>): Promise<string> {
  const contextFolder = path.join(folder, 'context');
  mkdirSync(contextFolder);
  const lines = Object.entries(variables).map(([name, value]) => `${name}='${value}'`);
  writeFileSync(path.join(contextFolder, 'context.sh'), `# Context variables generated by the Stratus tests\n${lines.join('\n')}\n`);
  const iso = path.join(folder, 'disk.1');
  await execFileAsync('genisoimage', ['-quiet', '-o', iso, '-V', 'CONTEXT', '-J', '-R', contextFolder]);
  return iso;
}

// ---------------------------------------------------------------------------
// QEMU and the serial console

interface VmOptions {
  /** Overlay of the root disk, booted with root=/dev/vda. Without it the guest runs from the initramfs. */
  rootDisk?: string;
  contextCd?: string;
  /** Existing tap device for a virtio NIC. QEMU must then run in the device's network namespace. */
  tapDevice?: { name: string; mac: string };
  /** Network namespace that QEMU runs in, through `ip netns exec`. */
  networkNamespace?: string;
}

interface RunningVm {
  child: ChildProcess;
  serialLog: string;
  qmpSocket: string;
  exited: Promise<number | string>;
  stderr(): string;
}

function qemuArguments(manifest: GuestManifest, folder: string, options: VmOptions): string[] {
  const commandLine = options.rootDisk ? manifest.kernelCommandLine : manifest.kernelCommandLine.replace(/\s*root=\S+/, '');
  const args = [
    '-accel', 'tcg', '-M', 'pc', '-m', '256', '-nodefaults', '-no-user-config', '-display', 'none', '-monitor', 'none',
    '-kernel', path.join(CACHE_DIR, manifest.files.kernel.name),
    '-initrd', path.join(CACHE_DIR, manifest.files.initrd.name),
    '-append', commandLine,
  ];
  if (options.rootDisk) args.push('-drive', `file=${options.rootDisk},if=virtio,format=qcow2`);
  if (options.contextCd) args.push('-drive', `file=${options.contextCd},if=ide,media=cdrom,readonly=on,format=raw`);
  if (options.tapDevice) {
    args.push('-netdev', `tap,id=net0,ifname=${options.tapDevice.name},script=no,downscript=no`);
    args.push('-device', `virtio-net-pci,netdev=net0,mac=${options.tapDevice.mac}`);
  }
  args.push('-qmp', `unix:${path.join(folder, 'qmp.sock')},server=on,wait=off`);
  args.push('-serial', `file:${path.join(folder, 'serial.log')}`);
  args.push('-no-shutdown');
  return args;
}

/** Starts QEMU in the foreground as a child process, killed with SIGKILL when the test ends unless it has exited. */
function startVm(t: Test, manifest: GuestManifest, folder: string, options: VmOptions = {}): RunningVm {
  const qemuArgs = qemuArguments(manifest, folder, options);
  const [command, args] = options.networkNamespace
    ? ['ip', ['netns', 'exec', options.networkNamespace, 'qemu-system-x86_64', ...qemuArgs]]
    : ['qemu-system-x86_64', qemuArgs];
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });

  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
    child.on('error', (error) => resolve(`spawn error: ${error.message}`));
  });

  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
    await exited;
  });

  return {
    child,
    serialLog: path.join(folder, 'serial.log'),
    qmpSocket: path.join(folder, 'qmp.sock'),
    exited,
    stderr: () => stderr,
  };
}

/** Reads the serial log as lines. The log contains \r and may contain escape sequences from the guest's shell. */
function serialLines(serialLog: string): string[] {
  if (!existsSync(serialLog)) return [];
  return readFileSync(serialLog, 'latin1').replace(/\r/g, '').split('\n');
}

/** Polls the serial log until a line contains `marker`, and returns that line from the marker on. */
async function waitForSerialLine(vm: RunningVm, marker: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let qemuExit: number | string | undefined;
  void vm.exited.then((result) => {
    qemuExit = result;
  });

  for (;;) {
    for (const line of serialLines(vm.serialLog)) {
      const index = line.indexOf(marker);
      if (index >= 0) return line.slice(index);
    }
    if (qemuExit !== undefined) {
      throw new Error(`QEMU exited (${qemuExit}) before the serial log showed ${marker}. QEMU stderr: ${vm.stderr()}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${marker}. Serial log:\n${serialLines(vm.serialLog).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, SERIAL_POLL_INTERVAL_MS));
  }
}

function findSerialLine(vm: RunningVm, marker: string): string | undefined {
  for (const line of serialLines(vm.serialLog)) {
    const index = line.indexOf(marker);
    if (index >= 0) return line.slice(index);
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// QMP client

interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
}

/**
 * A QMP connection over QEMU's UNIX socket. QMP sends one JSON object per line: a
 * greeting first, then replies carrying the request's id, and events in between.
 */
class QmpConnection {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly events: QmpEvent[] = [];
  private readonly eventWaiters: Array<{ name: string; resolve: (event: QmpEvent) => void }> = [];
  private greetingReceived!: () => void;
  readonly greeting = new Promise<void>((resolve) => {
    this.greetingReceived = resolve;
  });

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('close', () => {
      for (const request of this.pending.values()) request.reject(new Error('QMP connection closed'));
      this.pending.clear();
    });
  }

  /** Connects, retrying until QEMU has created the socket, reads the greeting and sends qmp_capabilities. */
  static async connect(socketPath: string, timeoutMs: number): Promise<QmpConnection> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<net.Socket>((resolve, reject) => {
          const candidate = net.createConnection(socketPath);
          candidate.once('connect', () => resolve(candidate));
          candidate.once('error', reject);
        });
        const connection = new QmpConnection(socket);
        await connection.greeting;
        await connection.execute('qmp_capabilities');
        return connection;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`cannot connect to QMP socket ${socketPath}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Sends a command and resolves with its `return` value, or rejects with QMP's error class and description. */
  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const id = this.nextId++;
    const message = args ? { execute: command, arguments: args, id } : { execute: command, id };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.write(`${JSON.stringify(message)}\n`);
    });
  }

  /** Resolves with the first event named `name`, including one that arrived before the call. */
  waitForEvent(name: string, timeoutMs: number): Promise<QmpEvent> {
    const seen = this.events.find((event) => event.event === name);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for QMP event ${name}`)), timeoutMs);
      this.eventWaiters.push({
        name,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line) this.handleMessage(JSON.parse(line) as Record<string, unknown>);
      newline = this.buffer.indexOf('\n');
    }
  }

  private handleMessage(message: Record<string, unknown>): void {
    if ('QMP' in message) {
      this.greetingReceived();
      return;
    }
    if (typeof message.event === 'string') {
      const event = message as unknown as QmpEvent;
      this.events.push(event);
      for (const waiter of this.eventWaiters.filter((candidate) => candidate.name === event.event)) {
        this.eventWaiters.splice(this.eventWaiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
      return;
    }
    const request = this.pending.get(message.id as number);
    if (!request) return;
    this.pending.delete(message.id as number);
    if ('error' in message) {
      const error = message.error as { class: string; desc: string };
      request.reject(new Error(`QMP error ${error.class}: ${error.desc}`));
    } else {
      request.resolve(message.return);
    }
  }
}

/** Connects to the VM's QMP socket, closing the connection when the test ends. */
async function connectQmp(t: Test, vm: RunningVm): Promise<QmpConnection> {
  const qmp = await QmpConnection.connect(vm.qmpSocket, QMP_CONNECT_TIMEOUT_MS);
  t.teardown(() => qmp.close());
  return qmp;
}

/** Sends quit, waits until QEMU has exited and returns its exit code. */
async function quitVm(qmp: QmpConnection, vm: RunningVm): Promise<number | string> {
  // QEMU may close the socket before its reply arrives, so a rejected quit is fine
  // as long as the process exits.
  await qmp.execute('quit').catch(() => undefined);
  return vm.exited;
}

// ---------------------------------------------------------------------------
// Network namespace for the NIC test

/** Creates a network namespace with a tap device at `address`, deleted when the test ends. */
async function createTapNamespace(t: Test, name: string, tapName: string, address: string): Promise<void> {
  await execFileAsync('ip', ['netns', 'add', name]);
  t.teardown(() => execFileAsync('ip', ['netns', 'del', name]).catch(() => undefined));
  await execFileAsync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  await execFileAsync('ip', ['-n', name, 'tuntap', 'add', 'dev', tapName, 'mode', 'tap']);
  await execFileAsync('ip', ['-n', name, 'addr', 'add', address, 'dev', tapName]);
  await execFileAsync('ip', ['-n', name, 'link', 'set', tapName, 'up']);
}

/** Sends one UDP datagram to `address` from inside the namespace, which makes the namespace resolve the address with ARP. */
async function sendProbe(namespace: string, address: string): Promise<void> {
  await execFileAsync('ip', ['netns', 'exec', namespace, 'bash', '-c', `echo probe > /dev/udp/${address}/9`]).catch(() => undefined);
}

/** Polls the namespace's neighbour table until `address` has a link-layer address, and returns the `ip neigh` line. */
async function waitForNeighbour(namespace: string, address: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let line = '';
  while (Date.now() < deadline) {
    await sendProbe(namespace, address);
    const { stdout } = await execFileAsync('ip', ['-n', namespace, 'neigh', 'show', address]);
    line = stdout.trim();
    if (line.includes('lladdr')) return line;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${address} did not answer ARP within ${timeoutMs} ms; last neighbour entry: '${line}'`);
}

// ---------------------------------------------------------------------------
// Tests

t.test('build writes guest files and guest.json', async (t) => {
  const run = await (firstBuild ??= runBuild());
  t.equal(run.exitCode, 0, 'build exits 0', { stderr: run.stderr });
  if (run.exitCode !== 0) return;
  t.equal(run.stdout.trim(), path.join(CACHE_DIR, 'guest.json'), 'stdout names guest.json');

  const manifest = JSON.parse(readFileSync(path.join(CACHE_DIR, 'guest.json'), 'utf8')) as GuestManifest;
  t.equal(manifest.formatVersion, 1, 'format version');
  t.match(manifest.kernelVersion, /^\d+\.\d+\.\d+-\d+-amd64$/, 'kernel version looks like a Debian amd64 kernel');
  t.equal(manifest.packages.kernel.name, `linux-image-${manifest.kernelVersion}`, 'kernel package matches the kernel version');
  t.equal(manifest.packages.busybox.name, 'busybox-static', 'busybox package');
  t.equal(manifest.kernelCommandLine, KERNEL_COMMAND_LINE, 'kernel command line boots from /dev/vda');
  t.equal(manifest.readyMarker, 'STRATUS-GUEST-READY', 'ready marker');
  t.equal(manifest.markers.ready, manifest.readyMarker, 'markers.ready repeats the ready marker');
  t.match(manifest.sourceSha256, /^[0-9a-f]{64}$/, 'source checksum');

  const expectedNames = { kernel: 'vmlinux', compressedKernel: 'vmlinuz', initrd: 'initrd.gz', rootDisk: 'disk.qcow2' };
  for (const [role, name] of Object.entries(expectedNames)) {
    const entry = manifest.files[role as keyof typeof expectedNames];
    t.equal(entry.name, name, `${role} file name`);
    const file = path.join(CACHE_DIR, entry.name);
    t.ok(existsSync(file), `${name} exists`);
    if (existsSync(file)) t.equal(sha256File(file), entry.sha256, `${name} sha256 matches guest.json`);
  }

  t.same(fileStart(path.join(CACHE_DIR, 'vmlinux'), 4), Buffer.from([0x7f, 0x45, 0x4c, 0x46]), 'vmlinux is an ELF file');
  t.equal(fileStart(path.join(CACHE_DIR, 'vmlinuz'), 0x206).subarray(0x202).toString('latin1'), 'HdrS', 'vmlinuz is a bzImage');
  t.same(fileStart(path.join(CACHE_DIR, 'initrd.gz'), 2), Buffer.from([0x1f, 0x8b]), 'initrd.gz is gzip data');
  t.ok(statSync(path.join(CACHE_DIR, 'initrd.gz')).size < 8 * 1024 * 1024, 'initrd.gz is under 8 MiB');

  if (!requireCommands(t, ['qemu-img'])) return;
  const { stdout } = await execFileAsync('qemu-img', ['info', '--output=json', path.join(CACHE_DIR, 'disk.qcow2')]);
  const info = JSON.parse(stdout) as { format: string; 'virtual-size': number; 'backing-filename'?: string };
  t.equal(info.format, 'qcow2', 'root disk format');
  t.equal(info['virtual-size'], 64 * 1024 * 1024, 'root disk is 64 MiB');
  t.equal(info['backing-filename'], undefined, 'root disk has no backing file');
});

t.test('second build reuses the cache', async (t) => {
  await buildGuest();
  const files = ['vmlinux', 'vmlinuz', 'initrd.gz', 'disk.qcow2', 'guest.json'].map((name) => path.join(CACHE_DIR, name));
  const modifiedBefore = files.map((file) => statSync(file).mtimeMs);

  const run = await runBuild();
  t.equal(run.exitCode, 0, 'build exits 0', { stderr: run.stderr });
  t.match(run.stderr, /nothing to do/, 'build reports that the cache is current');
  t.same(files.map((file) => statSync(file).mtimeMs), modifiedBefore, 'no file was rewritten');
});

t.test('disk boot and ACPI power-off', async (t) => {
  if (!requireCommands(t, ['qemu-system-x86_64', 'qemu-img'])) return;
  const manifest = await buildGuest();
  const folder = vmFolder(t);
  const rootDisk = await createOverlay(manifest, folder);

  const started = Date.now();
  const vm = startVm(t, manifest, folder, { rootDisk });
  const qmp = await connectQmp(t, vm);
  const ready = await waitForSerialLine(vm, manifest.markers.ready, READY_TIMEOUT_MS);
  t.comment(`READY after ${((Date.now() - started) / 1000).toFixed(1)} s: ${ready}`);

  t.match(ready, /^STRATUS-GUEST-READY hostname=stratus-guest uptime=\d+\.\d+$/, 'ready line names the default hostname');
  t.match(findSerialLine(vm, manifest.markers.booted), new RegExp(`^STRATUS-GUEST-BOOTED kernel=${manifest.kernelVersion} root=/dev/vda uptime=`), 'booted from /dev/vda');
  t.equal(findSerialLine(vm, manifest.markers.context), undefined, 'no context lines without a CD');
  t.same(await qmp.execute('query-status'), { status: 'running', singlestep: false, running: true }, 'QMP status running');

  await qmp.execute('system_powerdown');
  t.equal(await waitForSerialLine(vm, manifest.markers.acpiPowerOff, SHUTDOWN_TIMEOUT_MS), 'STRATUS-GUEST-ACPI-POWEROFF', 'power button action ran');
  t.match(await waitForSerialLine(vm, manifest.markers.shutdown, SHUTDOWN_TIMEOUT_MS), /^STRATUS-GUEST-SHUTDOWN uptime=\d+\.\d+$/, 'shutdown steps ran');

  const shutdown = await qmp.waitForEvent('SHUTDOWN', SHUTDOWN_TIMEOUT_MS);
  t.equal(shutdown.data?.guest, true, 'SHUTDOWN event comes from the guest');
  t.equal(shutdown.data?.reason, 'guest-shutdown', 'SHUTDOWN reason');
  t.comment(`powered off ${((Date.now() - started) / 1000).toFixed(1)} s after start`);

  const status = (await qmp.execute('query-status')) as { status: string };
  t.equal(status.status, 'shutdown', 'QEMU stays up in status shutdown because of -no-shutdown');
  t.equal(await quitVm(qmp, vm), 0, 'QEMU exits 0 after quit');
});

t.test('context CD sets hostname and token', async (t) => {
  if (!requireCommands(t, ['qemu-system-x86_64', 'qemu-img', 'genisoimage', 'isoinfo'])) return;
  const manifest = await buildGuest();
  const folder = vmFolder(t);
  const rootDisk = await createOverlay(manifest, folder);
  const contextCd = await createContextCd(folder, { DISK_ID: '1', HOSTNAME: 'vm-42', TOKEN: 'YES', TARGET: 'hdb' });

  const { stdout: isoHeader } = await execFileAsync('isoinfo', ['-d', '-i', contextCd]);
  t.match(isoHeader, /^Volume id: CONTEXT$/m, 'CD volume label is CONTEXT');

  const vm = startVm(t, manifest, folder, { rootDisk, contextCd });
  const qmp = await connectQmp(t, vm);
  const ready = await waitForSerialLine(vm, manifest.markers.ready, READY_TIMEOUT_MS);

  t.equal(findSerialLine(vm, 'STRATUS-CONTEXT source='), 'STRATUS-CONTEXT source=/dev/sr0 type=opennebula', 'CD found as /dev/sr0');
  t.equal(findSerialLine(vm, 'STRATUS-CONTEXT HOSTNAME='), 'STRATUS-CONTEXT HOSTNAME=vm-42 ETH0_IP= TOKEN=YES', 'context values printed');
  t.match(ready, /^STRATUS-GUEST-READY hostname=vm-42 uptime=/, 'guest took the hostname from the CD');
  t.equal(await quitVm(qmp, vm), 0, 'QEMU exits 0 after quit');
});

t.test('initramfs boot configures eth0 from context', async (t) => {
  if (!requireCommands(t, ['qemu-system-x86_64', 'genisoimage', 'ip', 'bash'])) return;
  const manifest = await buildGuest();
  const folder = vmFolder(t);

  // The guest's NIC is a tap device in a namespace that only this test uses, so no
  // packet reaches the machine's own network.
  const namespace = `stratus-guest-${process.pid}`;
  const tap = { name: 'tap0', mac: '52:54:00:5a:00:01' };
  await createTapNamespace(t, namespace, tap.name, '10.213.7.1/24');

  const contextCd = await createContextCd(folder, {
    HOSTNAME: 'net-vm',
    TOKEN: 'YES',
    ETH0_IP: '10.213.7.10',
    ETH0_MASK_BITS: '24',
    ETH0_GATEWAY: '10.213.7.1',
  });
  const vm = startVm(t, manifest, folder, { contextCd, tapDevice: tap, networkNamespace: namespace });
  const qmp = await connectQmp(t, vm);
  await waitForSerialLine(vm, manifest.markers.ready, READY_TIMEOUT_MS);

  t.match(findSerialLine(vm, manifest.markers.booted), / root=initramfs /, 'guest runs from the initramfs without root=');
  t.equal(findSerialLine(vm, 'STRATUS-CONTEXT eth0'), 'STRATUS-CONTEXT eth0 configured 10.213.7.10/24 gateway=10.213.7.1', 'eth0 configured from context');
  const neighbour = await waitForNeighbour(namespace, '10.213.7.10', 20_000);
  t.match(neighbour, new RegExp(`lladdr ${tap.mac}`), 'guest answers ARP for its context address');
  t.equal(await quitVm(qmp, vm), 0, 'QEMU exits 0 after quit');
});
