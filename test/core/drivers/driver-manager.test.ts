import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { DriverError } from '../../../core/drivers/runtime/driver-error.js';
import { rejectionOf } from './support/driver-harness.js';
import { FIXTURES, copyFixtures, temporaryFolder } from './support/plugin-fixtures.js';
import { startRegistry } from './support/registry-harness.js';

const vmRequest = { vmId: 42, host: 'node1', deployId: 'stratus-42' };
const deployRequest = { vmId: 42, host: 'node1', vmDir: '/srv/42', deploymentFile: '/srv/42/deployment.0.json' };
const shutdownRequest = { ...vmRequest, timeoutSeconds: 60 };
const retries = { attempts: 3, backoffMs: 100 };

t.test('unknown driver is NOT_INSTALLED', async (t) => {
  const { manager, sink } = await startRegistry(t, [copyFixtures(temporaryFolder(t), ['good-bash-vmm'])]);

  const error = await rejectionOf(manager.call('vmm', 'kvm', 'DEPLOY', deployRequest, { objectId: 42 }));

  t.ok(error instanceof DriverError);
  t.equal(error.code, 'NOT_INSTALLED');
  t.match(error.message, /vmm driver "kvm" DEPLOY for object 42 failed \(NOT_INSTALLED\): no vmm plugin named "kvm" is installed/);
  t.equal(sink.lines[0]?.objectId, 42, 'the failure reaches the object log');
  t.equal(sink.lines[0]?.severity, 'E');
});

t.test('rejected plugin is BROKEN, not missing', async (t) => {
  const { manager } = await startRegistry(t, [copyFixtures(temporaryFolder(t), ['crashes-on-init'])]);

  const error = await rejectionOf(manager.call('vmm', 'crashes-on-init', 'DEPLOY', deployRequest, { objectId: 42 }));

  t.equal(error.code, 'BROKEN');
  t.match(error.message, /was rejected: INIT_FAILED: the driver process exited with code 3/);
  t.match(error.message, /stratus plugin verify/, 'the message says what to do');
});

t.test('action the plugin does not claim', async (t) => {
  const { manager } = await startRegistry(t, [copyFixtures(temporaryFolder(t), ['good-bash-vmm'])]);

  const error = await rejectionOf(manager.call('vmm', 'good-bash', 'SAVE', { ...vmRequest, checkpointFile: '/srv/42/checkpoint' }, { objectId: 42 }));

  t.equal(error.code, 'UNSUPPORTED_ACTION');
  t.match(error.message, /does not implement SAVE \(it implements DEPLOY, SHUTDOWN, CANCEL, POLL, MONITOR_HOST\)/);
});

t.test('request that breaks the protocol', async (t) => {
  const { manager } = await startRegistry(t, [copyFixtures(temporaryFolder(t), ['good-bash-vmm'])]);
  const request = { vmId: '42', host: 'node1', deployId: 'x' } as unknown as typeof vmRequest;

  const error = await rejectionOf(manager.call('vmm', 'good-bash', 'POLL', request, { objectId: 42 }));

  t.equal(error.code, 'INVALID_REQUEST');
  t.match(error.message, /field "vmId" must be integer/);
});

t.test('timeout from configuration', async (t) => {
  const calls = { timeouts: { vmm: { SHUTDOWN: 0.3 } }, retries, maxBackoffMs: 30_000 };
  const { manager, sleeps } = await startRegistry(t, [copyFixtures(temporaryFolder(t), ['slow-reply'])], { calls });

  const error = await rejectionOf(manager.call('vmm', 'slow-reply', 'SHUTDOWN', shutdownRequest, { objectId: 42 }));

  t.equal(error.code, 'TIMEOUT');
  t.match(error.message, /no reply within 0.3 s/);
  t.same(sleeps, [], 'SHUTDOWN is not declared safe to retry, so it is tried once');
});

t.test('timeout from plugin.json wins', async (t) => {
  const folder = copyFixtures(temporaryFolder(t), ['slow-reply']);
  const manifestFile = path.join(folder, 'slow-reply', 'plugin.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestFile, JSON.stringify({ ...manifest, timeouts: { SHUTDOWN: 0.2 } }));
  const calls = { timeouts: { vmm: { SHUTDOWN: 30 } }, retries, maxBackoffMs: 30_000 };
  const { manager } = await startRegistry(t, [folder], { calls });

  const error = await rejectionOf(manager.call('vmm', 'slow-reply', 'SHUTDOWN', shutdownRequest, { objectId: 42 }));

  t.equal(error.code, 'TIMEOUT');
  t.match(error.message, /no reply within 0.2 s/);
});

t.test('declared action retried with backoff', async (t) => {
  const calls = { timeouts: { vmm: { POLL: 0.2 } }, retries, maxBackoffMs: 30_000 };
  const { manager, sleeps, log } = await startRegistry(t, [copyFixtures(temporaryFolder(t), ['slow-reply'])], { calls });

  const error = await rejectionOf(manager.call('vmm', 'slow-reply', 'POLL', vmRequest, { objectId: 42 }));

  t.equal(error.code, 'TIMEOUT');
  t.same(sleeps, [100, 200], 'three tries, the delay doubling');
  t.same(
    log.named('driver.retry').map((event) => event.fields.attempt),
    [1, 2],
  );
});

t.test('retries from plugin.json win', async (t) => {
  const folder = copyFixtures(temporaryFolder(t), ['slow-reply']);
  const manifestFile = path.join(folder, 'slow-reply', 'plugin.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestFile, JSON.stringify({ ...manifest, retries: { attempts: 2, backoffMs: 40 } }));
  const calls = { timeouts: { vmm: { POLL: 0.2 } }, retries, maxBackoffMs: 30_000 };
  const { manager, sleeps } = await startRegistry(t, [folder], { calls });

  await rejectionOf(manager.call('vmm', 'slow-reply', 'POLL', vmRequest, { objectId: 42 }));

  t.same(sleeps, [40]);
});

t.test('crash retried only for declared actions', async (t) => {
  const { manager, sleeps } = await startRegistry(t, [copyFixtures(temporaryFolder(t), ['crashes-mid-request'])], { calls: { timeouts: {}, retries, maxBackoffMs: 30_000 } });

  const error = await rejectionOf(manager.call('vmm', 'crashes-mid-request', 'DEPLOY', deployRequest, { objectId: 42 }));

  t.equal(error.code, 'CRASHED');
  t.same(sleeps, [], 'DEPLOY is not in "retry"');
  t.same(await manager.call('vmm', 'crashes-mid-request', 'POLL', vmRequest, { objectId: 42 }), { state: 'RUNNING' }, 'the restarted driver answers');
});

t.test('LOG lines reach the object log', async (t) => {
  const { manager, sink, log } = await startRegistry(t, [copyFixtures(temporaryFolder(t), ['logs-about-object'])]);

  await manager.call('vmm', 'logs-about-object', 'DEPLOY', { ...deployRequest, vmId: 7 }, { objectId: 7 });

  t.same(sink.lines, [
    { kind: 'vmm', driver: 'logs-about-object', objectId: 7, severity: 'I', text: 'copying disk.0 to node1' },
    { kind: 'vmm', driver: 'logs-about-object', objectId: 7, severity: 'W', text: 'disk.0 is larger than its image' },
  ]);
  t.equal(log.named('driver.log')[0]?.fields.text, 'the driver has 1 VM', 'object id -1 goes to the daemon log');
});

t.test('fixture failures carry their codes', async (t) => {
  const { manager } = await startRegistry(t, [FIXTURES], { runtime: { initTimeoutMs: 1500 }, calls: { timeouts: { vmm: { POLL: 1 } }, retries: { attempts: 1, backoffMs: 0 }, maxBackoffMs: 0 } });
  const poll = (driver: string) => rejectionOf(manager.call('vmm', driver, 'POLL', vmRequest, { objectId: 42 }));

  t.equal((await poll('claims-missing-action')).code, 'TIMEOUT');
  t.equal((await poll('writes-garbage')).code, 'INVALID_REPLY');
  t.equal((await poll('lies-about-reply')).code, 'INVALID_REPLY');
  t.equal((await poll('never-answers')).code, 'BROKEN');
  t.equal((await poll('from-the-future')).code, 'BROKEN');
});
