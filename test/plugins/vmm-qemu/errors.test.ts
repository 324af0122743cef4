// Failures of the qemu driver: each message must name what failed, on which VM, and what to do.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { verifyPlugin } from '../../../core/plugins/index.js';
import { buildGuest, findQemuPid, loadQemuDriver, prepareVm, QEMU_PLUGIN_DIR, requireQemu } from './support.js';

t.test('plugin verifier accepts the driver', async (t) => {
  // The verifier's example requests name the host node1, which the driver rejects as not this machine.
  const report = await verifyPlugin(QEMU_PLUGIN_DIR);
  for (const check of report.checks) t.ok(check.ok, `${check.name}: ${check.detail}`);
  t.ok(report.ok, 'every check passes');
  t.equal(report.checks.filter((check) => check.name.startsWith('action ')).length, 12, 'all twelve actions are probed');
});

t.test('missing QEMU binary gives the install command', async (t) => {
  const guest = await buildGuest();
  const vm = await prepareVm(t, guest);

  const driver = await loadQemuDriver(t);
  const emptyFolder = mkdtempSync(path.join(os.tmpdir(), 'stratus-empty-path-'));
  t.teardown(() => rmSync(emptyFolder, { recursive: true, force: true }));
  const savedPath = process.env.PATH;
  process.env.PATH = emptyFolder;
  try {
    await t.rejects(
      driver.call('DEPLOY', vm.deployRequest),
      { message: new RegExp(`cannot start VM ${vm.vmId}: qemu-system-x86_64 is not installed: apt-get install -y qemu-system-x86`) },
      'a binary missing from PATH names the package',
    );
  } finally {
    process.env.PATH = savedPath;
  }

  const configured = await loadQemuDriver(t, { STRATUS_QEMU_BINARY: '/opt/no-such-qemu/qemu-system-x86_64' });
  await t.rejects(
    configured.call('DEPLOY', vm.deployRequest),
    { message: /the QEMU binary "\/opt\/no-such-qemu\/qemu-system-x86_64" set by STRATUS_QEMU_BINARY was not found: correct STRATUS_QEMU_BINARY/ },
    'a configured binary that is missing names the setting',
  );
});

t.test('hosts other than this machine are rejected', async (t) => {
  const guest = await buildGuest();
  const vm = await prepareVm(t, guest);
  const driver = await loadQemuDriver(t, { STRATUS_QEMU_LOCAL_HOSTS: 'node-alias, other-alias' });

  const elsewhere = 'node-elsewhere.example';
  await t.rejects(
    driver.call('DEPLOY', { ...vm.deployRequest, host: elsewhere }),
    { message: /cannot start VM \d+: host "node-elsewhere.example" is not this machine, and the qemu driver runs VMs on the local host only/ },
    'DEPLOY names the host',
  );
  await t.rejects(driver.call('POLL', { ...vm.ids, host: elsewhere }), { message: /cannot poll VM \d+: host "node-elsewhere.example" is not this machine/ }, 'POLL names the host');
  await t.rejects(driver.call('MONITOR_HOST', { host: elsewhere }), { message: /add "node-elsewhere.example" to STRATUS_QEMU_LOCAL_HOSTS/ }, 'MONITOR_HOST says how to add a name');

  const report = await driver.call('MONITOR_HOST', { host: 'node-alias' });
  t.equal(report.hypervisor, 'qemu', 'a name from STRATUS_QEMU_LOCAL_HOSTS is this machine');
  t.equal((await driver.call('MONITOR_HOST', { host: os.hostname() })).hypervisor, 'qemu', "the machine's hostname is this machine");
});

t.test('invalid deployment files list their problems', async (t) => {
  const guest = await buildGuest();
  const vm = await prepareVm(t, guest);
  const driver = await loadQemuDriver(t);

  writeFileSync(vm.deploymentFile, '{ "name": ');
  await t.rejects(driver.call('DEPLOY', vm.deployRequest), { message: /the deployment file .* of VM \d+ is not valid JSON/ }, 'broken JSON');

  const invalid = {
    name: '',
    vmId: vm.vmId + 1,
    vcpu: 0,
    memoryMb: 256.5,
    disks: [
      { path: 'disk.0', format: 'vmdk', target: 'sda', type: 'disk' },
      { path: '/tmp/context.iso', format: 'raw', target: 'vdb', type: 'cdrom' },
    ],
    nics: [{ mac: '02:00:00:00:00', bridge: 'br0', tap: 'tap0' }],
    initrd: '/boot/initrd.img',
  };
  writeFileSync(vm.deploymentFile, JSON.stringify(invalid));
  const failure = await driver.call('DEPLOY', vm.deployRequest).then(
    () => new Error('DEPLOY succeeded'),
    (error: Error) => error,
  );
  const expected = [
    'name must be a non-empty string',
    `vmId must be ${vm.vmId} (the request's VM), got ${vm.vmId + 1}`,
    'vcpu must be a positive integer, got 0',
    'memoryMb must be a positive integer, got 256.5',
    'kernel is missing, but initrd or kernelArgs is set',
    'disks[0].path must be an absolute path, got "disk.0"',
    'disks[0].format must be one of raw, qcow2, got "vmdk"',
    'disks[0].target must be vda...vdz (virtio) or hda...hdd (IDE), got "sda"',
    'disks[1].target is vdb, but a cdrom needs an IDE target (hda...hdd)',
    'nics[0].mac must be a MAC address',
    'nics[0] must have exactly one of "bridge" and "tap"',
  ];
  for (const problem of expected) t.match(failure.message, problem, `the error lists: ${problem}`);
});

t.test('missing files and folders are named', async (t) => {
  const guest = await buildGuest();
  const vm = await prepareVm(t, guest);
  const driver = await loadQemuDriver(t);

  const missingDisk = path.join(vm.vmDir, 'disk.7');
  const deployment = { name: 'missing-disk', vmId: vm.vmId, vcpu: 1, memoryMb: 128, disks: [{ path: missingDisk, format: 'qcow2', target: 'vda', type: 'disk' }] };
  writeFileSync(vm.deploymentFile, JSON.stringify(deployment));
  await t.rejects(driver.call('DEPLOY', vm.deployRequest), { message: `cannot start VM ${vm.vmId}: disk vda ${missingDisk} not found` }, 'a missing disk');

  await t.rejects(
    driver.call('DEPLOY', { ...vm.deployRequest, deploymentFile: path.join(vm.vmDir, 'deployment.9.json') }),
    { message: /cannot read the deployment file .*deployment\.9\.json of VM \d+: not found/ },
    'a missing deployment file',
  );
  await t.rejects(
    driver.call('DEPLOY', { ...vm.deployRequest, vmDir: path.join(vm.vmDir, 'gone') }),
    { message: /the VM folder .*gone does not exist; the transfer driver creates it/ },
    'a missing VM folder',
  );

  const deepFolder = path.join(vm.vmDir, 'a'.repeat(60), 'b'.repeat(40));
  mkdirSync(deepFolder, { recursive: true });
  await t.rejects(
    driver.call('DEPLOY', { ...vm.deployRequest, vmDir: deepFolder }),
    { message: /the QMP socket path of VM \d+, .*qmp\.sock, is \d+ bytes long, over the 107-byte limit/ },
    'a VM folder too deep for a UNIX socket path',
  );
});

t.test('QEMU start failure carries its message', async (t) => {
  if (!(await requireQemu(t))) return;
  const guest = await buildGuest();
  const vm = await prepareVm(t, guest);
  const driver = await loadQemuDriver(t);

  // A raw file declared as qcow2: QEMU rejects it before it daemonizes.
  const rawDisk = path.join(vm.vmDir, 'disk.raw');
  writeFileSync(rawDisk, Buffer.alloc(1024 * 1024));
  const deployment = { name: 'wrong-format', vmId: vm.vmId, vcpu: 1, memoryMb: 128, disks: [{ path: rawDisk, format: 'qcow2', target: 'vda', type: 'disk' }] };
  writeFileSync(vm.deploymentFile, JSON.stringify(deployment));

  await t.rejects(driver.call('DEPLOY', vm.deployRequest), { message: /QEMU failed to start VM \d+ \(exit code 1\): .*Image is not in qcow2 format/ }, "QEMU's error reaches the user");
  t.equal(findQemuPid(vm.deployId), undefined, 'no QEMU process is left');
});

t.test('requests about VMs that do not run', async (t) => {
  if (!(await requireQemu(t))) return;
  const guest = await buildGuest();
  const vm = await prepareVm(t, guest);
  const driver = await loadQemuDriver(t);

  t.equal((await driver.call('POLL', vm.ids)).state, 'UNKNOWN', 'POLL of a VM that never ran is UNKNOWN');
  await t.rejects(driver.call('SUSPEND', vm.ids), { message: `cannot suspend VM ${vm.vmId}: no QEMU process named ${vm.deployId} runs on this host` }, 'SUSPEND names the missing process');
  await t.rejects(driver.call('REBOOT', vm.ids), { message: /cannot reboot VM \d+: no QEMU process/ }, 'REBOOT names the missing process');
  await t.resolves(driver.call('SHUTDOWN', { ...vm.ids, timeoutSeconds: 5 }), 'SHUTDOWN of a stopped VM succeeds');
  await t.rejects(driver.call('POLL', { ...vm.ids, deployId: `one-${vm.vmId}` }), { message: /deployId "one-\d+" was not made by the qemu driver/ }, 'a deployId of another driver');

  await t.rejects(driver.call('SAVE', { ...vm.ids, checkpointFile: path.join(vm.vmDir, 'checkpoint') }), { message: /cannot save VM \d+: no QEMU process/ }, 'SAVE names the missing process');
  const restore = { vmId: vm.vmId, host: vm.host, vmDir: vm.vmDir, deploymentFile: vm.deploymentFile, checkpointFile: path.join(vm.vmDir, 'checkpoint') };
  await t.rejects(driver.call('RESTORE', restore), { message: /the checkpoint file .*checkpoint does not exist; SAVE writes it/ }, 'RESTORE without a checkpoint');

  writeFileSync(restore.checkpointFile, Buffer.alloc(64 * 1024, 7));
  await t.rejects(driver.call('RESTORE', restore), { message: new RegExp(`QEMU of VM ${vm.vmId} exited while loading .*checkpoint \\(.*qemu.log ends with: .*Not a migration stream.*\\): the file is damaged`) }, 'RESTORE from a damaged checkpoint');
  t.equal(findQemuPid(vm.deployId), undefined, 'no QEMU process is left after the damaged checkpoint');

  await driver.call('DEPLOY', vm.deployRequest);
  await t.rejects(driver.call('DEPLOY', vm.deployRequest), { message: new RegExp(`cannot start VM ${vm.vmId}: it already runs as ${vm.deployId} \\(QEMU pid \\d+\\)`) }, 'a second DEPLOY of a running VM');
  await t.rejects(driver.call('SAVE', { ...vm.ids, checkpointFile: 'checkpoint' }), { message: /the checkpoint path "checkpoint" must be absolute/ }, 'SAVE with a relative checkpoint path');
  await t.rejects(
    driver.call('SAVE', { ...vm.ids, checkpointFile: path.join(vm.vmDir, 'no-folder', 'checkpoint') }),
    { message: /the folder of the checkpoint file .* does not exist/ },
    'SAVE into a missing folder',
  );
  await t.rejects(
    driver.call('SAVE', { ...vm.ids, checkpointFile: vm.vmDir }),
    { message: new RegExp(`saving VM ${vm.vmId} to .* failed: QEMU reports failed`) },
    'SAVE onto a folder fails in QEMU',
  );
  t.equal((await driver.call('POLL', vm.ids)).state, 'RUNNING', 'the VM runs again after the failed save');
  await driver.call('CANCEL', vm.ids);
});
