import { createHash } from 'node:crypto';
import path from 'node:path';
import t from 'tap';
import { formatVerifyReport, verifyPlugin } from '../../../core/plugins/verify.js';
import { rejectionOf } from '../../core/drivers/support/driver-harness.js';
import { PROJECT_ROOT } from '../../core/drivers/support/plugin-fixtures.js';
import { startRegistry } from '../../core/drivers/support/registry-harness.js';

/** The folder the built auth plugins are in; the core plugin imports the core's password module from dist/. */
const AUTH_FOLDER = path.join(PROJECT_ROOT, 'dist', 'plugins', 'auth');

function hex(algorithm: 'sha1' | 'sha256', text: string): string {
  return createHash(algorithm).update(text, 'utf8').digest('hex');
}

function request(storedPassword: string, secret: string) {
  return { userId: 5, username: 'alice', secret, storedPassword };
}

t.test('core plugin loads from dist/plugins/auth', async (t) => {
  const { registry } = await startRegistry(t, [AUTH_FOLDER]);

  const status = registry.status(path.join(AUTH_FOLDER, 'core'));

  t.equal(status?.state, 'loaded', JSON.stringify(status));
  t.equal(status?.state === 'loaded' ? status.entry : '', 'module', 'loaded in process');
});

t.test('matching SHA-256 password accepted', async (t) => {
  const { manager } = await startRegistry(t, [AUTH_FOLDER]);

  const reply = await manager.call('auth', 'core', 'AUTHENTICATE', request(hex('sha256', 'correct horse'), 'correct horse'), { objectId: 5 });

  t.same(reply, {}, 'a success without fields');
});

t.test('legacy SHA-1 password accepted', async (t) => {
  const { manager } = await startRegistry(t, [AUTH_FOLDER]);

  const reply = await manager.call('auth', 'core', 'AUTHENTICATE', request(hex('sha1', 'battery staple'), 'battery staple'), { objectId: 5 });

  t.same(reply, {});
});

t.test('wrong password refused', async (t) => {
  const { manager, log } = await startRegistry(t, [AUTH_FOLDER]);

  const error = await rejectionOf(manager.call('auth', 'core', 'AUTHENTICATE', request(hex('sha256', 'correct horse'), 'wrong horse'), { objectId: 5 }));

  t.equal(error.code, 'FAILURE');
  t.equal(error.detail, 'the password of user 5 does not match the stored hash');
  const logged = JSON.stringify(log.events);
  t.notMatch(logged, 'wrong horse', 'the secret is not logged');
});

t.test('stored value that is no hash refused', async (t) => {
  const { manager } = await startRegistry(t, [AUTH_FOLDER]);

  const plain = await rejectionOf(manager.call('auth', 'core', 'AUTHENTICATE', request('correct horse', 'correct horse'), { objectId: 5 }));
  const upper = await rejectionOf(manager.call('auth', 'core', 'AUTHENTICATE', request(hex('sha256', 'x').toUpperCase(), 'x'), { objectId: 5 }));

  t.equal(plain.code, 'FAILURE', 'a plain-text stored password never matches');
  t.equal(upper.code, 'FAILURE', 'only lower-case hex hashes are compared');
});

t.test('AUTHENTICATE is not retried', async (t) => {
  const { manager, sleeps } = await startRegistry(t, [AUTH_FOLDER]);

  await rejectionOf(manager.call('auth', 'core', 'AUTHENTICATE', request(hex('sha256', 'a'), 'b'), { objectId: 5 }));

  t.same(sleeps, [], 'a refusal is final');
});

t.test('verify passes on the built plugin', async (t) => {
  const report = await verifyPlugin(path.join(AUTH_FOLDER, 'core'));

  t.equal(report.ok, true, formatVerifyReport(report));
  t.match(report.checks.find((check) => check.name === 'action AUTHENTICATE')?.detail, /^FAILURE: the password of user 5 does not match/, 'the example secret does not match the example hash');
});
