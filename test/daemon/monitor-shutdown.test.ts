// A daemon stopped while a monitoring round waits for its driver calls: the round sends
// no further call, the calls in flight finish before the drivers stop, and the log has
// no driver failure.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { HostState } from '../../core/pools/records/host-record.js';
import { startTestDaemon, testSettings, type TestDaemon } from '../helpers/daemon.js';
import { dummyDriverEnvironment } from '../helpers/dummy-environment.js';

const HOSTS = 12;
/** Delay of each MONITOR_HOST of the dummy driver, so that the round is still in progress when the daemon stops. */
const MONITOR_HOST_DELAY_MS = 400;

async function monitoredHosts(test: TestDaemon): Promise<number> {
  const pool = await test.admin.call<string>('one.hostpool.info');
  return pool.match(new RegExp(`<STATE>${HostState.MONITORED}</STATE>`, 'g'))?.length ?? 0;
}

t.test('stop during host round is quiet', async (t) => {
  // The dummy driver fixes its control folder when it loads, so the variables are set first.
  const { home, control } = dummyDriverEnvironment(t);
  mkdirSync(control, { recursive: true });
  writeFileSync(path.join(control, 'MONITOR_HOST'), `delay ${MONITOR_HOST_DELAY_MS}\n`);

  // Two calls at a time take 12 × 400 / 2 = 2.4 s for the round, which starts 1 s after the daemon.
  const settings = testSettings((s) => {
    s.monitor = { ...s.monitor, firstDelayMs: 1000, concurrency: 2 };
  });
  const test = await startTestDaemon(t, { home, settings });
  for (let n = 0; n < HOSTS; n++) await test.admin.call('one.host.allocate', `node${n}`, 'dummy', 'dummy', -1);

  let monitoredBeforeStop = 0;
  for (let attempt = 0; attempt < 200 && monitoredBeforeStop === 0; attempt++) {
    await sleep(25);
    monitoredBeforeStop = await monitoredHosts(test);
  }
  await test.daemon.stop();
  const lines = readFileSync(path.join(home, 'log', 'stratusd.log'), 'utf8').split('\n');
  const monitoredAtStop = lines.filter((line) => / host\.monitored /.test(line)).length;

  t.ok(monitoredBeforeStop > 0, 'the round was under way when the stop began');
  t.ok(monitoredAtStop < HOSTS, `the round sent no call after the stop (${monitoredAtStop} of ${HOSTS} hosts monitored)`);
  t.ok(lines.some((line) => /daemon\.stopped\b/.test(line)), 'the daemon stopped');
  t.same(lines.filter((line) => /NOT_INSTALLED/.test(line)), [], 'no call to a stopped driver');
  t.same(lines.filter((line) => / driver\.call_failed /.test(line)), [], 'no failed driver call');
  t.same(lines.filter((line) => / host\.monitor_failed /.test(line)), [], 'no host marked as failed');
});
