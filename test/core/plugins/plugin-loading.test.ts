import path from 'node:path';
import t from 'tap';
import type { PluginStatus } from '../../../core/plugins/plugin-status.js';
import { FIXTURES, copyFixtures, temporaryFolder } from '../drivers/support/plugin-fixtures.js';
import { startRegistry } from '../drivers/support/registry-harness.js';

const deployRequest = { vmId: 42, host: 'node1', vmDir: '/srv/42', deploymentFile: '/srv/42/deployment.0.json' };
const registerRequest = { imageId: 7, datastoreId: 1, datastorePath: '/srv/ds/1', path: '/tmp/disk.img' };

function statusOf(statuses: PluginStatus[], fixture: string): PluginStatus | undefined {
  return statuses.find((status) => path.basename(status.dir) === fixture);
}

function codeOf(status: PluginStatus | undefined): string {
  if (status === undefined) return 'not found';
  return status.state === 'rejected' ? status.code : status.state;
}

t.test('every fixture loaded or rejected', async (t) => {
  const { registry, log } = await startRegistry(t, [FIXTURES], { runtime: { initTimeoutMs: 1500 } });
  const statuses = registry.list();

  const expected: Record<string, string> = {
    'good-bash-vmm': 'loaded',
    'good-python-image': 'loaded',
    'good-module-vmm': 'loaded',
    'crashes-on-init': 'INIT_FAILED',
    'never-answers': 'INIT_TIMEOUT',
    'unsupported-protocol-version': 'UNSUPPORTED_PROTOCOL',
    'bad-manifest': 'BAD_MANIFEST',
    'entry-not-executable': 'ENTRY_NOT_EXECUTABLE',
    // Without probing, these complete INIT and load; their calls fail (driver-manager.test.ts).
    'writes-garbage': 'loaded',
    'claims-missing-action': 'loaded',
    'crashes-mid-request': 'loaded',
    'slow-reply': 'loaded',
    'lies-about-reply': 'loaded',
    'logs-about-object': 'loaded',
  };
  for (const [fixture, code] of Object.entries(expected)) {
    t.equal(codeOf(statusOf(statuses, fixture)), code, fixture);
  }
  t.equal(statuses.length, Object.keys(expected).length, 'one status per fixture');
  t.equal(log.named('plugin.rejected').length, 5, 'each rejection is logged');
});

t.test('rejection reasons name the fix', async (t) => {
  const { registry } = await startRegistry(t, [FIXTURES], { runtime: { initTimeoutMs: 1500 } });
  const statuses = registry.list();
  const reason = (fixture: string) => {
    const status = statusOf(statuses, fixture);
    return status?.state === 'rejected' ? status.reason : '';
  };

  t.match(reason('crashes-on-init'), /exited with code 3 before answering INIT.*cannot open \/dev\/kvm/);
  t.match(reason('never-answers'), /no reply to "INIT 1" within 1.5 s/);
  t.match(reason('unsupported-protocol-version'), /speaks protocol 2 and this core speaks 1/);
  t.match(reason('entry-not-executable'), /is not executable; run "chmod \+x driver"/);
  t.match(reason('bad-manifest'), /has 7 problems/);
});

t.test('bad manifest lists every problem', async (t) => {
  const { registry } = await startRegistry(t, [copyFixtures(temporaryFolder(t), ['bad-manifest'])]);
  const status = registry.list()[0];
  if (status?.state !== 'rejected') throw new Error('expected a rejection');

  const paths = status.problems.map((problem) => problem.path).sort();
  t.same(paths, ['entry', 'kind', 'name', 'protocol', 'retires', 'retry[0]', 'timeouts.DEPLOY']);
  t.ok(status.problems.every((problem) => problem.fix.length > 0), 'every problem has a fix');
});

t.test('probing rejects drivers that break the protocol', async (t) => {
  const folder = copyFixtures(temporaryFolder(t), ['claims-missing-action', 'writes-garbage', 'lies-about-reply', 'good-bash-vmm', 'good-python-image']);
  const { registry } = await startRegistry(t, [folder], { settings: { probeActionsOnLoad: true, probeTimeoutMs: 1000 } });
  const statuses = registry.list();

  t.equal(codeOf(statusOf(statuses, 'claims-missing-action')), 'ACTION_NOT_ANSWERED');
  t.equal(codeOf(statusOf(statuses, 'writes-garbage')), 'ACTION_INVALID_REPLY');
  t.equal(codeOf(statusOf(statuses, 'lies-about-reply')), 'ACTION_INVALID_REPLY');
  t.equal(codeOf(statusOf(statuses, 'good-bash-vmm')), 'loaded');
  t.equal(codeOf(statusOf(statuses, 'good-python-image')), 'loaded');
  const missing = statusOf(statuses, 'claims-missing-action');
  t.match(missing?.state === 'rejected' ? missing.reason : '', /plugin.json claims POLL/);
});

t.test('broken plugins leave the others working', async (t) => {
  const { manager } = await startRegistry(t, [FIXTURES], { runtime: { initTimeoutMs: 1500 } });

  t.same(await manager.call('vmm', 'good-bash', 'DEPLOY', deployRequest, { objectId: 42 }), { deployId: 'bash-vm' });
  t.same(await manager.call('vmm', 'good-module', 'DEPLOY', deployRequest, { objectId: 42 }), { deployId: 'module-42' });
  const reply = await manager.call('image', 'good-python', 'REGISTER', registerRequest, { objectId: 7 });
  t.equal(reply.source, '/srv/ds/1/7.img');
});

t.test('earlier folder shadows the same name', async (t) => {
  const first = copyFixtures(temporaryFolder(t), ['good-bash-vmm']);
  const second = copyFixtures(temporaryFolder(t), ['good-bash-vmm']);
  const { registry, manager } = await startRegistry(t, [first, second]);

  const [winner, shadowed] = registry.list();
  t.equal(winner?.state, 'loaded');
  t.equal(winner?.dir, path.join(first, 'good-bash-vmm'));
  t.equal(shadowed?.state === 'rejected' ? shadowed.code : shadowed?.state, 'SHADOWED');
  t.match(shadowed?.state === 'rejected' ? shadowed.reason : '', new RegExp(`vmm plugin "good-bash" in ${path.join(first, 'good-bash-vmm')} comes earlier`));
  t.same(await manager.call('vmm', 'good-bash', 'DEPLOY', deployRequest, { objectId: 42 }), { deployId: 'bash-vm' });
});

t.test('missing plugin folder is logged, not fatal', async (t) => {
  const missing = path.join(temporaryFolder(t), 'does-not-exist');
  const { registry, log } = await startRegistry(t, [missing, copyFixtures(temporaryFolder(t), ['good-bash-vmm'])]);

  t.equal(registry.list()[0]?.state, 'loaded');
  t.equal(log.named('plugins.folder_unreadable')[0]?.fields.folder, missing);
});
