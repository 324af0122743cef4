import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { rejectionOf } from '../drivers/support/driver-harness.js';
import { copyFixtures, temporaryFolder, waitFor } from '../drivers/support/plugin-fixtures.js';
import { startRegistry } from '../drivers/support/registry-harness.js';

const vmRequest = { vmId: 42, host: 'node1', deployId: 'stratus-42' };
const deployRequest = { vmId: 42, host: 'node1', vmDir: '/srv/42', deploymentFile: '/srv/42/deployment.0.json' };
const watching = { settings: { watch: true, debounceMs: 100 } };

function editManifest(dir: string, change: (manifest: Record<string, unknown>) => void): void {
  const file = path.join(dir, 'plugin.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  change(manifest);
  writeFileSync(file, JSON.stringify(manifest, null, 2));
}

t.test('plugin added, changed and removed', async (t) => {
  const folder = temporaryFolder(t);
  const { registry, manager, log } = await startRegistry(t, [folder], watching);
  const dir = path.join(folder, 'good-bash-vmm');
  t.same(registry.list(), [], 'the folder starts empty');

  copyFixtures(folder, ['good-bash-vmm']);
  await waitFor(() => registry.status(dir)?.state === 'loaded', 'the added plugin to load');
  t.same(await manager.call('vmm', 'good-bash', 'DEPLOY', deployRequest, { objectId: 42 }), { deployId: 'bash-vm' });

  editManifest(dir, (manifest) => {
    manifest.actions = ['DEPLOY', 'POLL'];
    manifest.retry = [];
  });
  await waitFor(() => log.named('plugin.loaded').length === 2 && registry.status(dir)?.state === 'loaded', 'the reload');
  const unsupported = await rejectionOf(manager.call('vmm', 'good-bash', 'CANCEL', vmRequest, { objectId: 42 }));
  t.equal(unsupported.code, 'UNSUPPORTED_ACTION', 'the changed manifest is in force');

  rmSync(dir, { recursive: true });
  await waitFor(() => registry.status(dir) === undefined, 'the removal');
  const error = await rejectionOf(manager.call('vmm', 'good-bash', 'DEPLOY', deployRequest, { objectId: 42 }));
  t.equal(error.code, 'NOT_INSTALLED');
  t.equal(log.named('plugin.removed').length, 1);
});

t.test('change waits for the request in flight', async (t) => {
  const folder = copyFixtures(temporaryFolder(t), ['slow-reply']);
  const dir = path.join(folder, 'slow-reply');
  const { registry, manager, log } = await startRegistry(t, [folder], watching);
  const inFlight = manager.call('vmm', 'slow-reply', 'POLL', vmRequest, { objectId: 42 });

  editManifest(dir, (manifest) => {
    manifest.description = 'edited while a request was in flight';
  });
  await waitFor(() => log.named('plugin.unloading').length === 1, 'the reload to begin');

  t.same(await inFlight, { state: 'RUNNING' }, 'the request in flight completes on the old driver');
  await waitFor(() => registry.status(dir)?.state === 'loaded' && log.named('plugin.loaded').length === 2, 'the reload to end');
  const status = registry.status(dir);
  t.equal(status?.state === 'loaded' ? status.description : '', 'edited while a request was in flight');
  t.same(await manager.call('vmm', 'slow-reply', 'POLL', vmRequest, { objectId: 42 }), { state: 'RUNNING' }, 'the new driver answers');
});

t.test('broken plugin added while running', async (t) => {
  const folder = copyFixtures(temporaryFolder(t), ['good-bash-vmm']);
  const { registry, manager } = await startRegistry(t, [folder], watching);

  copyFixtures(folder, ['crashes-on-init']);
  const dir = path.join(folder, 'crashes-on-init');
  await waitFor(() => registry.status(dir)?.state === 'rejected', 'the rejection');

  const status = registry.status(dir);
  t.equal(status?.state === 'rejected' ? status.code : status?.state, 'INIT_FAILED');
  t.same(await manager.call('vmm', 'good-bash', 'DEPLOY', deployRequest, { objectId: 42 }), { deployId: 'bash-vm' }, 'the other plugin keeps working');
});

t.test('fixed plugin loads after a rejection', async (t) => {
  const folder = copyFixtures(temporaryFolder(t), ['entry-not-executable']);
  const dir = path.join(folder, 'entry-not-executable');
  const { registry } = await startRegistry(t, [folder], watching);
  t.equal(registry.status(dir)?.state, 'rejected');

  chmodSync(path.join(dir, 'driver'), 0o755);

  await waitFor(() => registry.status(dir)?.state === 'loaded', 'the fixed plugin to load');
  t.pass('loaded');
});

t.test('removing the winner promotes the shadowed', async (t) => {
  const first = copyFixtures(temporaryFolder(t), ['good-bash-vmm']);
  const second = copyFixtures(temporaryFolder(t), ['good-bash-vmm']);
  const { registry, manager } = await startRegistry(t, [first, second], watching);
  const shadowedDir = path.join(second, 'good-bash-vmm');
  t.equal(registry.status(shadowedDir)?.state, 'rejected');

  rmSync(path.join(first, 'good-bash-vmm'), { recursive: true });

  await waitFor(() => registry.status(shadowedDir)?.state === 'loaded', 'the shadowed plugin to load');
  t.same(await manager.call('vmm', 'good-bash', 'DEPLOY', deployRequest, { objectId: 42 }), { deployId: 'bash-vm' });
});
