import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { LifecycleManager } from '../../../core/lifecycle/lifecycle-manager.js';
import { Tokens } from '../../../core/tokens.js';
import { LcmState, VmState } from '../../../core/vm/states.js';
import { runInProcess } from '../../cli/harness.js';
import { startTestDaemon, temporaryHome, type TestDaemon } from '../../helpers/daemon.js';
import { dummyDriverEnvironment } from '../../helpers/dummy-environment.js';
import { migrationWorld, type MigrationWorld } from '../../helpers/migration-world.js';
import { apiError, changeStored } from '../../helpers/objects.js';

/** The scheduler places no VM of this template, so that only the test's own calls move it. */
const VM_TEMPLATE = 'NAME = "web"\nCPU = "0.5"\nMEMORY = "128"\nSCHED_REQUIREMENTS = "ID = -1"';

type World = MigrationWorld;

const world = migrationWorld;

async function runningVm(w: World): Promise<number> {
  const vmId = await w.daemon.admin.call<number>('one.vm.allocate', VM_TEMPLATE, false);
  await w.daemon.admin.call('one.vm.deploy', vmId, w.hosts[0]);
  await w.lifecycle.idle();
  return vmId;
}

function script(w: World, action: string, text: string): void {
  writeFileSync(path.join(w.control, action), `${text}\n`);
}

async function position(daemon: TestDaemon, vmId: number): Promise<{ state: number; lcm: number; hostId: number }> {
  const xml = await daemon.admin.call<string>('one.vm.info', vmId);
  const number = (name: string) => Number(new RegExp(`<${name}>(\\d+)</${name}>`).exec(xml)?.[1]);
  const hostIds = [...xml.matchAll(/<HID>(\d+)<\/HID>/g)].map(([, id]) => Number(id));
  return { state: number('STATE'), lcm: number('LCM_STATE'), hostId: hostIds.at(-1) ?? -1 };
}

/** Returns the VM log lines after the last line that contains `marker`. */
async function logAfter(daemon: TestDaemon, vmId: number, marker: string): Promise<string> {
  const log = await daemon.admin.call<string>('stratus.vm.log', vmId);
  const lines = log.split('\n');
  const start = lines.findLastIndex((line) => line.includes(marker));
  return lines.slice(start + 1).join('\n');
}

t.test('delete during save cleans old host', async (t) => {
  const w = await world(t);
  const vmId = await runningVm(w);
  script(w, 'SAVE', 'hang');

  await w.daemon.admin.call('one.vm.migrate', vmId, w.hosts[1], false);
  t.same((await position(w.daemon, vmId)).lcm, LcmState.SAVE_MIGRATE);
  await w.daemon.admin.call('one.vm.recover', vmId, 3);
  await w.lifecycle.idle();

  const cleanup = await logAfter(w.daemon, vmId, 'recover: delete');
  t.match(cleanup, /CANCEL succeeded on localhost/, 'the guest still runs on localhost, the host it was leaving');
  t.notMatch(cleanup, /CANCEL succeeded on 127\.0\.0\.1/, 'the guest never reached 127.0.0.1');
});

t.test('leaving VM counts on both hosts', async (t) => {
  const w = await world(t);
  const vmId = await runningVm(w);
  script(w, 'SAVE', 'hang');

  await w.daemon.admin.call('one.vm.migrate', vmId, w.hosts[1], false);

  for (const hostId of w.hosts) {
    const host = await w.daemon.admin.call<string>('one.host.info', hostId);
    t.match(host, new RegExp(`<CPU_USAGE>50</CPU_USAGE>`), `host ${hostId} counts the VM's CPU`);
    t.match(host, new RegExp(`<VMS><ID>${vmId}</ID></VMS>`), `host ${hostId} lists the VM`);
  }
  const deletion = await apiError(w.daemon.admin.call('one.host.delete', w.hosts[0]));
  t.match(deletion.message, `Host ${w.hosts[0]} still runs VM ${vmId}; terminate or migrate it first`, 'the host the guest is leaving cannot be deleted');
});

t.test('interrupted power-off migration retries DEPLOY', async (t) => {
  const { home, control } = dummyDriverEnvironment(t);
  const first = await startTestDaemon(t, { home });
  const firstLifecycle: LifecycleManager = first.daemon.container.resolve(Tokens.Lifecycle);
  const source = await first.admin.call<number>('one.host.allocate', 'localhost', 'dummy', 'dummy', -1);
  const target = await first.admin.call<number>('one.host.allocate', '127.0.0.1', 'dummy', 'dummy', -1);
  const vmId = await first.admin.call<number>('one.vm.allocate', VM_TEMPLATE, false);
  await first.admin.call('one.vm.deploy', vmId, source);
  await firstLifecycle.idle();
  await first.admin.call('one.vm.migrate', vmId, target, false, false, -1, 1);
  await firstLifecycle.idle();

  // Writes the record that a SIGKILL during the DEPLOY on the target host leaves behind.
  await changeStored(first, 'vms', vmId, (vm) => {
    vm.prevState = vm.state;
    vm.prevLcmState = LcmState.PROLOG_MIGRATE;
    vm.lcmState = LcmState.BOOT_MIGRATE;
    vm.operation = { name: 'migrate-poweroff', step: 2, startedAt: 0, from: { state: VmState.ACTIVE, lcmState: LcmState.RUNNING } };
  });
  await first.daemon.stop();

  const second = await startTestDaemon(t, { home });
  const secondLifecycle: LifecycleManager = second.daemon.container.resolve(Tokens.Lifecycle);
  t.same((await position(second, vmId)).lcm, LcmState.BOOT_MIGRATE_FAILURE, 'the restart leaves BOOT_MIGRATE_FAILURE');

  writeFileSync(path.join(control, 'RESTORE'), 'fail no checkpoint: the guest was powered off, not saved\n');
  await second.admin.call('one.vm.recover', vmId, 2);
  await secondLifecycle.idle();

  const retry = await logAfter(second, vmId, 'recover: ');
  t.match(retry, /DEPLOY succeeded on 127\.0\.0\.1/, 'the retry boots the guest with DEPLOY');
  t.same((await position(second, vmId)).lcm, LcmState.RUNNING);
  rmSync(path.join(control, 'RESTORE'));
});

t.test('migrate --wait reports failed save', async (t) => {
  const w = await world(t);
  const vmId = await runningVm(w);
  script(w, 'SAVE', 'fail no space left for the checkpoint');

  const folder = temporaryHome(t, 'stratus-cli-test-');
  const authFile = path.join(folder, 'one_auth');
  writeFileSync(authFile, `${w.daemon.adminSession}\n`);
  const run = await runInProcess({ ONE_AUTH: authFile, ONE_XMLRPC: w.daemon.url }, folder, ['vm', 'migrate', String(vmId), '127.0.0.1', '--wait', '--timeout', '20']);

  const vm = await position(w.daemon, vmId);
  t.equal(vm.hostId, w.hosts[0], 'the VM stays on localhost');
  t.equal(run.code, 1, `exit status 1 for a failed migration (stdout: ${run.stdout}, stderr: ${run.stderr})`);
  t.match(run.stderr, /no space left for the checkpoint/);
});

t.test('unknown host id named', async (t) => {
  const w = await world(t);
  const vmId = await runningVm(w);

  const error = await apiError(w.daemon.admin.call('one.vm.migrate', vmId, 99, false));

  t.match(error.message, /host \[99\]/);
});
