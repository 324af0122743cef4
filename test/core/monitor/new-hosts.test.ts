import t from 'tap';
import { HostState } from '../../../core/pools/records/host-record.js';
import { startTestDaemon, testSettings, type TestDaemon } from '../../helpers/daemon.js';
import { textAt } from '../../helpers/objects.js';

/** Polls the host every 50 ms until it is in `state`, for at most 10 s, and returns its last state. */
async function waitForHostState(daemon: TestDaemon, hostId: number, state: HostState): Promise<number> {
  let current = -1;
  for (let attempt = 0; attempt < 200 && current !== state; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    current = Number(textAt(await daemon.admin.call<string>('one.host.info', hostId), 'STATE'));
  }
  return current;
}

t.test('new host monitored at once', async (t) => {
  const daemon = await startTestDaemon(t, { settings: testSettings((settings) => (settings.monitor.newHosts = true)) });

  const hostId = await daemon.admin.call<number>('one.host.allocate', 'node1', 'dummy', 'dummy', -1);

  t.equal(await waitForHostState(daemon, hostId, HostState.MONITORED), HostState.MONITORED, 'MONITORED without a timed round');
  const host = await daemon.admin.call<string>('one.host.info', hostId);
  t.equal(textAt(host, 'HOST_SHARE/MAX_CPU'), '800', 'the capacity the dummy driver reports');
});

t.test('enabled host monitored at once', async (t) => {
  const daemon = await startTestDaemon(t, { settings: testSettings((settings) => (settings.monitor.newHosts = true)) });
  const hostId = await daemon.admin.call<number>('one.host.allocate', 'node1', 'dummy', 'dummy', -1);
  await waitForHostState(daemon, hostId, HostState.MONITORED);

  await daemon.admin.call('one.host.status', hostId, 1);
  await daemon.admin.call('one.host.status', hostId, 0);

  t.equal(await waitForHostState(daemon, hostId, HostState.MONITORED), HostState.MONITORED, 'MONITORED again');
});

t.test('NEW_HOSTS NO waits for round', async (t) => {
  const daemon = await startTestDaemon(t);

  const hostId = await daemon.admin.call<number>('one.host.allocate', 'node1', 'dummy', 'dummy', -1);
  await new Promise((resolve) => setTimeout(resolve, 500));

  t.equal(Number(textAt(await daemon.admin.call<string>('one.host.info', hostId), 'STATE')), HostState.INIT, 'still INIT');
});
