import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import t from 'tap';
import type { Authenticator } from '../../core/auth/authenticator.js';
import { DaemonLog } from '../../core/log/events.js';
import { createWinstonLogger } from '../../core/log/logger.js';
import { OneApiError } from '../../rpc/client/errors.js';
import { Dispatcher } from '../../rpc/server/dispatcher.js';
import { MethodTable } from '../../rpc/server/method-table.js';
import { startTestDaemon, temporaryHome, type TestDaemon } from '../helpers/daemon.js';
import { methodCall, postRaw } from '../helpers/raw-http.js';

/** Stops the daemon, which flushes its log, and returns the log's lines. */
async function stopAndReadLog(test: TestDaemon): Promise<string[]> {
  await test.daemon.stop();
  return readFileSync(path.join(test.home, 'log', 'stratusd.log'), 'utf8').split('\n');
}

function callLines(lines: string[]): string[] {
  return lines.filter((line) => / rpc\.call /.test(line));
}

function runSql(file: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (openError) => {
      if (openError) {
        reject(openError);
        return;
      }
      db.exec(sql, (error) => {
        db.close();
        if (error) reject(error);
        else resolve();
      });
    });
  });
}

t.test('one log line per API call', async (t) => {
  const test = await startTestDaemon(t);
  const { admin, client, url, adminSession } = test;

  await admin.call('one.system.version');
  await admin.call('one.vm.allocate', 'CPU = "1"\nMEMORY = "64"', true);
  await client('oneadmin:wrong').call('one.system.version').catch(() => undefined);
  await postRaw(url, methodCall('one.no.such.method', [`<string>${adminSession}</string>`]));
  await postRaw(url, '<methodCall><methodName>one.system.version</methodName>');
  const lines = callLines(await stopAndReadLog(test));

  t.equal(lines.length, 5, 'five calls, five lines');
  for (const line of lines) {
    t.match(line, /reqId=[0-9a-f]{8} uid=-?\d+ client=127\.0\.0\.1 method=\S+ code=-?\d+ ms=[\d.]+$/, 'fields');
  }
  t.match(lines[0], 'uid=0 client=127.0.0.1 method=one.system.version code=0', 'success');
  t.match(lines[1], 'uid=0 client=127.0.0.1 method=one.vm.allocate code=0', 'allocation');
  t.match(lines[2], 'uid=-1 client=127.0.0.1 method=one.system.version code=256', 'wrong password');
  t.match(lines[3], 'method=one.no.such.method code=-506', 'unknown method');
  t.match(lines[4], 'uid=-1 client=127.0.0.1 method=- code=-503', 'malformed body');
  t.equal(new Set(lines.map((line) => /reqId=(\S+)/.exec(line)?.[1])).size, 5, 'distinct request ids');
});

t.test('internal error logged with reqId', async (t) => {
  const test = await startTestDaemon(t);
  await runSql(path.join(test.home, 'stratus.db'), 'DROP TABLE host_pool');

  const error = await test.admin.call('one.hostpool.info').catch((caught: unknown) => caught);
  const lines = await stopAndReadLog(test);

  t.ok(error instanceof OneApiError, 'failure response');
  t.equal((error as OneApiError).code, 0x2000, 'code INTERNAL');
  const reqId = /request ([0-9a-f]{8})/.exec((error as OneApiError).message)?.[1];
  t.ok(reqId, 'message names the request id');
  const logged = lines.find((line) => line.includes('internal.error') && line.includes(`reqId=${reqId}`));
  t.ok(logged, 'internal.error line with that reqId');
  t.match(logged, 'method=one.hostpool.info', 'names the method');
  t.match(logged, 'no such table: host_pool', 'names the cause');
});

t.test('internal error cause chain logged', async (t) => {
  const home = temporaryHome(t);
  const log = new DaemonLog(createWinstonLogger({ logDir: home }));
  const methods = new MethodTable();
  methods.register('stratus.test.fail', async () => {
    const diskError = new Error('disk I/O error on stratus.db');
    throw new Error('cannot store VM 7', { cause: new Error('COMMIT failed', { cause: diskError }) });
  });
  const authenticator = {
    authenticate: async () => ({ uid: 0, gid: 0, groupIds: [0], uname: 'oneadmin', gname: 'oneadmin' }),
  } as unknown as Authenticator;
  const dispatcher = new Dispatcher(methods, authenticator, log, {});

  const response = await dispatcher.handle(Buffer.from(methodCall('stratus.test.fail', ['<string>oneadmin:x</string>'])), '127.0.0.1');
  await log.close();
  const logged = readFileSync(path.join(home, 'stratusd.log'), 'utf8');

  t.match(response, '<i4>8192</i4>', 'INTERNAL response');
  t.match(logged, 'error="cannot store VM 7"', 'error message');
  t.match(logged, 'cause="COMMIT failed <- disk I/O error on stratus.db"', 'cause chain');
});

t.test('secrets never logged', async (t) => {
  const test = await startTestDaemon(t);
  const { admin, client, url, adminSession } = test;
  const adminPassword = adminSession.slice(adminSession.indexOf(':') + 1);
  const serverSession = readFileSync(path.join(test.home, 'serveradmin_auth'), 'utf8').trim();

  const aliceId = await admin.call<number>('one.user.allocate', 'alice', 'first-password-5b1e', 'core', []);
  await admin.call('one.user.passwd', aliceId, 'second-password-93ac');
  const alice = client('alice:second-password-93ac');
  const token = await alice.call<string>('one.user.login', 'alice', '', 3600, -1);
  await client(`alice:${token}`).call('one.user.info', -1);
  await client('alice:guessed-password-77d0').call('one.user.info', -1).catch(() => undefined);
  await admin.call('one.user.passwd', 'third-password-c4f2', aliceId).catch(() => undefined);
  await postRaw(url, methodCall('one.user.info', [`<int>${adminSession}</int>`]));
  await postRaw(url, methodCall('one.user.passwd', [`<string>${adminSession}</string>`, `<int>${aliceId}</int>`, '<int>fourth-password-0e9b</int>']));
  await postRaw(url, methodCall('one.system.version', [`<string>${adminSession}\u0001</string>`]));
  const log = (await stopAndReadLog(test)).join('\n');

  const secrets = {
    'admin session': adminSession,
    'admin password': adminPassword,
    'admin password hash': createHash('sha256').update(adminPassword).digest('hex'),
    'serveradmin session': serverSession,
    'first password': 'first-password-5b1e',
    'second password': 'second-password-93ac',
    'login token': token,
    'guessed password': 'guessed-password-77d0',
    'password in a wrong position': 'third-password-c4f2',
    'password in a malformed value': 'fourth-password-0e9b',
  };
  t.ok(callLines(log.split('\n')).length >= 9, 'the workload was logged');
  for (const [name, secret] of Object.entries(secrets)) {
    t.notOk(log.includes(secret), `${name} not in the log`);
  }
});

/** Calls one.system.version with `session` from the loopback address `localAddress`, and returns the HTTP status. */
function versionFrom(url: string, session: string, localAddress: string): Promise<number> {
  const target = new URL(url);
  const body = methodCall('one.system.version', [`<string>${session}</string>`]);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', localAddress, agent: false, headers: { 'Content-Type': 'text/xml' } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function authFailedLines(lines: string[]): string[] {
  return lines.filter((line) => / auth\.failed /.test(line));
}

t.test('failed logins logged with user and client', async (t) => {
  const test = await startTestDaemon(t);
  const aliceId = await test.admin.call<number>('one.user.allocate', 'alice', 'alice-password-41c7', 'core', []);

  await versionFrom(test.url, 'alice:wrong-password-8d2e', '127.0.0.2');
  await versionFrom(test.url, 'mallory:mallory-password-5f90', '127.0.0.3');
  const lines = await stopAndReadLog(test);
  const failures = authFailedLines(lines);

  t.equal(failures.length, 2, 'one line per failure');
  t.match(failures[0], / warn auth\.failed user=alice /, 'wrong password: user');
  t.match(failures[0], `uid=${aliceId} client=127.0.0.2 `, 'wrong password: uid and client');
  t.match(failures[0], /reqId=[0-9a-f]{8} reason="wrong secret"/, 'wrong password: request id and reason');
  t.match(failures[1], / warn auth\.failed user=mallory client=127\.0\.0\.3 reqId=[0-9a-f]{8} reason="unknown user"/, 'unknown user');

  const log = lines.join('\n');
  t.notMatch(log, 'wrong-password-8d2e', 'wrong password not logged');
  t.notMatch(log, 'mallory-password-5f90', 'secret of the unknown user not logged');
  t.notMatch(log, /driver\.call_failed kind=auth .*code=FAILURE/, 'no driver.call_failed line for the refusal');
});

t.test('failed logins rate-limited per client', async (t) => {
  let clockSeconds = Math.floor(Date.now() / 1000);
  const test = await startTestDaemon(t, { now: () => clockSeconds });

  for (let attempt = 0; attempt < 20; attempt += 1) {
    await versionFrom(test.url, `oneadmin:guess-${attempt}`, '127.0.0.2');
  }
  await versionFrom(test.url, 'oneadmin:guess-other-client', '127.0.0.3');
  clockSeconds += 11;
  await versionFrom(test.url, 'oneadmin:guess-after-the-interval', '127.0.0.2');
  for (let attempt = 0; attempt < 5; attempt += 1) {
    await versionFrom(test.url, `oneadmin:second-burst-${attempt}`, '127.0.0.2');
  }
  clockSeconds += 11;
  await versionFrom(test.url, 'oneadmin:guess-other-client-later', '127.0.0.3');
  const lines = await stopAndReadLog(test);
  const failures = authFailedLines(lines);

  const fromBurst = failures.filter((line) => line.includes('client=127.0.0.2'));
  t.equal(fromBurst.length, 2, 'two bursts from one client: two lines');
  t.notMatch(fromBurst[0], 'suppressed=', 'first line of the burst');
  t.match(fromBurst[1], 'suppressed=19', 'the next line counts the first burst');
  t.equal(failures.filter((line) => line.includes('client=127.0.0.3')).length, 2, 'another client has its own lines');
  const reports = lines.filter((line) => / auth\.failures_suppressed /.test(line));
  t.equal(reports.length, 1, 'one report of the second burst');
  t.match(reports[0], 'client=127.0.0.2 count=5', 'the report counts the second burst');
});
