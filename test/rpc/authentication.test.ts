import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import t from 'tap';
import { Daemon } from '../../core/daemon.js';
import { SqliteConnection } from '../../core/db/sqlite-connection.js';
import { ErrorCode } from '../../core/errors/api-error.js';
import { OneClient } from '../../rpc/client/client.js';
import { apiError, createGroup, createUser, fieldOfEach, parseDocument } from '../helpers/accounts.js';
import { startTestDaemon, temporaryHome, testSettings } from '../helpers/daemon.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

const START = 1_700_000_000;
const MAX_TOKEN_SECONDS = 36_000;

async function userInfo(client: OneClient, id = -1) {
  return parseDocument(await client.call<string>('one.user.info', id)).USER;
}

t.test('bootstrap', async (t) => {
  t.test('writes one_auth for oneadmin', async (t) => {
    const { home, admin } = await startTestDaemon(t);
    const file = path.join(home, 'one_auth');

    const content = readFileSync(file, 'utf8');
    const [name, secret] = content.trimEnd().split(':');
    const oneadmin = await userInfo(admin, 0);

    t.equal(statSync(file).mode & 0o777, 0o600);
    t.match(content, /^oneadmin:[^\s:]+\n$/);
    t.equal(name, 'oneadmin');
    t.equal(oneadmin.PASSWORD, sha256(secret), 'stores the SHA-256 of the password');
  });

  t.test('creates oneadmin and serveradmin', async (t) => {
    const { admin } = await startTestDaemon(t);

    const oneadmin = await userInfo(admin, 0);
    const serveradmin = await userInfo(admin, 1);

    t.equal(oneadmin.NAME, 'oneadmin');
    t.equal(oneadmin.GID, '0');
    t.equal(oneadmin.AUTH_DRIVER, 'core');
    t.equal(serveradmin.NAME, 'serveradmin');
    t.equal(serveradmin.GID, '0');
    t.equal(serveradmin.AUTH_DRIVER, 'server_cipher');
  });

  t.test('creates groups oneadmin and users', async (t) => {
    const { admin } = await startTestDaemon(t);

    const pool = await admin.call<string>('one.grouppool.info');
    const oneadmin = parseDocument(await admin.call<string>('one.group.info', 0)).GROUP;

    t.same(fieldOfEach(pool, 'GROUP', 'ID'), ['0', '1']);
    t.same(fieldOfEach(pool, 'GROUP', 'NAME'), ['oneadmin', 'users']);
    t.same(oneadmin.USERS.ID, ['0', '1']);
  });

  t.test('creates datastores system, default and files', async (t) => {
    const { admin } = await startTestDaemon(t);

    const pool = await admin.call<string>('one.datastorepool.info');

    t.same(fieldOfEach(pool, 'DATASTORE', 'ID'), ['0', '1', '2']);
    t.same(fieldOfEach(pool, 'DATASTORE', 'NAME'), ['system', 'default', 'files']);
    t.same(fieldOfEach(pool, 'DATASTORE', 'TYPE'), ['1', '0', '2'], 'SYSTEM_DS, IMAGE_DS, FILE_DS');
  });
});

t.test('session strings', async (t) => {
  t.test('split at the first colon', async (t) => {
    const daemon = await startTestDaemon(t);
    await createUser(daemon, 'alice', [], 'pass:with:colons');

    t.equal(await daemon.client('alice:pass:with:colons').call('one.system.version'), '6.10.5');
  });

  t.test('ignore trailing whitespace', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    t.equal(await daemon.client(`${alice.session}\n`).call('one.system.version'), '6.10.5', 'as read from a one_auth file');
  });

  t.test('reject malformed and wrong credentials', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const sessions = ['', 'alice', ':secret', 'alice:', 'alice:wrong', 'nobody:secret', `alice:${sha256(alice.password)}`];

    for (const session of sessions) {
      const error = await apiError(daemon.client(session).call('one.system.version'));
      t.equal(error.code, ErrorCode.AUTHENTICATION, JSON.stringify(session));
      t.equal(error.message, "[one.system.version] User couldn't be authenticated, aborting call.", JSON.stringify(session));
    }
  });

  t.test('reject disabled users', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const token = await alice.client.call<string>('one.user.login', 'alice', '', 600, -1);

    await daemon.admin.call('one.user.enable', alice.id, false);
    const byPassword = await apiError(alice.client.call('one.system.version'));
    const byToken = await apiError(daemon.client(`alice:${token}`).call('one.system.version'));
    await daemon.admin.call('one.user.enable', alice.id, true);

    t.equal(byPassword.code, ErrorCode.AUTHENTICATION);
    t.equal(byToken.code, ErrorCode.AUTHENTICATION);
    t.equal(await alice.client.call('one.system.version'), '6.10.5', 'enabled again');
  });
});

t.test('legacy SHA-1 passwords', async (t) => {
  t.test('are accepted and upgraded', async (t) => {
    const home = temporaryHome(t);
    const first = await Daemon.start({ home, settings: testSettings() });
    const adminSession = readFileSync(path.join(home, 'one_auth'), 'utf8').trim();
    await new OneClient({ endpoint: first.url, session: adminSession }).call('one.user.allocate', 'alice', 'secret', 'core', []);
    await first.stop();

    const database = await SqliteConnection.open(path.join(home, 'stratus.db'), sqlite3.OPEN_READWRITE);
    await database.run("UPDATE user_pool SET body = json_set(body, '$.password', ?) WHERE name = 'alice'", [sha1('secret')]);
    await database.close();

    const daemon = await startTestDaemon(t, { home });
    const stored = (await userInfo(daemon.admin, 2)).PASSWORD;
    const version = await daemon.client('alice:secret').call('one.system.version');
    const upgraded = (await userInfo(daemon.admin, 2)).PASSWORD;

    t.equal(stored, sha1('secret'), 'the database holds a SHA-1 hash');
    t.equal(version, '6.10.5');
    t.equal(upgraded, sha256('secret'), 'the login replaced it by SHA-256');
    t.equal((await apiError(daemon.client(`alice:${sha1('secret')}`).call('one.system.version'))).code, ErrorCode.AUTHENTICATION);
  });
});

t.test('login tokens', async (t) => {
  t.test('replace the password in a session', async (t) => {
    const daemon = await startTestDaemon(t, { now: () => START });
    const alice = await createUser(daemon, 'alice');

    const token = await alice.client.call<string>('one.user.login', 'alice', '', 300, -1);
    const user = await userInfo(daemon.client(`alice:${token}`));

    t.equal(user.NAME, 'alice');
    t.equal(user.LOGIN_TOKEN.length, 1);
    t.equal(user.LOGIN_TOKEN[0].EXPIRATION_TIME, String(START + 300));
    t.equal(user.LOGIN_TOKEN[0].EGID, '-1');
    t.not(user.LOGIN_TOKEN[0].TOKEN, token, 'the document shows a digest, not the token');
  });

  t.test('accept a token the caller chooses', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');

    const token = await alice.client.call<string>('one.user.login', 'alice', 'chosen-token-1', 60, -1);

    t.equal(token, 'chosen-token-1');
    t.equal(await daemon.client('alice:chosen-token-1').call('one.system.version'), '6.10.5');
  });

  t.test('expire after their lifetime', async (t) => {
    let clock = START;
    const daemon = await startTestDaemon(t, { now: () => clock });
    const alice = await createUser(daemon, 'alice');
    const token = await alice.client.call<string>('one.user.login', 'alice', '', 100, -1);
    const session = daemon.client(`alice:${token}`);

    clock = START + 99;
    const before = await session.call('one.system.version');
    clock = START + 100;
    const after = await apiError(session.call('one.system.version'));

    t.equal(before, '6.10.5');
    t.equal(after.code, ErrorCode.AUTHENTICATION);
    t.equal(await alice.client.call('one.system.version'), '6.10.5', 'the password still works');
  });

  t.test('last at most the configured maximum', async (t) => {
    const daemon = await startTestDaemon(t, { now: () => START });
    const alice = await createUser(daemon, 'alice');

    await alice.client.call('one.user.login', 'alice', 'no-expiry', -1, -1);
    await alice.client.call('one.user.login', 'alice', 'too-long', MAX_TOKEN_SECONDS * 10, -1);

    const expirations = (await userInfo(alice.client)).LOGIN_TOKEN.map((token: { EXPIRATION_TIME: string }) => token.EXPIRATION_TIME);
    t.same(expirations, [String(START + MAX_TOKEN_SECONDS), String(START + MAX_TOKEN_SECONDS)]);
  });

  t.test('are removed with zero seconds', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const kept = await alice.client.call<string>('one.user.login', 'alice', '', 60, -1);
    const removed = await alice.client.call<string>('one.user.login', 'alice', '', 60, -1);

    t.equal(await alice.client.call('one.user.login', 'alice', removed, 0), removed);

    t.equal((await apiError(daemon.client(`alice:${removed}`).call('one.system.version'))).code, ErrorCode.AUTHENTICATION);
    t.equal(await daemon.client(`alice:${kept}`).call('one.system.version'), '6.10.5');
    t.equal((await userInfo(alice.client)).LOGIN_TOKEN.length, 1);
  });

  t.test('are removed by their shown digest', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const token = await alice.client.call<string>('one.user.login', 'alice', '', 60, -1);
    const shown = (await userInfo(alice.client)).LOGIN_TOKEN[0].TOKEN;

    await alice.client.call('one.user.login', 'alice', shown, 0);

    t.equal((await apiError(daemon.client(`alice:${token}`).call('one.system.version'))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('are all removed by empty token', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const tokens = [
      await alice.client.call<string>('one.user.login', 'alice', '', 60, -1),
      await alice.client.call<string>('one.user.login', 'alice', '', 60, -1),
    ];

    await daemon.admin.call('one.user.login', 'alice', '', 0);

    for (const token of tokens) {
      t.equal((await apiError(daemon.client(`alice:${token}`).call('one.system.version'))).code, ErrorCode.AUTHENTICATION);
    }
    t.equal((await userInfo(alice.client)).LOGIN_TOKEN, undefined);
  });

  t.test('end when the password changes', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    const token = await alice.client.call<string>('one.user.login', 'alice', '', 60, -1);

    await alice.client.call('one.user.passwd', alice.id, 'fresh-password');

    t.equal((await apiError(daemon.client(`alice:${token}`).call('one.system.version'))).code, ErrorCode.AUTHENTICATION);
  });

  t.test('expired ones are dropped', async (t) => {
    let clock = START;
    const daemon = await startTestDaemon(t, { now: () => clock });
    const alice = await createUser(daemon, 'alice');
    await alice.client.call('one.user.login', 'alice', 'short', 10, -1);

    clock = START + 20;
    await alice.client.call('one.user.login', 'alice', 'long', 100, -1);

    const expirations = (await userInfo(alice.client)).LOGIN_TOKEN.map((token: { EXPIRATION_TIME: string }) => token.EXPIRATION_TIME);
    t.same(expirations, [String(START + 120)]);
  });

  t.test('are limited to ten per user', async (t) => {
    const daemon = await startTestDaemon(t);
    const alice = await createUser(daemon, 'alice');
    for (let i = 0; i < 10; i += 1) await alice.client.call('one.user.login', 'alice', '', 60, -1);

    const error = await apiError(alice.client.call('one.user.login', 'alice', '', 60, -1));

    t.equal(error.code, ErrorCode.XML_RPC_API);
    t.match(error.message, /Max number of tokens/);
  });
});

t.test('group-restricted tokens', async (t) => {
  t.test('act in their group only', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice', [physics, 1]);
    const token = await alice.client.call<string>('one.user.login', 'alice', '', 60, 1);
    const restricted = daemon.client(`alice:${token}`);

    const templateId = await restricted.call<number>('one.template.allocate', 'NAME = "t"\nCPU = 1\nMEMORY = 64');
    const template = parseDocument(await restricted.call<string>('one.template.info', templateId)).VMTEMPLATE;
    const groups = fieldOfEach(await restricted.call<string>('one.grouppool.info'), 'GROUP', 'NAME');
    const ownGroup = parseDocument(await restricted.call<string>('one.group.info', -1)).GROUP;

    t.equal((await userInfo(restricted)).LOGIN_TOKEN[0].EGID, '1');
    t.equal(template.GID, '1', 'new objects belong to the token group');
    t.same(groups, ['users']);
    t.equal(ownGroup.NAME, 'users');
    t.equal((await apiError(restricted.call('one.group.info', physics))).code, ErrorCode.AUTHORIZATION);
  });

  t.test('need a group of the user', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice');

    const error = await apiError(alice.client.call('one.user.login', 'alice', '', 60, physics));

    t.equal(error.code, ErrorCode.XML_RPC_API);
  });

  t.test('cannot widen their own session', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice', [1, physics]);
    const token = await alice.client.call<string>('one.user.login', 'alice', '', 60, 1);
    const restricted = daemon.client(`alice:${token}`);

    const full = await apiError(restricted.call('one.user.login', 'alice', '', 60, -1));
    const other = await apiError(restricted.call('one.user.login', 'alice', '', 60, physics));
    const same = await restricted.call<string>('one.user.login', 'alice', '', 60, 1);

    t.equal(full.code, ErrorCode.XML_RPC_API, 'no full token');
    t.equal(other.code, ErrorCode.XML_RPC_API, 'no token for another group');
    t.equal(await daemon.client(`alice:${same}`).call('one.system.version'), '6.10.5', 'same group is fine');
  });

  t.test('stop once the user leaves', async (t) => {
    const daemon = await startTestDaemon(t);
    const physics = await createGroup(daemon, 'physics');
    const alice = await createUser(daemon, 'alice', [1, physics]);
    const token = await alice.client.call<string>('one.user.login', 'alice', '', 60, physics);

    await daemon.admin.call('one.user.delgroup', alice.id, physics);

    const error = await apiError(daemon.client(`alice:${token}`).call('one.grouppool.info'));
    t.equal(error.code, ErrorCode.AUTHENTICATION);
  });
});

t.test('daemon log', async (t) => {
  t.test('never contains session secrets', async (t) => {
    const home = temporaryHome(t);
    const daemon = await Daemon.start({ home, settings: testSettings() });
    const adminSession = readFileSync(path.join(home, 'one_auth'), 'utf8').trim();
    const admin = new OneClient({ endpoint: daemon.url, session: adminSession });
    const client = (session: string) => new OneClient({ endpoint: daemon.url, session });
    const secrets = [adminSession.split(':')[1], 'alice-first-password', 'alice-second-password', 'alice-chosen-token'];

    try {
      const alice = await admin.call<number>('one.user.allocate', 'alice', secrets[1], 'core', []);
      await client(`alice:${secrets[1]}`).call('one.user.login', 'alice', secrets[3], 60, -1);
      await client(`alice:${secrets[3]}`).call('one.user.info', -1);
      await client(`alice:${secrets[3]}`).call('one.user.passwd', alice, secrets[2]);
      await client(`alice:${secrets[1]}`).call('one.user.info', -1).catch(() => undefined);
      await client(`alice:${secrets[2]}`).call('one.no.such.method').catch(() => undefined);
      await client(`alice:${secrets[2]}`).call('one.user.info', 'not an id').catch(() => undefined);
    } finally {
      await daemon.stop();
    }

    const log = readFileSync(path.join(home, 'log', 'stratusd.log'), 'utf8');
    t.match(log, /rpc\.call .*method=one\.user\.passwd/, 'the calls were logged');
    for (const secret of secrets) {
      t.notOk(log.includes(secret), `log omits ${secret.slice(0, 12)}`);
    }
  });
});
