import t from 'tap';
import { SessionCache } from '../../../core/auth/session-cache.js';
import type { Requester } from '../../../core/auth/requester.js';

const alice: Requester = { uid: 2, gid: 1, groupIds: [1], uname: 'alice', gname: 'users' };

t.test('cache returns entry under same stamp', async (t) => {
  const cache = new SessionCache();
  const key = SessionCache.keyOf('alice:pw');

  cache.set(key, alice, '0:0', 1000);

  t.equal(cache.get(key, '0:0', 2000), alice);
});

t.test('cache drops entry when stamp changes', async (t) => {
  const cache = new SessionCache();
  const key = SessionCache.keyOf('alice:pw');
  cache.set(key, alice, '0:0', 1000);

  t.equal(cache.get(key, '0:1', 2000), undefined, 'a write to users or groups');
  t.equal(cache.get(key, '0:0', 2000), undefined, 'the entry is gone');
});

t.test('cache expires entries', async (t) => {
  const cache = new SessionCache(10, 5000);
  const key = SessionCache.keyOf('alice:pw');

  cache.set(key, alice, '0:0', 1000);
  t.equal(cache.get(key, '0:0', 5999), alice, 'before the lifetime');
  t.equal(cache.get(key, '0:0', 6000), undefined, 'after the lifetime');
});

t.test('cache honours a token expiry', async (t) => {
  const cache = new SessionCache();
  const key = SessionCache.keyOf('alice:token');

  cache.set(key, alice, '0:0', 1000, 1500);

  t.equal(cache.get(key, '0:0', 1500), undefined);
});

t.test('cache keys hide the session', async (t) => {
  t.notMatch(SessionCache.keyOf('alice:secret-password'), /secret/);
});
