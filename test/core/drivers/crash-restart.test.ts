import t from 'tap';
import type { ExecutableDriver } from '../../../core/drivers/runtime/executable-driver.js';
import { rejectionOf, startedDriver } from './support/driver-harness.js';
import { fixtureDir, isAlive, temporaryFolder, waitFor, writeScriptPlugin } from './support/plugin-fixtures.js';

const vmRequest = { vmId: 42, host: 'node1', deployId: 'stratus-42' };
const deployRequest = { vmId: 42, host: 'node1', vmDir: '/srv/42', deploymentFile: '/srv/42/deployment.0.json' };

t.test('crash fails every request in flight', async (t) => {
  const { driver, log } = await startedDriver(t, fixtureDir('crashes-mid-request'));
  const first = driver.call('DEPLOY', deployRequest, { objectId: 42, timeoutMs: 10_000 });
  const second = driver.call('DEPLOY', { ...deployRequest, vmId: 43 }, { objectId: 43, timeoutMs: 10_000 });

  const errors = await Promise.all([rejectionOf(first), rejectionOf(second)]);

  for (const error of errors) {
    t.equal(error.code, 'CRASHED');
    t.match(error.message, /the driver crashed \(its process exited with code 1\) while the request was in flight, and the daemon is restarting it/);
    t.match(error.message, /libvirt: connection reset by peer/, 'the last stderr line is quoted');
  }
  t.match(errors[0]?.message, /DEPLOY for object 42/);
  t.match(errors[1]?.message, /DEPLOY for object 43/);
  t.equal(log.named('driver.crashed').length, 1);
});

t.test('crashed driver restarts and answers', async (t) => {
  const { driver, log } = await startedDriver(t, fixtureDir('crashes-mid-request'));
  const firstPid = (driver as ExecutableDriver).pid;
  await rejectionOf(driver.call('DEPLOY', deployRequest, { objectId: 42, timeoutMs: 10_000 }));

  const reply = await driver.call('POLL', vmRequest, { objectId: 42, timeoutMs: 10_000 });

  t.same(reply, { state: 'RUNNING' }, 'a call made during the restart waits for it');
  t.equal(log.named('driver.restarted').length, 1);
  t.not((driver as ExecutableDriver).pid, firstPid, 'a new process');
});

t.test('driver crashing too often becomes BROKEN', async (t) => {
  const { driver, log } = await startedDriver(t, fixtureDir('crashes-mid-request'), { maxRestartsPerMinute: 2 });

  for (let crash = 1; crash <= 3; crash += 1) {
    await waitFor(() => driver.state === 'ready' || driver.state === 'broken', 'the driver to be ready');
    const error = await rejectionOf(driver.call('DEPLOY', deployRequest, { objectId: 42, timeoutMs: 10_000 }));
    t.equal(error.code, 'CRASHED', `crash ${crash}`);
  }
  await waitFor(() => driver.state === 'broken', 'the driver to be given up on');

  const error = await rejectionOf(driver.call('POLL', vmRequest, { objectId: 42, timeoutMs: 10_000 }));
  t.equal(error.code, 'BROKEN');
  t.match(error.message, /crashed 2 times within a minute and is no longer restarted/);
  t.equal(log.named('driver.broken').length, 1);
});

t.test('stop sends FINALIZE and the driver exits', async (t) => {
  const { driver } = await startedDriver(t, fixtureDir('good-bash-vmm'));
  const pid = (driver as ExecutableDriver).pid ?? -1;

  const result = await driver.stop();

  t.equal(result.clean, true);
  t.equal(result.description, 'exited with code 0 after FINALIZE');
  t.notOk(isAlive(pid), 'the process is gone');
});

t.test('stop kills a driver that ignores FINALIZE', async (t) => {
  const folder = temporaryFolder(t);
  const script = '#!/usr/bin/env bash\ntrap "" TERM\nread -r line\necho "INIT SUCCESS 1"\nsleep 600 &\nwait\n';
  const dir = writeScriptPlugin(folder, 'stubborn', { name: 'stubborn', kind: 'vmm', actions: ['POLL'] }, script);
  const { driver } = await startedDriver(t, dir, { stopGraceMs: 300 });
  const pid = (driver as ExecutableDriver).pid ?? -1;
  const pending = driver.call('POLL', vmRequest, { objectId: 42, timeoutMs: 30_000 });

  const result = await driver.stop();

  t.equal(result.clean, false);
  t.match(result.description, /did not end within 0.3 s after FINALIZE and was killed/);
  const error = await rejectionOf(pending);
  t.equal(error.code, 'STOPPED', 'the request in flight fails');
  t.notOk(isAlive(pid), 'the process is gone');
});

t.test('timed-out request leaves the driver running', async (t) => {
  const { driver, log } = await startedDriver(t, fixtureDir('slow-reply'));

  const error = await rejectionOf(driver.call('POLL', vmRequest, { objectId: 42, timeoutMs: 300 }));

  t.equal(error.code, 'TIMEOUT');
  t.match(error.message, /POLL for object 42 failed \(TIMEOUT\): no reply within 0.3 s/);
  await waitFor(() => log.named('driver.unmatched_reply').length === 1, 'the late reply');
  t.equal(log.named('driver.unmatched_reply')[0]?.fields.requestId, 1, 'the late reply is logged and ignored');
  t.equal(driver.state, 'ready');
});
