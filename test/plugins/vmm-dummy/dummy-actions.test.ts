import path from 'node:path';
import t from 'tap';
import { formatVerifyReport, verifyPlugin } from '../../../core/plugins/verify.js';
import { DUMMY_DIR, deployRequest, startDummy, useControlFolder, vmRequest } from './dummy-harness.js';

t.test('dummy plugin loads as a module', async (t) => {
  const { registry } = await startDummy(t);

  const status = registry.list()[0];
  t.equal(status.state, 'loaded', JSON.stringify(status));
  t.equal(status.state === 'loaded' ? status.entry : '', 'module');
  t.equal(status.name, 'dummy');
  t.equal(status.kind, 'vmm');
});

t.test('deploy returns dummy-<vmId>', async (t) => {
  const { manager, sink } = await startDummy(t);

  const reply = await manager.call('vmm', 'dummy', 'DEPLOY', deployRequest(7), { objectId: 7 });

  t.same(reply, { deployId: 'dummy-7' });
  t.same(sink.lines.map((line) => [line.objectId, line.severity]), [[7, 'I']], 'one line in the VM log');
  t.match(sink.lines[0].text, /DEPLOY succeeded on node1/);
});

t.test('poll follows the VM state', async (t) => {
  const { manager } = await startDummy(t);
  const poll = () => manager.call('vmm', 'dummy', 'POLL', vmRequest(7), { objectId: 7 });
  await manager.call('vmm', 'dummy', 'DEPLOY', deployRequest(7), { objectId: 7 });

  t.same(await poll(), { state: 'RUNNING' }, 'after DEPLOY');
  await manager.call('vmm', 'dummy', 'SUSPEND', vmRequest(7), { objectId: 7 });
  t.same(await poll(), { state: 'PAUSED' }, 'after SUSPEND');
  await manager.call('vmm', 'dummy', 'RESUME', vmRequest(7), { objectId: 7 });
  t.same(await poll(), { state: 'RUNNING' }, 'after RESUME');
  await manager.call('vmm', 'dummy', 'REBOOT', vmRequest(7), { objectId: 7 });
  await manager.call('vmm', 'dummy', 'RESET', vmRequest(7), { objectId: 7 });
  t.same(await poll(), { state: 'RUNNING' }, 'after REBOOT and RESET');
  await manager.call('vmm', 'dummy', 'SHUTDOWN', { ...vmRequest(7), timeoutSeconds: 5 }, { objectId: 7 });
  t.same(await poll(), { state: 'UNKNOWN' }, 'after SHUTDOWN');
});

t.test('save, restore and cancel', async (t) => {
  const { manager } = await startDummy(t);
  const poll = () => manager.call('vmm', 'dummy', 'POLL', vmRequest(3), { objectId: 3 });
  await manager.call('vmm', 'dummy', 'DEPLOY', deployRequest(3), { objectId: 3 });

  await manager.call('vmm', 'dummy', 'SAVE', { ...vmRequest(3), checkpointFile: '/srv/3/checkpoint' }, { objectId: 3 });
  t.same(await poll(), { state: 'UNKNOWN' }, 'after SAVE');
  const restored = await manager.call('vmm', 'dummy', 'RESTORE', { ...deployRequest(3), checkpointFile: '/srv/3/checkpoint' }, { objectId: 3 });
  t.same(restored, { deployId: 'dummy-3' });
  t.same(await poll(), { state: 'RUNNING' }, 'after RESTORE');
  await manager.call('vmm', 'dummy', 'CANCEL', vmRequest(3), { objectId: 3 });
  t.same(await poll(), { state: 'UNKNOWN' }, 'after CANCEL');
});

t.test('poll of an unseen VM', async (t) => {
  const { manager } = await startDummy(t);

  const own = await manager.call('vmm', 'dummy', 'POLL', vmRequest(11), { objectId: 11 });
  const foreign = await manager.call('vmm', 'dummy', 'POLL', { ...vmRequest(11), deployId: 'qemu-11' }, { objectId: 11 });

  t.same(own, { state: 'RUNNING' }, 'a dummy deploy id survives a daemon restart');
  t.same(foreign, { state: 'UNKNOWN' }, 'another driver\'s deploy id is unknown');
});

t.test('monitor host reports fixed capacity', async (t) => {
  const { manager } = await startDummy(t);
  await manager.call('vmm', 'dummy', 'DEPLOY', deployRequest(1), { objectId: 1 });
  await manager.call('vmm', 'dummy', 'DEPLOY', deployRequest(2), { objectId: 2 });
  await manager.call('vmm', 'dummy', 'DEPLOY', { ...deployRequest(3), host: 'node2' }, { objectId: 3 });
  await manager.call('vmm', 'dummy', 'CANCEL', vmRequest(2), { objectId: 2 });

  const reply = await manager.call('vmm', 'dummy', 'MONITOR_HOST', { host: 'node1' }, { objectId: -1 });

  t.same(reply, { hypervisor: 'dummy', totalCpu: 800, usedCpu: 0, totalMemoryKb: 16 * 1024 * 1024, usedMemoryKb: 0, deployIds: ['dummy-1'] });
});

t.test('verify passes on the built plugin', async (t) => {
  useControlFolder(t, path.join(DUMMY_DIR, 'no-such-control-folder'));

  const report = await verifyPlugin(DUMMY_DIR, { runtime: { initTimeoutMs: 5000 }, probeTimeoutMs: 5000 });

  t.equal(report.ok, true, formatVerifyReport(report));
  t.equal(report.checks.filter((check) => check.name.startsWith('action ')).length, 12, 'every VMM action probed');
});
