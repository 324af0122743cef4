// The qemu driver's parts that need no VM: the command line, shell quoting, the
// deployment checks, /proc parsing, CPU sampling and the QMP client against a fake
// QEMU monitor on a UNIX socket.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { buildQemuArguments, escapeOptionValue, quoteForShell, restoreUri, saveUri, vmIdOf } from '../../../plugins/vmm/qemu/command-line.js';
import { findDeploymentProblems, type Deployment } from '../../../plugins/vmm/qemu/deployment.js';
import { countProcessors, readMeminfoKb } from '../../../plugins/vmm/qemu/host-monitor.js';
import { describeQemuProcess } from '../../../plugins/vmm/qemu/process-table.js';
import { CpuSampler } from '../../../plugins/vmm/qemu/process-usage.js';
import { QmpClient, QmpCommandError, QmpConnectionError, type QmpEvent } from '../../../plugins/vmm/qemu/qmp-client.js';
import { pollStateOf } from '../../../plugins/vmm/qemu/state-actions.js';

const execFileAsync = promisify(execFile);

const FULL_DEPLOYMENT: Deployment = {
  name: 'web-1',
  vmId: 42,
  vcpu: 2,
  memoryMb: 512,
  disks: [
    { path: '/var/lib/stratus/0/42/disk.1', format: 'raw', target: 'hdc', type: 'cdrom' },
    { path: '/var/lib/stratus/0/42/disk,2', format: 'raw', target: 'vdb', type: 'disk', readonly: true, cache: 'none' },
    { path: '/var/lib/stratus/0/42/disk.0', format: 'qcow2', target: 'vda', type: 'disk' },
  ],
  nics: [
    { mac: '02:00:0a:00:00:01', tap: 'tap42' },
    { mac: '02:00:0a:00:00:02', bridge: 'br0', model: 'e1000' },
  ],
  kernel: '/boot/vmlinux',
  initrd: '/boot/initrd.gz',
  kernelArgs: 'console=ttyS0 root=/dev/vda',
};

t.test('command line of a full deployment', async (t) => {
  const args = buildQemuArguments(FULL_DEPLOYMENT, { vmDir: '/var/lib/stratus/0/42', accelerator: 'tcg' });
  t.same(args, [
    '-name', 'stratus-42',
    '-accel', 'tcg',
    '-M', 'pc',
    '-m', '512',
    '-smp', '2',
    '-nodefaults', '-no-user-config',
    '-display', 'none',
    '-monitor', 'none',
    '-no-shutdown',
    '-kernel', '/boot/vmlinux',
    '-initrd', '/boot/initrd.gz',
    '-append', 'console=ttyS0 root=/dev/vda',
    '-drive', 'file=/var/lib/stratus/0/42/disk.1,format=raw,id=disk-hdc,if=ide,index=2,media=cdrom,readonly=on',
    '-drive', 'file=/var/lib/stratus/0/42/disk.0,format=qcow2,id=disk-vda,if=virtio',
    '-drive', 'file=/var/lib/stratus/0/42/disk,,2,format=raw,id=disk-vdb,if=virtio,readonly=on,cache=none',
    '-netdev', 'tap,id=net0,ifname=tap42,script=no,downscript=no',
    '-device', 'virtio-net-pci,netdev=net0,mac=02:00:0a:00:00:01',
    '-netdev', 'bridge,id=net1,br=br0',
    '-device', 'e1000,netdev=net1,mac=02:00:0a:00:00:02',
    '-qmp', 'unix:/var/lib/stratus/0/42/qmp.sock,server=on,wait=off',
    '-chardev', 'file,id=serial0,path=/var/lib/stratus/0/42/serial.log,append=on',
    '-serial', 'chardev:serial0',
    '-D', '/var/lib/stratus/0/42/qemu.log',
    '-daemonize', '-pidfile', '/var/lib/stratus/0/42/qemu.pid',
  ]);
});

t.test('command line for a restore without direct boot', async (t) => {
  const deployment: Deployment = { name: 'disk-boot', vmId: 7, vcpu: 1, memoryMb: 128, disks: [] };
  const args = buildQemuArguments(deployment, { vmDir: '/srv/vms,odd/7', accelerator: 'kvm', checkpointFile: "/srv/it's saved" });

  t.notOk(args.includes('-kernel'), 'no -kernel without a kernel');
  t.equal(args[args.indexOf('-accel') + 1], 'kvm', 'the accelerator is passed');
  t.equal(args[args.indexOf('-qmp') + 1], 'unix:/srv/vms,,odd/7/qmp.sock,server=on,wait=off', 'a comma in the folder is doubled');
  t.equal(args[args.indexOf('-incoming') + 1], `exec:cat '/srv/it'\\''s saved'`, '-incoming reads the quoted checkpoint');
  t.equal(args[args.indexOf('-pidfile') + 1], '/srv/vms,odd/7/qemu.pid', '-pidfile takes the path as it is');
  t.equal(args[args.indexOf('-D') + 1], '/srv/vms,odd/7/qemu.log', '-D takes the path as it is');
});

t.test('shell quoting survives /bin/sh', async (t) => {
  const awkward = ["plain", "it's", 'a b\tc', '$(touch /tmp/stratus-never)', '`id`', '"double"', "'", "''", '\\', '*?[x]', '; rm -rf /', 'ünïcode'];
  for (const value of awkward) {
    const { stdout } = await execFileAsync('/bin/sh', ['-c', `printf %s ${quoteForShell(value)}`]);
    t.equal(stdout, value, `the shell reads back ${JSON.stringify(value)}`);
  }
  t.equal(saveUri('/a b'), "exec:cat > '/a b'", 'saveUri redirects into the quoted file');
  t.equal(restoreUri('/a b'), "exec:cat '/a b'", 'restoreUri reads the quoted file');
  t.equal(escapeOptionValue('a,b,,c'), 'a,,b,,,,c', 'every comma is doubled');
});

t.test('deployment checks', async (t) => {
  t.same(findDeploymentProblems(FULL_DEPLOYMENT, 42), [], 'a full deployment is valid');
  t.same(findDeploymentProblems({ name: 'x', vmId: 1, vcpu: 1, memoryMb: 96, disks: [] }, 1), [], 'the smallest deployment is valid');
  t.same(findDeploymentProblems([], 1), ['the file must contain a JSON object'], 'an array is rejected');

  const duplicate = { ...FULL_DEPLOYMENT, disks: [FULL_DEPLOYMENT.disks[2], FULL_DEPLOYMENT.disks[2]] };
  t.same(findDeploymentProblems(duplicate, 42), ['disks use the target vda more than once'], 'a target used twice');

  const badNic = { ...FULL_DEPLOYMENT, nics: [{ mac: '02:00:0a:00:00:01', tap: 'tap0,script=/evil' }] };
  t.match(findDeploymentProblems(badNic, 42).join(), /nics\[0\]\.tap must be an interface name/, 'an interface name with a comma');

  const badPath = { ...FULL_DEPLOYMENT, kernel: '/boot/vm\nlinux' };
  t.match(findDeploymentProblems(badPath, 42).join(), /kernel must not contain control characters/, 'a path with a newline');

  const badAccelerator = { ...FULL_DEPLOYMENT, accelerator: 'hvf' };
  t.match(findDeploymentProblems(badAccelerator, 42).join(), /accelerator must be one of auto, tcg, kvm/, 'an unknown accelerator hint');
});

t.test('deployIds and QEMU command lines', async (t) => {
  t.equal(vmIdOf('stratus-42'), 42, 'a deployId of this driver');
  t.equal(vmIdOf('one-42'), undefined, 'a deployId of another driver');
  t.equal(vmIdOf('stratus-42-x'), undefined, 'a deployId with a suffix');

  const args = ['qemu-system-x86_64', '-name', 'stratus-42', '-qmp', 'unix:/srv/a,,b/qmp.sock,server=on,wait=off'];
  t.same(describeQemuProcess(9, args), { pid: 9, deployId: 'stratus-42', vmId: 42, qmpSocket: '/srv/a,b/qmp.sock' }, 'name and QMP socket are read back');
  t.equal(describeQemuProcess(9, ['qemu-system-x86_64', '-name', 'guest=stratus-5,debug-threads=on', '-qmp', 'tcp:127.0.0.1:4444'])?.vmId, 5, 'the guest= form of -name');
  t.equal(describeQemuProcess(9, ['qemu-system-x86_64', '-name', 'other-vm', '-qmp', 'unix:/x']), undefined, 'another QEMU');
  t.equal(describeQemuProcess(9, ['grep', '-name', 'stratus-42']), undefined, 'a program without -qmp');
});

t.test('run states map to POLL states', async (t) => {
  const cases: [string, string][] = [
    ['running', 'RUNNING'],
    ['paused', 'PAUSED'],
    ['prelaunch', 'PAUSED'],
    ['postmigrate', 'PAUSED'],
    ['internal-error', 'PAUSED'],
    ['shutdown', 'POWEROFF'],
  ];
  for (const [runState, pollState] of cases) t.equal(pollStateOf(runState), pollState, `${runState} is ${pollState}`);
});

t.test('host figures from /proc text', async (t) => {
  const cpuinfo = 'processor\t: 0\nmodel name\t: AMD EPYC\n\nprocessor\t: 1\nmodel name\t: AMD EPYC\n';
  t.equal(countProcessors(cpuinfo), 2, 'processors are counted');

  const meminfo = 'MemTotal:       24576000 kB\nMemFree:        20000000 kB\nMemAvailable:   22000000 kB\n';
  t.equal(readMeminfoKb(meminfo, 'MemTotal'), 24576000, 'MemTotal is read');
  t.equal(readMeminfoKb(meminfo, 'MemAvailable'), 22000000, 'MemAvailable is read');
  t.throws(() => readMeminfoKb(meminfo, 'SwapTotal'), /\/proc\/meminfo has no SwapTotal line/, 'a missing line is named');
});

t.test('CPU sampler', async (t) => {
  const sampler = new CpuSampler();
  t.equal(sampler.percent('vm', 10, { cpuSeconds: 5, startedAtSeconds: 100, residentKb: 1 }, 110), 50, 'the first sample averages since the process started');
  t.equal(sampler.percent('vm', 10, { cpuSeconds: 7, startedAtSeconds: 100, residentKb: 1 }, 112), 100, 'later samples measure since the previous one');
  t.equal(sampler.percent('vm', 11, { cpuSeconds: 1, startedAtSeconds: 120, residentKb: 1 }, 124), 25, 'a new pid starts over');
  t.equal(sampler.percent('vm', 11, { cpuSeconds: 1, startedAtSeconds: 120, residentKb: 1 }, 124), 0, 'no time elapsed gives 0');
});

// ---------------------------------------------------------------------------
// QMP client against a fake monitor

interface FakeMonitor {
  socketPath: string;
  /** Commands received, in order. */
  received: Record<string, unknown>[];
  /** Sends a line to every connected client. */
  send(message: unknown): void;
  /** Closes every client connection. */
  dropClients(): void;
}

/**
 * Starts a UNIX socket server that greets like QEMU and replies to each command with
 * `reply(command)`: a reply object, or undefined for no reply.
 */
async function startFakeMonitor(t: Test, reply: (command: Record<string, unknown>) => unknown, greet = true): Promise<FakeMonitor> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'stratus-qmp-'));
  const socketPath = path.join(folder, 'qmp.sock');
  const received: Record<string, unknown>[] = [];
  const clients = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    clients.add(socket);
    socket.on('close', () => clients.delete(socket));
    if (greet) socket.write('{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}}, "capabilities": ["oob"]}}\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const command = JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>;
        buffer = buffer.slice(newline + 1);
        received.push(command);
        const message = reply(command);
        if (message !== undefined) socket.write(`${JSON.stringify({ ...(message as object), id: command.id })}\r\n`);
        newline = buffer.indexOf('\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  t.teardown(async () => {
    for (const client of clients) client.destroy();
    await new Promise((resolve) => server.close(resolve));
    rmSync(folder, { recursive: true, force: true });
  });

  return {
    socketPath,
    received,
    send: (message) => {
      for (const client of clients) client.write(`${JSON.stringify(message)}\r\n`);
    },
    dropClients: () => {
      for (const client of clients) client.destroy();
    },
  };
}

t.test('QMP client commands and events', async (t) => {
  const monitor = await startFakeMonitor(t, (command) => {
    if (command.execute === 'query-status') return { return: { status: 'running', running: true } };
    if (command.execute === 'cont') return { error: { class: 'GenericError', desc: 'Resetting the Virtual Machine is required' } };
    if (command.execute === 'hang') return undefined;
    return { return: {} };
  });
  const client = await QmpClient.connect(monitor.socketPath, 5000);
  t.teardown(() => client.close());
  t.same(monitor.received[0], { execute: 'qmp_capabilities', id: 1 }, 'capabilities are negotiated first, with an id');

  const events: QmpEvent[] = [];
  client.onEvent((event) => events.push(event));

  const [status, stopped] = await Promise.all([client.execute<{ status: string }>('query-status'), client.execute('stop')]);
  t.equal(status.status, 'running', 'a reply is matched to its command by id');
  t.same(stopped, {}, 'concurrent commands get their own replies');
  t.same(monitor.received[2], { execute: 'stop', id: 3 }, 'commands carry increasing ids');

  await client.execute('send-key', { keys: [{ type: 'qcode', data: 'ctrl' }] });
  t.same(monitor.received.at(-1), { execute: 'send-key', arguments: { keys: [{ type: 'qcode', data: 'ctrl' }] }, id: 4 }, 'arguments are sent');

  const error = await client.execute('cont').catch((caught: unknown) => caught);
  t.type(error, QmpCommandError, 'an error reply rejects with QmpCommandError');
  t.equal((error as QmpCommandError).message, 'QMP command cont failed: Resetting the Virtual Machine is required (GenericError)', 'the message quotes QEMU');

  monitor.send({ event: 'SHUTDOWN', data: { guest: true, reason: 'guest-shutdown' }, timestamp: { seconds: 1, microseconds: 2 } });
  await client.execute('query-status');
  t.same(events.map((event) => [event.event, event.data?.reason]), [['SHUTDOWN', 'guest-shutdown']], 'events reach the listener between replies');

  const timedOut = await client.execute('hang', undefined, 200).catch((caught: unknown) => caught);
  t.match((timedOut as Error).message, /no reply to QMP command hang .* within 0.2 s/, 'a command without a reply times out');

  const pending = client.execute('hang');
  let closed = false;
  client.onClose(() => (closed = true));
  monitor.dropClients();
  const lost = await pending.catch((caught: unknown) => caught);
  t.type(lost, QmpConnectionError, 'a dropped connection rejects the commands in flight');
  t.ok(closed && client.closed, 'the client reports the close');
  await t.rejects(client.execute('query-status'), /is closed; cannot send query-status/, 'a closed client rejects new commands');
});

t.test('QMP client connection failures', async (t) => {
  const silent = await startFakeMonitor(t, () => ({ return: {} }), false);
  await t.rejects(QmpClient.connect(silent.socketPath, 300), /no QMP greeting on .* within 0.3 s; another client may hold the socket/, 'a monitor that never greets');

  const missing = path.join(os.tmpdir(), `stratus-no-such-${process.pid}.sock`);
  const failure = await QmpClient.connect(missing, 1000).catch((caught: unknown) => caught);
  t.type(failure, QmpConnectionError, 'a missing socket rejects with QmpConnectionError');
  t.equal(((failure as QmpConnectionError).cause as NodeJS.ErrnoException).code, 'ENOENT', 'the cause keeps the system error code');
});
