import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { parseScript } from '../../../plugins/vmm/dummy/control-folder.js';
import { rejectionOf } from '../../core/drivers/support/driver-harness.js';
import { deployRequest, startDummy, vmRequest } from './dummy-harness.js';

const quick = { timeouts: { vmm: { DEPLOY: 1, POLL: 1 } }, retries: { attempts: 1, backoffMs: 0 }, maxBackoffMs: 0 };

t.test('control file parsing', async (t) => {
  t.same(parseScript('fail disk full on node1\n', 'DEPLOY'), { kind: 'fail', message: 'disk full on node1' });
  t.same(parseScript('fail\n', 'DEPLOY'), { kind: 'fail', message: 'failure scripted by DEPLOY' });
  t.same(parseScript('# comment\n\n  hang  \n', 'DEPLOY'), { kind: 'hang' }, 'comments and blanks skipped');
  t.same(parseScript('delay 250', 'POLL'), { kind: 'delay', ms: 250 });
  t.same(parseScript('crash', 'POLL'), { kind: 'crash' });
  t.throws(() => parseScript('delay soon', '/c/POLL'), /\/c\/POLL: "delay" needs a whole number of milliseconds/);
  t.throws(() => parseScript('explode', '/c/POLL'), /\/c\/POLL: unknown directive "explode"; write "fail MESSAGE", "hang", "delay MILLISECONDS" or "crash"/);
  t.throws(() => parseScript('', '/c/POLL'), /unknown directive ""/);
});

t.test('fail makes the action fail', async (t) => {
  const { manager, control } = await startDummy(t, quick);
  writeFileSync(path.join(control, 'DEPLOY'), 'fail no space left on node1\n');

  const error = await rejectionOf(manager.call('vmm', 'dummy', 'DEPLOY', deployRequest(5), { objectId: 5 }));

  t.equal(error.code, 'FAILURE');
  t.equal(error.detail, 'no space left on node1');
});

t.test('per-VM file wins over the action file', async (t) => {
  const { manager, control } = await startDummy(t, quick);
  writeFileSync(path.join(control, 'DEPLOY'), 'fail every VM fails\n');
  writeFileSync(path.join(control, 'DEPLOY.6'), 'delay 10\n');

  const six = await manager.call('vmm', 'dummy', 'DEPLOY', deployRequest(6), { objectId: 6 });
  const seven = await rejectionOf(manager.call('vmm', 'dummy', 'DEPLOY', deployRequest(7), { objectId: 7 }));

  t.same(six, { deployId: 'dummy-6' }, 'DEPLOY.6 scripts only a delay');
  t.equal(seven.detail, 'every VM fails', 'VM 7 gets the action file');
});

t.test('hang times out', async (t) => {
  const { manager, control } = await startDummy(t, quick);
  writeFileSync(path.join(control, 'DEPLOY.8'), 'hang\n');
  const started = Date.now();

  const error = await rejectionOf(manager.call('vmm', 'dummy', 'DEPLOY', deployRequest(8), { objectId: 8 }));

  t.equal(error.code, 'TIMEOUT');
  t.equal(error.detail, 'no reply within 1 s');
  t.ok(Date.now() - started >= 1000, 'the deadline of 1 s passed');
  t.same(await manager.call('vmm', 'dummy', 'DEPLOY', deployRequest(9), { objectId: 9 }), { deployId: 'dummy-9' }, 'other VMs still deploy');
});

t.test('delay postpones success', async (t) => {
  const { manager, control } = await startDummy(t, quick);
  writeFileSync(path.join(control, 'POLL'), 'delay 300\n');
  const started = Date.now();

  const reply = await manager.call('vmm', 'dummy', 'POLL', vmRequest(4), { objectId: 4 });

  t.same(reply, { state: 'RUNNING' });
  t.ok(Date.now() - started >= 290, `took ${Date.now() - started} ms`);
});

t.test('crash is a failure naming the file', async (t) => {
  const { manager, control } = await startDummy(t, quick);
  writeFileSync(path.join(control, 'MONITOR_HOST.node2'), 'crash\n');

  const error = await rejectionOf(manager.call('vmm', 'dummy', 'MONITOR_HOST', { host: 'node2' }, { objectId: -1 }));
  const other = await manager.call('vmm', 'dummy', 'MONITOR_HOST', { host: 'node1' }, { objectId: -1 });

  t.equal(error.code, 'FAILURE');
  t.equal(error.detail, `the dummy driver crashed during MONITOR_HOST, as ${path.join(control, 'MONITOR_HOST.node2')} scripts`);
  t.equal(other.totalCpu, 800, 'the file names one host only');
});

t.test('host name never leaves the folder', async (t) => {
  const { manager, control } = await startDummy(t, quick);
  writeFileSync(path.join(control, 'MONITOR_HOST'), 'fail every host\n');

  const error = await rejectionOf(manager.call('vmm', 'dummy', 'MONITOR_HOST', { host: '../../../etc/hostname' }, { objectId: -1 }));

  t.equal(error.detail, 'every host', 'only the action file applies');
});

t.test('bad control file fails the call', async (t) => {
  const { manager, control } = await startDummy(t, quick);
  writeFileSync(path.join(control, 'DEPLOY'), 'explode\n');

  const error = await rejectionOf(manager.call('vmm', 'dummy', 'DEPLOY', deployRequest(5), { objectId: 5 }));

  t.equal(error.code, 'FAILURE');
  t.match(error.detail, /DEPLOY: unknown directive "explode"/);
});

t.test('removed file restores success', async (t) => {
  const { manager, control } = await startDummy(t, quick);
  const file = path.join(control, 'DEPLOY');
  writeFileSync(file, 'fail scripted\n');
  await rejectionOf(manager.call('vmm', 'dummy', 'DEPLOY', deployRequest(5), { objectId: 5 }));

  rmSync(file);

  t.same(await manager.call('vmm', 'dummy', 'DEPLOY', deployRequest(5), { objectId: 5 }), { deployId: 'dummy-5' });
});

t.test('stop ends a hanging call', async (t) => {
  const { registry, manager, control } = await startDummy(t, { ...quick, timeouts: { vmm: { DEPLOY: 30 } } });
  writeFileSync(path.join(control, 'DEPLOY'), 'hang\n');

  const pending = rejectionOf(manager.call('vmm', 'dummy', 'DEPLOY', deployRequest(5), { objectId: 5 }));
  await new Promise((resolve) => setTimeout(resolve, 100));
  await registry.stop();
  const error = await pending;

  t.equal(error.code, 'STOPPED');
});

t.test('stop ends a delayed call', async (t) => {
  const { registry, manager, control } = await startDummy(t, quick);
  writeFileSync(path.join(control, 'POLL'), 'delay 60000\n');

  const pending = rejectionOf(manager.call('vmm', 'dummy', 'POLL', vmRequest(5), { objectId: 5 }));
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started = Date.now();
  await registry.stop();
  const error = await pending;

  t.equal(error.code, 'STOPPED');
  t.ok(Date.now() - started < 5000, 'the stop does not wait for the delay');
});
