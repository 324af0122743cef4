import t from 'tap';
import { OneApiError } from '../../rpc/client/errors.js';
import { startTestDaemon } from '../helpers/daemon.js';

t.test('one.system.version answers an authenticated caller', async (t) => {
  const { admin } = await startTestDaemon(t);

  t.equal(await admin.call('one.system.version'), '6.10.5');
});

t.test('one.system.version refuses a wrong password', async (t) => {
  const { client } = await startTestDaemon(t);

  const error = await client('oneadmin:wrong').call('one.system.version').catch((e: unknown) => e);
  t.ok(error instanceof OneApiError, 'OneApiError');
  t.equal((error as OneApiError).code, 0x100);
  t.match((error as OneApiError).message, /^\[one\.system\.version\] User couldn't be authenticated/);
});

t.test('one.system.config hides daemon settings from other users', async (t) => {
  const { admin, client } = await startTestDaemon(t);
  await admin.call('one.user.allocate', 'alice', 'secret', '', []);

  const full = await admin.call<string>('one.system.config');
  const restricted = await client('alice:secret').call<string>('one.system.config');

  t.match(full, /<LISTEN_ADDRESS>127\.0\.0\.1<\/LISTEN_ADDRESS>/);
  t.notMatch(restricted, /LISTEN_ADDRESS/);
  t.match(restricted, /<DEFAULT_UMASK>177<\/DEFAULT_UMASK>/);
});
