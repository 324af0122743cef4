import t from 'tap';
import { forEachLimited } from '../../../core/monitor/run-limited.js';

t.test('forEachLimited respects the limit', async (t) => {
  const items = Array.from({ length: 20 }, (_, index) => index);
  const done: number[] = [];
  let inProgress = 0;
  let maxInProgress = 0;

  await forEachLimited(items, 3, async (item) => {
    inProgress += 1;
    maxInProgress = Math.max(maxInProgress, inProgress);
    await new Promise((resolve) => setImmediate(resolve));
    done.push(item);
    inProgress -= 1;
  });

  t.equal(maxInProgress, 3);
  t.same([...done].sort((a, b) => a - b), items, 'every item is handled once');
});

t.test('forEachLimited with no items', async (t) => {
  let calls = 0;

  await forEachLimited([], 4, async () => {
    calls += 1;
  });

  t.equal(calls, 0);
});
