import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import { ErrorCode } from '../../../core/errors/api-error.js';
import { LifecycleManager } from '../../../core/lifecycle/lifecycle-manager.js';
import type { Store } from '../../../core/pools/store.js';
import { Tokens } from '../../../core/tokens.js';
import { LcmState, VmState } from '../../../core/vm/states.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { dummyDriverEnvironment } from '../../helpers/dummy-environment.js';

const ADMIN = { uid: 0, gid: 0, groupIds: [0], uname: 'oneadmin', gname: 'oneadmin' };

/** one.vm.recover operation numbers. */
const Op = { failure: 0, success: 1, retry: 2, delete: 3, recreate: 4, deleteDb: 5 } as const;

const SMALL_VM = 'CPU = "0.5"\nMEMORY = "128"';
/** An empty disk in a format the transfer driver does not create, so the prolog fails. */
const BAD_FORMAT_DISK = `${SMALL_VM}\nDISK = [ SIZE = "1", FORMAT = "vmdk" ]`;
/** A persistent disk whose image file lies outside the datastore roots, so the epilog's MVDS fails. */
const UNSAVABLE_DISK = `${SMALL_VM}\nDISK = [ SIZE = "1", FORMAT = "raw", PERSISTENT = "YES", SOURCE = "/nonexistent/stratus-recover-test.img" ]`;

interface World {
  daemon: TestDaemon;
  lifecycle: LifecycleManager;
  store: Store;
  control: string;
  home: string;
  hostId: number;
}

async function world(t: Test): Promise<World> {
  // The dummy driver fixes its control folder when it loads, so the variables are set first.
  const { home, control } = dummyDriverEnvironment(t);
  const daemon = await startTestDaemon(t, { home });

  const lifecycle: LifecycleManager = daemon.daemon.container.resolve(Tokens.Lifecycle);
  const store: Store = daemon.daemon.container.resolve(Tokens.Store);
  const hostId = await daemon.admin.call<number>('one.host.allocate', 'localhost', 'dummy', 'dummy', -1);
  return { daemon, lifecycle, store, control, home, hostId };
}

interface Position {
  state: number;
  lcm: number;
  error: string | undefined;
}

async function position(w: World, vmId: number): Promise<Position> {
  const xml = await w.daemon.admin.call<string>('one.vm.info', vmId);
  const number = (name: string) => Number(new RegExp(`<${name}>(\\d+)</${name}>`).exec(xml)?.[1]);
  return { state: number('STATE'), lcm: number('LCM_STATE'), error: /<ERROR>([^<]*)<\/ERROR>/.exec(xml)?.[1] };
}

async function stateOf(w: World, vmId: number): Promise<[number, number]> {
  const now = await position(w, vmId);
  return [now.state, now.lcm];
}

async function hostUsage(w: World): Promise<{ cpu: number; mem: number; vms: string }> {
  const xml = await w.daemon.admin.call<string>('one.host.info', w.hostId);
  return {
    cpu: Number(/<CPU_USAGE>(\d+)</.exec(xml)?.[1]),
    mem: Number(/<MEM_USAGE>(\d+)</.exec(xml)?.[1]),
    vms: /<VMS>(.*?)<\/VMS>|<VMS\/>/.exec(xml)?.[1] ?? '',
  };
}

const FREE_HOST = { cpu: 0, mem: 0, vms: '' };

function scriptDriver(w: World, action: string, directive: string): void {
  writeFileSync(path.join(w.control, action), `${directive}\n`);
}

function unscriptDriver(w: World, action: string): void {
  rmSync(path.join(w.control, action), { force: true });
}

async function vmLog(w: World, vmId: number): Promise<string> {
  return w.daemon.admin.call<string>('stratus.vm.log', vmId);
}

/** Creates a VM from `template` in HOLD, so that the scheduler leaves it, and deploys it on the host, waiting for the flow to end. */
async function deployedVm(w: World, template = SMALL_VM): Promise<number> {
  const vmId = await w.daemon.admin.call<number>('one.vm.allocate', template, true);
  await w.lifecycle.deploy(ADMIN, vmId, w.hostId);
  await w.lifecycle.idle();
  return vmId;
}

async function bootFailureVm(w: World): Promise<number> {
  scriptDriver(w, 'DEPLOY', 'fail the hypervisor is out of memory');
  const vmId = await deployedVm(w);
  unscriptDriver(w, 'DEPLOY');
  return vmId;
}

async function epilogFailureVm(w: World): Promise<number> {
  const vmId = await deployedVm(w, UNSAVABLE_DISK);
  await w.lifecycle.action(ADMIN, 'terminate', vmId);
  await w.lifecycle.idle();
  return vmId;
}

/** Sends one.vm.recover over XML-RPC as oneadmin and waits for any flow it starts. */
async function recover(w: World, vmId: number, operation: number): Promise<void> {
  await w.daemon.admin.call<number>('one.vm.recover', vmId, operation);
  await w.lifecycle.idle();
}

async function recoverError(w: World, vmId: number, operation: number): Promise<Error & { code?: number }> {
  return w.daemon.admin.call('one.vm.recover', vmId, operation).then(
    () => new Error('one.vm.recover succeeded'),
    (error: unknown) => error as Error & { code?: number },
  );
}

/** Polls until the VM is in `lcm`, because a hanging driver call gives no event to wait for. */
async function waitForLcm(w: World, vmId: number, lcm: LcmState): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if ((await position(w, vmId)).lcm === lcm) return;
    await sleep(25);
  }
  throw new Error(`VM ${vmId} never reached ${LcmState[lcm]}`);
}

t.test('boot failure: success gives RUNNING', async (t) => {
  const w = await world(t);
  const vmId = await bootFailureVm(w);
  t.same(await stateOf(w, vmId), [VmState.ACTIVE, LcmState.BOOT_FAILURE], 'the deploy failed at boot');

  await recover(w, vmId, Op.success);

  t.same(await stateOf(w, vmId), [VmState.ACTIVE, LcmState.RUNNING]);
  t.same(await hostUsage(w), { cpu: 50, mem: 128 * 1024, vms: `<ID>${vmId}</ID>` }, 'the VM keeps its host share');
});

t.test('boot failure: retry deploys again', async (t) => {
  const w = await world(t);
  const vmId = await bootFailureVm(w);

  await recover(w, vmId, Op.retry);

  t.same(await position(w, vmId), { state: VmState.ACTIVE, lcm: LcmState.RUNNING, error: undefined }, 'RUNNING, ERROR removed');
  t.match(await vmLog(w, vmId), /recover: deploy runs again from prolog/, 'the prolog the failed flow undid runs again');
});

t.test('boot failure: retry that fails again', async (t) => {
  const w = await world(t);
  const vmId = await bootFailureVm(w);
  scriptDriver(w, 'DEPLOY', 'fail still no memory');

  await recover(w, vmId, Op.retry);

  const now = await position(w, vmId);
  t.same([now.state, now.lcm], [VmState.ACTIVE, LcmState.BOOT_FAILURE]);
  t.match(now.error, /deploy failed at boot: .*still no memory/);
});

t.test('boot failure: failure is refused', async (t) => {
  const w = await world(t);
  const vmId = await bootFailureVm(w);

  const error = await recoverError(w, vmId, Op.failure);

  t.equal(error.code, ErrorCode.ACTION);
  t.match(error.message, /Cannot recover VM \d+ in state ACTIVE\/BOOT_FAILURE: it has no operation in progress/);
});

t.test('boot failure: delete cleans up and ends DONE', async (t) => {
  const w = await world(t);
  const vmId = await bootFailureVm(w);

  await recover(w, vmId, Op.delete);

  t.equal((await position(w, vmId)).state, VmState.DONE);
  t.same(await hostUsage(w), FREE_HOST, 'the host share is given back');
  const log = await vmLog(w, vmId);
  t.notMatch(log, /CANCEL/, 'a deploy that returned no deploy id leaves no guest to cancel');
  t.match(log, /delete: cleanup done/);
  t.match(log, /delete finished: DONE/);
  t.notOk(existsSync(path.join(w.home, 'datastores', '0', String(vmId))), 'the VM folder is gone');
});

t.test('stuck shutdown: delete cancels the guest', async (t) => {
  const w = await world(t);
  const vmId = await deployedVm(w);
  scriptDriver(w, 'SHUTDOWN', 'hang');
  await w.lifecycle.action(ADMIN, 'terminate', vmId);
  await waitForLcm(w, vmId, LcmState.SHUTDOWN);

  await recover(w, vmId, Op.delete);

  t.equal((await position(w, vmId)).state, VmState.DONE);
  t.same(await hostUsage(w), FREE_HOST);
  t.match(await vmLog(w, vmId), /recover: delete: cleaning up, cancelling the guest first[\s\S]*CANCEL succeeded on localhost/);
});

t.test('boot failure: delete-recreate gives PENDING', async (t) => {
  const w = await world(t);
  const vmId = await bootFailureVm(w);

  await recover(w, vmId, Op.recreate);

  t.same(await position(w, vmId), { state: VmState.PENDING, lcm: LcmState.LCM_INIT, error: undefined });
  t.same(await hostUsage(w), FREE_HOST, 'the host share is given back');
  const vm = await w.store.vms.require(w.store.db, vmId);
  t.equal(vm.history.length, 1, 'the placement stays in the history');
  t.ok(vm.history[0].etime > 0, 'the placement is closed');
  t.equal(vm.deployId, '');

  await w.lifecycle.deploy(ADMIN, vmId, w.hostId);
  await w.lifecycle.idle();
  t.same(await stateOf(w, vmId), [VmState.ACTIVE, LcmState.RUNNING], 'the VM deploys again');
  t.equal((await w.store.vms.require(w.store.db, vmId)).history.length, 2, 'the new placement has its own record');
});

t.test('boot failure: delete-db calls no driver', async (t) => {
  const w = await world(t);
  const vmId = await bootFailureVm(w);
  const logBefore = await vmLog(w, vmId);

  await recover(w, vmId, Op.deleteDb);

  t.equal((await position(w, vmId)).state, VmState.DONE);
  t.same(await hostUsage(w), FREE_HOST);
  const added = (await vmLog(w, vmId)).slice(logBefore.length);
  t.match(added, /delete-db: marked DONE without a driver call/);
  t.notMatch(added, /CANCEL|DELETE|dummy driver/, 'no driver call is logged');
});

t.test('prolog failure: success boots the VM', async (t) => {
  const w = await world(t);
  const vmId = await deployedVm(w, BAD_FORMAT_DISK);
  const failed = await position(w, vmId);
  t.same([failed.state, failed.lcm], [VmState.ACTIVE, LcmState.PROLOG_FAILURE], 'the transfer driver rejects the format');
  t.match(failed.error, /deploy failed at prolog: .*vmdk/);

  await recover(w, vmId, Op.success);

  t.same(await stateOf(w, vmId), [VmState.ACTIVE, LcmState.RUNNING]);
  t.match(await vmLog(w, vmId), /deploy: boot started/, 'the boot step runs');
});

t.test('prolog failure: retry runs the prolog again', async (t) => {
  const w = await world(t);
  const vmId = await deployedVm(w, BAD_FORMAT_DISK);

  await recover(w, vmId, Op.retry);
  t.same(await stateOf(w, vmId), [VmState.ACTIVE, LcmState.PROLOG_FAILURE], 'the same disk fails again');

  await w.store.db.transaction(async (tx) => {
    const vm = await w.store.vms.require(tx, vmId);
    vm.template.getVectors('DISK')[0].set('FORMAT', 'raw');
    await w.store.vms.update(tx, vm);
  });
  await recover(w, vmId, Op.retry);

  t.same(await stateOf(w, vmId), [VmState.ACTIVE, LcmState.RUNNING], 'a fixed disk lets the retry finish');
  t.ok(existsSync(path.join(w.home, 'datastores', '0', String(vmId), 'disk.0')), 'the prolog created the disk');
});

t.test('prolog failure: delete ends DONE', async (t) => {
  const w = await world(t);
  const vmId = await deployedVm(w, BAD_FORMAT_DISK);

  await recover(w, vmId, Op.delete);

  t.equal((await position(w, vmId)).state, VmState.DONE);
  t.same(await hostUsage(w), FREE_HOST);
  t.notMatch(await vmLog(w, vmId), /CANCEL/, 'a VM that never booted is not cancelled');
});

t.test('epilog failure: success ends DONE', async (t) => {
  const w = await world(t);
  const vmId = await epilogFailureVm(w);
  const failed = await position(w, vmId);
  t.same([failed.state, failed.lcm], [VmState.ACTIVE, LcmState.EPILOG_FAILURE], 'MVDS fails');

  await recover(w, vmId, Op.success);

  t.equal((await position(w, vmId)).state, VmState.DONE);
  t.same(await hostUsage(w), FREE_HOST, 'DONE gives the host share back');
});

t.test('epilog failure: retry runs the epilog again', async (t) => {
  const w = await world(t);
  const vmId = await epilogFailureVm(w);

  await recover(w, vmId, Op.retry);

  const now = await position(w, vmId);
  t.same([now.state, now.lcm], [VmState.ACTIVE, LcmState.EPILOG_FAILURE]);
  t.match(now.error, /terminate failed at epilog/);
  t.match(await vmLog(w, vmId), /recover: terminate runs again from epilog/, 'the shutdown is not repeated');
});

t.test('epilog failure: delete logs the driver failure', async (t) => {
  const w = await world(t);
  const vmId = await epilogFailureVm(w);

  await recover(w, vmId, Op.delete);

  t.equal((await position(w, vmId)).state, VmState.DONE, 'DONE although the cleanup failed');
  t.same(await hostUsage(w), FREE_HOST);
  t.match(await vmLog(w, vmId), /cleanup: epilog failed, the cleanup goes on/);
});

t.test('epilog failure: delete-db ends DONE', async (t) => {
  const w = await world(t);
  const vmId = await epilogFailureVm(w);

  await recover(w, vmId, Op.deleteDb);

  t.equal((await position(w, vmId)).state, VmState.DONE);
  t.same(await hostUsage(w), FREE_HOST);
});

t.test('running VM: every operation is refused', async (t) => {
  const w = await world(t);
  const vmId = await deployedVm(w);

  for (const [name, operation] of Object.entries(Op)) {
    const error = await recoverError(w, vmId, operation);
    t.equal(error.code, ErrorCode.ACTION, `${name} is an ACTION error`);
    t.match(error.message, /Cannot recover VM \d+ in state ACTIVE\/RUNNING: recover works on a VM in a \*_FAILURE state/, name);
  }
  t.same(await stateOf(w, vmId), [VmState.ACTIVE, LcmState.RUNNING], 'the VM is untouched');
});

t.test('unknown operation number is refused', async (t) => {
  const w = await world(t);
  const vmId = await bootFailureVm(w);

  const error = await recoverError(w, vmId, 6);

  t.equal(error.code, ErrorCode.ACTION);
  t.match(error.message, /Recover operation 6 is not valid/);
});

t.test('owner without ADMIN is refused', async (t) => {
  const w = await world(t);
  await w.daemon.admin.call('one.user.allocate', 'alice', 'pw', '', []);
  const alice = w.daemon.client('alice:pw');
  const vmId = await alice.call<number>('one.vm.allocate', SMALL_VM, false);

  const error = await alice.call('one.vm.recover', vmId, Op.delete).catch((e: unknown) => e as { code: number });

  t.equal((error as { code: number }).code, ErrorCode.AUTHORIZATION);
});

t.test('stuck boot: failure gives BOOT_FAILURE', async (t) => {
  const w = await world(t);
  scriptDriver(w, 'DEPLOY', 'hang');
  const vmId = await w.daemon.admin.call<number>('one.vm.allocate', SMALL_VM, true);
  await w.lifecycle.deploy(ADMIN, vmId, w.hostId);
  await waitForLcm(w, vmId, LcmState.BOOT);

  await recover(w, vmId, Op.failure);

  const now = await position(w, vmId);
  t.same([now.state, now.lcm], [VmState.ACTIVE, LcmState.BOOT_FAILURE], 'idle() returns: the hanging flow is detached');
  t.match(now.error, /deploy at boot was marked failed by one.vm.recover/);

  unscriptDriver(w, 'DEPLOY');
  await recover(w, vmId, Op.retry);
  t.same(await stateOf(w, vmId), [VmState.ACTIVE, LcmState.RUNNING], 'a retry after the failure deploys');
  t.match(await vmLog(w, vmId), /recover: deploy runs again from boot/, 'nothing was undone, so the prolog does not run again');
});

t.test('stuck boot: success gives RUNNING', async (t) => {
  const w = await world(t);
  scriptDriver(w, 'DEPLOY', 'hang');
  const vmId = await w.daemon.admin.call<number>('one.vm.allocate', SMALL_VM, true);
  await w.lifecycle.deploy(ADMIN, vmId, w.hostId);
  await waitForLcm(w, vmId, LcmState.BOOT);

  await recover(w, vmId, Op.success);

  t.same(await stateOf(w, vmId), [VmState.ACTIVE, LcmState.RUNNING]);
  const retryError = await recoverError(w, vmId, Op.retry);
  t.match(retryError.message, /in state ACTIVE\/RUNNING/, 'the VM is no longer recoverable');
});

t.test('stuck boot: retry is refused', async (t) => {
  const w = await world(t);
  scriptDriver(w, 'DEPLOY', 'hang');
  const vmId = await w.daemon.admin.call<number>('one.vm.allocate', SMALL_VM, true);
  await w.lifecycle.deploy(ADMIN, vmId, w.hostId);
  await waitForLcm(w, vmId, LcmState.BOOT);

  const error = await recoverError(w, vmId, Op.retry);
  await recover(w, vmId, Op.deleteDb);

  t.equal(error.code, ErrorCode.ACTION);
  t.match(error.message, /"deploy" is still in progress; use --failure first/);
  t.equal((await position(w, vmId)).state, VmState.DONE, 'delete-db settles the stuck VM');
});

t.test('failure after a restart: retry', async (t) => {
  const w = await world(t);
  const vmId = await bootFailureVm(w);
  // A restart settles an interrupted flow without recording it; the step's LCM state is what remains.
  await w.store.db.transaction(async (tx) => {
    const vm = await w.store.vms.require(tx, vmId);
    vm.failedOperation = null;
    await w.store.vms.update(tx, vm);
  });

  await recover(w, vmId, Op.retry);

  t.same(await stateOf(w, vmId), [VmState.ACTIVE, LcmState.RUNNING]);
  t.match(await vmLog(w, vmId), /recover: deploy runs again from boot/, 'the boot step is found by its LCM state');
});
