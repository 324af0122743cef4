import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { LcmState, VmState } from '../../../core/vm/states.js';
import { migrationWorld, type MigrationWorld } from '../../helpers/migration-world.js';
import { apiError, changeStored } from '../../helpers/objects.js';

const RUNNING = [VmState.ACTIVE, LcmState.RUNNING];
/** The scheduler places no VM of this template, so that only the test's own calls move it. */
const VM_TEMPLATE = 'CPU = "0.5"\nMEMORY = "128"\nSCHED_REQUIREMENTS = "ID = -1"';
const MIGRATE_ACTION = 1;
const LIVE_MIGRATE_ACTION = 2;

type World = MigrationWorld;

const world = migrationWorld;

interface VmView {
  state: number;
  lcm: number;
  /** HID and ACTION of the history records one.vm.info shows (the last two), oldest first. */
  history: Array<[number, number]>;
  error: string | undefined;
}

async function view(w: World, vmId: number): Promise<VmView> {
  const xml = await w.daemon.admin.call<string>('one.vm.info', vmId);
  const number = (name: string, text = xml) => Number(new RegExp(`<${name}>(\\d+)</${name}>`).exec(text)?.[1]);
  const history = [...xml.matchAll(/<HISTORY>(.*?)<\/HISTORY>/gs)].map(([, record]): [number, number] => [number('HID', record), number('ACTION', record)]);
  return { state: number('STATE'), lcm: number('LCM_STATE'), history, error: /<ERROR>([^<]*)<\/ERROR>/.exec(xml)?.[1] };
}

async function share(w: World, hostId: number): Promise<{ cpu: number; vms: string }> {
  const xml = await w.daemon.admin.call<string>('one.host.info', hostId);
  return { cpu: Number(/<CPU_USAGE>(\d+)</.exec(xml)?.[1]), vms: /<VMS>(.*?)<\/VMS>|<VMS\/>/.exec(xml)?.[1] ?? '' };
}

async function runningVm(w: World): Promise<number> {
  const vmId = await w.daemon.admin.call<number>('one.vm.allocate', VM_TEMPLATE, false);
  await w.daemon.admin.call('one.vm.deploy', vmId, w.hosts[0]);
  await w.lifecycle.idle();
  return vmId;
}

async function migrate(w: World, vmId: number, hostId: number, ...rest: Array<boolean | number>): Promise<void> {
  await w.daemon.admin.call('one.vm.migrate', vmId, hostId, ...rest);
  await w.lifecycle.idle();
}

function script(w: World, action: string, text: string): void {
  writeFileSync(path.join(w.control, action), `${text}\n`);
}

t.test('cold migration saves and restores', async (t) => {
  const w = await world(t);
  const vmId = await runningVm(w);

  await migrate(w, vmId, w.hosts[1], false);

  const vm = await view(w, vmId);
  t.same([vm.state, vm.lcm], RUNNING);
  t.same(vm.history, [[w.hosts[0], MIGRATE_ACTION], [w.hosts[1], 0]], 'the old placement is closed with the migrate action');
  t.same(await share(w, w.hosts[0]), { cpu: 0, vms: '' }, 'the old host gets its share back');
  t.same(await share(w, w.hosts[1]), { cpu: 50, vms: `<ID>${vmId}</ID>` }, 'the new host counts the VM');

  const log = await w.daemon.admin.call<string>('one.vm.info', vmId);
  t.notMatch(log, /<ERROR>/);
});

t.test('live migration calls MIGRATE', async (t) => {
  const w = await world(t);
  const vmId = await runningVm(w);

  await migrate(w, vmId, w.hosts[1], true);

  const vm = await view(w, vmId);
  t.same([vm.state, vm.lcm], RUNNING);
  t.same(vm.history, [[w.hosts[0], LIVE_MIGRATE_ACTION], [w.hosts[1], 0]]);
});

t.test('power-off migration boots anew', async (t) => {
  const w = await world(t);
  const vmId = await runningVm(w);
  script(w, 'SAVE', 'fail SAVE must not be called for a migration by power-off');

  await migrate(w, vmId, w.hosts[1], false, false, -1, 1);

  const vm = await view(w, vmId);
  t.same([vm.state, vm.lcm], RUNNING);
  t.same(vm.history.at(-1), [w.hosts[1], 0]);
});

t.test('stopped VMs keep their state', async (t) => {
  const w = await world(t);
  const off = await runningVm(w);
  const suspended = await runningVm(w);
  await w.daemon.admin.call('one.vm.action', 'poweroff', off);
  await w.daemon.admin.call('one.vm.action', 'suspend', suspended);
  await w.lifecycle.idle();

  await migrate(w, off, w.hosts[1], false);
  await migrate(w, suspended, w.hosts[1], false);

  t.same((await view(w, off)).state, VmState.POWEROFF);
  t.same((await view(w, off)).history.at(-1), [w.hosts[1], 0]);
  t.same((await view(w, suspended)).state, VmState.SUSPENDED);
  t.same(await share(w, w.hosts[1]), { cpu: 100, vms: `<ID>${off}</ID><ID>${suspended}</ID>` });
});

t.test('failed save returns VM', async (t) => {
  const w = await world(t);
  const vmId = await runningVm(w);
  script(w, 'SAVE', 'fail no space left for the checkpoint');

  await migrate(w, vmId, w.hosts[1], false);

  const vm = await view(w, vmId);
  t.same([vm.state, vm.lcm], RUNNING);
  t.match(vm.error, /migrate failed at save: .*no space left for the checkpoint/);
  t.same(
    vm.history,
    [
      [w.hosts[1], MIGRATE_ACTION],
      [w.hosts[0], 0],
    ],
    'the last two history records (all that one.vm.info shows) are the attempt and the return',
  );
  t.same(await share(w, w.hosts[0]), { cpu: 50, vms: `<ID>${vmId}</ID>` });
  t.same(await share(w, w.hosts[1]), { cpu: 0, vms: '' });
});

t.test('failed live migration returns VM', async (t) => {
  const w = await world(t);
  const vmId = await runningVm(w);
  script(w, 'MIGRATE', 'fail the target refused the connection');

  await migrate(w, vmId, w.hosts[1], true);

  const vm = await view(w, vmId);
  t.same([vm.state, vm.lcm], RUNNING);
  t.same(vm.history.at(-1), [w.hosts[0], 0]);
  t.same(await share(w, w.hosts[1]), { cpu: 0, vms: '' });
});

t.test('failed restore, then retry', async (t) => {
  const w = await world(t);
  const vmId = await runningVm(w);
  script(w, 'RESTORE', 'fail the checkpoint is damaged');

  await migrate(w, vmId, w.hosts[1], false);

  const failed = await view(w, vmId);
  t.same([failed.state, failed.lcm], [VmState.ACTIVE, LcmState.BOOT_MIGRATE_FAILURE]);
  t.match(failed.error, /the checkpoint is damaged/);
  t.same(await share(w, w.hosts[1]), { cpu: 50, vms: `<ID>${vmId}</ID>` }, 'the VM stays placed on the new host');

  rmSync(path.join(w.control, 'RESTORE'));
  await w.daemon.admin.call('one.vm.recover', vmId, 2);
  await w.lifecycle.idle();

  const recovered = await view(w, vmId);
  t.same([recovered.state, recovered.lcm], RUNNING);
  t.same(recovered.history.at(-1), [w.hosts[1], 0]);
});

t.test('terminate after migration releases host', async (t) => {
  const w = await world(t);
  const vmId = await runningVm(w);
  await migrate(w, vmId, w.hosts[1], false);

  await w.daemon.admin.call('one.vm.action', 'terminate', vmId);
  await w.lifecycle.idle();

  t.equal((await view(w, vmId)).state, VmState.DONE);
  t.same(await share(w, w.hosts[0]), { cpu: 0, vms: '' });
  t.same(await share(w, w.hosts[1]), { cpu: 0, vms: '' });
});

t.test('invalid requests rejected with reason', async (t) => {
  const w = await world(t);
  const vmId = await runningVm(w);
  const pending = await w.daemon.admin.call<number>('one.vm.allocate', VM_TEMPLATE, false);
  const full = await w.daemon.admin.call<number>('one.host.allocate', 'full', 'dummy', 'dummy', -1);
  const disabled = await w.daemon.admin.call<number>('one.host.allocate', 'disabled', 'dummy', 'dummy', -1);
  await w.daemon.admin.call('one.host.status', disabled, 1);

  const rejection = async (...params: Array<number | boolean>) => (await apiError(w.daemon.admin.call('one.vm.migrate', ...params))).message;

  t.match(await rejection(vmId, w.hosts[0], false), /already runs on host \d+ \(localhost\); choose another host/);
  t.match(await rejection(pending, w.hosts[1], false), /it is PENDING, and a migration needs ACTIVE\/RUNNING/);
  t.match(await rejection(vmId, w.hosts[1], false, false, -1, 7), /migration type 7 is not valid; use 0 \(save\), 1 \(poweroff\) or 2 \(poweroff-hard\)/);
  t.match(await rejection(vmId, w.hosts[1], false, false, 5), /moving to system datastore 5 is not supported; .* pass -1/);
  t.match(await rejection(vmId, full, false, true), /host \d+ \(full\) has not reported its capacity yet .*; wait for its first monitoring; .*enforce = false/);
  await changeStored(w.daemon, 'hosts', full, (host) => {
    host.share.maxCpu = 800;
    host.share.maxMem = 64 * 1024;
  });
  t.match(await rejection(vmId, full, false, true), /host \d+ \(full\) has 64 MB of memory free and VM \d+ needs 128 MB; .*enforce = false/);
  t.match(await rejection(vmId, disabled, false), /host \d+ \(disabled\) is DISABLED; enable it or choose another host/);

  await w.daemon.admin.call('one.vm.action', 'poweroff', vmId);
  await w.lifecycle.idle();
  t.match(await rejection(vmId, w.hosts[1], true), /it is POWEROFF, and a live migration needs ACTIVE\/RUNNING; migrate it with live = false/);

  const vm = await view(w, vmId);
  t.same(vm.history, [[w.hosts[0], 0]], 'no refused request changed the placement');
});

t.test('live migration across drivers rejected', async (t) => {
  const w = await world(t);
  const vmId = await runningVm(w);
  const qemuHost = await w.daemon.admin.call<number>('one.host.allocate', 'qemu-node', 'qemu', 'qemu', -1);

  const error = await apiError(w.daemon.admin.call('one.vm.migrate', vmId, qemuHost, true));

  t.match(error.message, /host \d+ runs VMs with the "dummy" driver and host \d+ with "qemu"; move it powered off instead: live = false with migration type 1/);
});

t.test('migration needs VM ADMIN', async (t) => {
  const w = await world(t);
  await w.daemon.admin.call('one.user.allocate', 'alice', 'secret', '', []);
  const alice = w.daemon.client('alice:secret');
  const vmId = await alice.call<number>('one.vm.allocate', VM_TEMPLATE, false);
  await w.daemon.admin.call('one.vm.deploy', vmId, w.hosts[0]);
  await w.lifecycle.idle();

  const error = await apiError(alice.call('one.vm.migrate', vmId, w.hosts[1], false));

  t.match(error.message, /not authorized/i);
  t.same((await view(w, vmId)).history, [[w.hosts[0], 0]]);
});
