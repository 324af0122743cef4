import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { rejectionOf } from '../drivers/support/driver-harness.js';
import { copyFixtures, temporaryFolder, waitFor } from '../drivers/support/plugin-fixtures.js';
import { startRegistry } from '../drivers/support/registry-harness.js';

const deployRequest = { vmId: 42, host: 'node1', vmDir: '/srv/42', deploymentFile: '/srv/42/deployment.0.json' };

/** Creates a configured plugin folder inside a temporary folder, so that the test can remove and rename it. */
function pluginFolder(t: Parameters<typeof temporaryFolder>[0], fixtures: string[]): string {
  const folder = path.join(temporaryFolder(t), 'vmm');
  mkdirSync(folder);
  return copyFixtures(folder, fixtures);
}

function settingsWithGrace(missingFolderGraceMs: number) {
  return { settings: { watch: true, debounceMs: 100, missingFolderGraceMs } };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

t.test('folder removed and created again', async (t) => {
  const folder = pluginFolder(t, ['good-bash-vmm']);
  const dir = path.join(folder, 'good-bash-vmm');
  const { registry, manager, log } = await startRegistry(t, [folder], settingsWithGrace(0));
  t.equal(registry.status(dir)?.state, 'loaded', 'loaded at start');

  rmSync(folder, { recursive: true });
  await waitFor(() => registry.status(dir) === undefined, 'the plugin to be unloaded');
  t.equal(log.named('plugins.folder_unreadable').length, 1, 'missing folder logged once');

  mkdirSync(folder);
  copyFixtures(folder, ['good-bash-vmm']);
  await waitFor(() => registry.status(dir)?.state === 'loaded', 'the plugin to load again');

  t.same(await manager.call('vmm', 'good-bash', 'DEPLOY', deployRequest, { objectId: 42 }), { deployId: 'bash-vm' }, 'the driver answers');
  // A reconcile queued by the removal may load the plugin before the folder check notices the folder.
  await waitFor(() => log.named('plugins.folder_readable').length === 1, 'the return to be logged');
  t.equal(log.named('plugin.loaded').length, 2, 'loaded twice');
});

t.test('folder missing at start loads later', async (t) => {
  const folder = path.join(temporaryFolder(t), 'vmm');
  const dir = path.join(folder, 'good-bash-vmm');
  const { registry, log } = await startRegistry(t, [folder], settingsWithGrace(0));
  t.same(registry.list(), [], 'nothing loaded at start');
  t.equal(log.named('plugins.folder_unreadable')[0]?.fields.folder, folder, 'missing folder logged');

  mkdirSync(folder);
  copyFixtures(folder, ['good-bash-vmm']);

  await waitFor(() => registry.status(dir)?.state === 'loaded', 'the plugin to load');
  t.pass('loaded once the folder exists');
});

t.test('folder renamed away and back', async (t) => {
  const folder = pluginFolder(t, ['good-bash-vmm']);
  const dir = path.join(folder, 'good-bash-vmm');
  const { registry, log } = await startRegistry(t, [folder], settingsWithGrace(30_000));

  renameSync(folder, `${folder}-moved`);
  renameSync(`${folder}-moved`, folder);
  // Longer than the debounce, so the watcher has handled the rename before the edit.
  await sleep(1000);
  t.equal(log.named('plugin.unloading').length, 0, 'the driver kept running');

  const manifestFile = path.join(dir, 'plugin.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestFile, JSON.stringify({ ...manifest, description: 'edited after the rename' }));

  await waitFor(() => {
    const status = registry.status(dir);
    return status?.state === 'loaded' && status.description === 'edited after the rename';
  }, 'the edit to be loaded');
  t.pass('the folder is watched again after the rename');
});

t.test('drivers keep running during grace', async (t) => {
  const folder = pluginFolder(t, ['good-bash-vmm']);
  const dir = path.join(folder, 'good-bash-vmm');
  const { registry, manager, log } = await startRegistry(t, [folder], settingsWithGrace(30_000));

  rmSync(folder, { recursive: true });
  await waitFor(() => log.named('plugins.folder_unreadable').length === 1, 'the missing folder to be noticed');
  await sleep(500);

  t.equal(registry.status(dir)?.state, 'loaded', 'still loaded while the folder is missing');
  t.same(await manager.call('vmm', 'good-bash', 'DEPLOY', deployRequest, { objectId: 42 }), { deployId: 'bash-vm' }, 'the running driver answers');
  t.equal(log.named('plugins.folder_unreadable')[0]?.fields.keepLoadedMs, 30_000, 'the log line gives the grace period');

  // The folder comes back empty first, as during a build, and the plugin is written into it later.
  mkdirSync(folder);
  await waitFor(() => log.named('plugins.folder_readable').length === 1, 'the folder to be noticed');
  await sleep(500);
  t.equal(registry.status(dir)?.state, 'loaded', 'still loaded while the folder is being written');

  copyFixtures(folder, ['good-bash-vmm']);
  await waitFor(() => log.named('plugin.loaded').length === 2 && registry.status(dir)?.state === 'loaded', 'the reload');
  t.same(await manager.call('vmm', 'good-bash', 'DEPLOY', deployRequest, { objectId: 42 }), { deployId: 'bash-vm' }, 'the new driver answers');
  t.equal(log.named('plugin.removed').length, 0, 'never removed');
});

t.test('grace period ends with unload', async (t) => {
  const folder = pluginFolder(t, ['good-bash-vmm']);
  const dir = path.join(folder, 'good-bash-vmm');
  const { registry, manager, log } = await startRegistry(t, [folder], settingsWithGrace(1000));

  rmSync(folder, { recursive: true });
  await waitFor(() => registry.status(dir) === undefined, 'the unload after the grace period');

  t.equal(log.named('plugins.folder_grace_ended').length, 1, 'end of the grace period logged');
  t.equal(log.named('plugin.removed').length, 1, 'removal logged');
  const error = await rejectionOf(manager.call('vmm', 'good-bash', 'DEPLOY', deployRequest, { objectId: 42 }));
  t.equal(error.code, 'NOT_INSTALLED', 'calls fail as not installed');
});

t.test('stop clears the folder timers', async (t) => {
  const folder = path.join(temporaryFolder(t), 'vmm');
  const { registry, log } = await startRegistry(t, [folder], settingsWithGrace(500));

  await registry.stop();
  const eventsAtStop = log.events.length;
  mkdirSync(folder);
  copyFixtures(folder, ['good-bash-vmm']);
  await sleep(1500);

  t.same(log.events.slice(eventsAtStop), [], 'nothing happens after stop');
  t.same(registry.list(), [], 'nothing loaded');
});
