import t from 'tap';
import { RecordCache } from '../../../core/pools/record-cache.js';

t.test('cache keeps a quiet read', async (t) => {
  const cache = new RecordCache<{ name: string }>();
  const before = cache.writeCount;

  cache.offer(5, 0, { name: 'committed' }, before);

  t.same(cache.get(5), { name: 'committed' });
});

t.test('cache refuses read during open write', async (t) => {
  const cache = new RecordCache<{ name: string }>();
  cache.noteWrite(5);
  const before = cache.writeCount;

  cache.offer(5, 0, { name: 'old' }, before);

  t.equal(cache.get(5), undefined);
});

t.test('cache refuses read spanning a commit', async (t) => {
  const cache = new RecordCache<{ name: string }>();
  cache.noteWrite(5);
  const before = cache.writeCount;

  cache.settle();
  cache.offer(5, 0, { name: 'old' }, before);

  t.equal(cache.get(5), undefined, 'the read may have seen the row before the commit');
});

t.test('cache accepts read after settle', async (t) => {
  const cache = new RecordCache<{ name: string }>();
  cache.noteWrite(5);
  cache.settle();
  const before = cache.writeCount;

  cache.offer(5, 1, { name: 'new' }, before);

  t.same(cache.get(5), { name: 'new' });
});
