import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import t from 'tap';
import { OneClient } from '../../rpc/client/client.js';
import { spawnDaemon, temporaryHome } from '../helpers/daemon.js';
import { exitWithin, hasExited, killOnTeardown, readAdminSession, runDaemonUntilExit } from '../helpers/daemon-process.js';

function fileMode(file: string): number {
  return statSync(file).mode & 0o777;
}

function journalMode(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (openError) => {
      if (openError) {
        reject(openError);
        return;
      }
      db.get('PRAGMA journal_mode', (error: Error | null, row: { journal_mode: string } | undefined) => {
        db.close();
        if (error) reject(error);
        else resolve(row?.journal_mode ?? '');
      });
    });
  });
}

/** Finds a TCP port that was free a moment ago on `address`. */
function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, address, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function writeConfig(home: string, text: string): string {
  const file = path.join(home, 'bad.conf');
  writeFileSync(file, text);
  return file;
}

t.test('first start creates the database', async (t) => {
  const home = temporaryHome(t);
  const daemon = await spawnDaemon(home);
  killOnTeardown(t, daemon);
  const dbFile = path.join(home, 'stratus.db');

  t.match(daemon.url, /^http:\/\/127\.0\.0\.1:\d+\/RPC2$/, 'listening line names the URL');
  t.equal(fileMode(dbFile), 0o600, 'database file mode 0600');
  t.equal(fileMode(`${dbFile}-wal`), 0o600, 'WAL file mode 0600');
  t.equal(fileMode(`${dbFile}-shm`), 0o600, 'shared-memory file mode 0600');
  t.equal(fileMode(path.join(home, 'one_auth')), 0o600, 'one_auth mode 0600');
  t.match(readAdminSession(home), /^oneadmin:\S+$/, 'one_auth holds the oneadmin session');
  t.equal(readFileSync(path.join(home, 'stratusd.lock'), 'utf8').trim(), String(daemon.child.pid), 'lock file holds the pid');

  daemon.child.kill('SIGTERM');
  t.equal(await exitWithin(daemon, 30_000), 0, 'exit code 0');
  t.equal(await journalMode(dbFile), 'wal', 'journal_mode is WAL');
});

t.test('start tightens an existing database mode', async (t) => {
  const home = temporaryHome(t);
  const first = await spawnDaemon(home);
  killOnTeardown(t, first);
  first.child.kill('SIGTERM');
  await first.exited;
  const dbFile = path.join(home, 'stratus.db');
  chmodSync(dbFile, 0o644);

  const second = await spawnDaemon(home);
  killOnTeardown(t, second);

  t.equal(fileMode(dbFile), 0o600);
});

t.test('second daemon on one home', async (t) => {
  const home = temporaryHome(t);
  const first = await spawnDaemon(home);
  killOnTeardown(t, first);

  const second = await runDaemonUntilExit(['--home', home, '--port', '0']);

  t.equal(second.exit, 1, 'exit code 1');
  t.match(second.stderr, `another stratusd (pid ${first.child.pid})`, 'message names the pid');
  t.notOk(hasExited(first), 'first daemon still running');
});

t.test('stale lock file taken over', async (t) => {
  const home = temporaryHome(t);
  const exited = spawnSync(process.execPath, ['-e', '']);
  writeFileSync(path.join(home, 'stratusd.lock'), `${exited.pid}\n`);

  const daemon = await spawnDaemon(home);
  killOnTeardown(t, daemon);

  t.equal(readFileSync(path.join(home, 'stratusd.lock'), 'utf8').trim(), String(daemon.child.pid));
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`${signal} stops cleanly`, async (t) => {
    const home = temporaryHome(t);
    const daemon = await spawnDaemon(home);
    killOnTeardown(t, daemon);

    daemon.child.kill(signal);

    t.equal(await exitWithin(daemon, 30_000), 0, 'exit code 0');
    t.notOk(existsSync(path.join(home, 'stratusd.lock')), 'lock file removed');
    const log = readFileSync(path.join(home, 'log', 'stratusd.log'), 'utf8');
    t.match(log, `daemon.stopping signal=${signal}`, 'stop logged with the signal');
    t.match(log, 'daemon.stopped', 'end of stop logged');
  });
}

t.test('SIGTERM during calls in progress', async (t) => {
  const home = temporaryHome(t);
  const daemon = await spawnDaemon(home);
  killOnTeardown(t, daemon);
  const client = new OneClient({ endpoint: daemon.url, session: readAdminSession(home) });

  const calls = Array.from({ length: 20 }, (_, n) =>
    client.call('one.vm.allocate', `CPU = "1"\nMEMORY = "64"\nTOKEN = "${n}"`, true).catch(() => undefined),
  );
  daemon.child.kill('SIGTERM');
  await Promise.all(calls);

  t.equal(await exitWithin(daemon, 30_000), 0, 'exit code 0');
  t.notOk(existsSync(path.join(home, 'stratusd.lock')), 'lock file removed');
});

const BAD_CONFIGS = [
  { name: 'unknown setting', text: 'LISTEN_ADDRESS = "127.0.0.1"\nMAX_CLIENTS = 5\n', names: 'MAX_CLIENTS' },
  { name: 'unknown setting in a section', text: 'RPC = [ MAX_BODY_SIZE = "10" ]\n', names: 'RPC/MAX_BODY_SIZE' },
  { name: 'value not a number', text: 'RPC = [ MAX_BODY_BYTES = "lots" ]\n', names: 'RPC/MAX_BODY_BYTES' },
  { name: 'value below minimum', text: 'RPC = [ REQUEST_TIMEOUT_MS = "5" ]\n', names: 'RPC/REQUEST_TIMEOUT_MS' },
  { name: 'port above 65535', text: 'PORT = 70000\n', names: 'PORT' },
  { name: 'value not a choice', text: 'DB = [ SYNCHRONOUS = "SOMETIMES" ]\n', names: 'DB/SYNCHRONOUS' },
];

for (const config of BAD_CONFIGS) {
  t.test(`bad config: ${config.name}`, async (t) => {
    const home = temporaryHome(t);
    const file = writeConfig(home, config.text);

    const run = await runDaemonUntilExit(['--home', home, '--config', file, '--port', '0']);

    t.equal(run.exit, 1, 'exit code 1');
    t.match(run.stderr, config.names, 'message names the setting');
    t.notMatch(run.stderr, /\n\s+at /, 'no stack trace');
    t.notOk(existsSync(path.join(home, 'stratusd.lock')), 'no lock file left');
  });
}

t.test('bad config: missing file', async (t) => {
  const home = temporaryHome(t);
  const file = path.join(home, 'absent.conf');

  const run = await runDaemonUntilExit(['--home', home, '--config', file, '--port', '0']);

  t.equal(run.exit, 1, 'exit code 1');
  t.match(run.stderr, file, 'message names the file');
});

t.test('--listen and --port honoured', async (t) => {
  const home = temporaryHome(t);
  const port = await freePort('127.0.0.2');

  const daemon = await spawnDaemon(home, ['--listen', '127.0.0.2', '--port', String(port)]);
  killOnTeardown(t, daemon);
  const client = new OneClient({ endpoint: daemon.url, session: readAdminSession(home) });

  t.equal(daemon.url, `http://127.0.0.2:${port}/RPC2`, 'URL in the listening line');
  t.equal(await client.call('one.system.version'), '6.10.5', 'serves on that address');
});

t.test('port in use', async (t) => {
  const home = temporaryHome(t);
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const { port } = blocker.address() as net.AddressInfo;

  const run = await runDaemonUntilExit(['--home', home, '--listen', '127.0.0.1', '--port', String(port)]);

  t.equal(run.exit, 1, 'exit code 1');
  t.match(run.stderr, `cannot listen on 127.0.0.1 port ${port}: the port is already in use`, 'message');
  t.notMatch(run.stderr, /\n\s+at /, 'no stack trace');
  t.notOk(existsSync(path.join(home, 'stratusd.lock')), 'no lock file left');
});

t.test('--home that is a file', async (t) => {
  const file = path.join(temporaryHome(t), 'not-a-folder');
  writeFileSync(file, 'text\n');

  for (const home of [file, path.join(file, 'below')]) {
    const run = await runDaemonUntilExit(['--home', home, '--port', '0']);

    t.equal(run.exit, 1, `${home}: exit code 1`);
    t.equal(run.stderr, `stratusd: --home ${home} is not a folder; give a folder for the database, datastores and logs\n`, `${home}: message`);
  }
});

t.test('start failure printed once', async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const { port } = blocker.address() as net.AddressInfo;

  const failures = [
    { name: 'port in use', args: ['--listen', '127.0.0.1', '--port', String(port)] },
    // 192.0.2.1 is reserved for documentation (RFC 5737), so no host has it and no packet is sent.
    { name: 'address not on this host', args: ['--listen', '192.0.2.1', '--port', '0'] },
  ];
  for (const failure of failures) {
    const home = temporaryHome(t);

    const run = await runDaemonUntilExit(['--home', home, ...failure.args]);

    t.equal(run.exit, 1, `${failure.name}: exit code 1`);
    t.equal(run.stderr.match(/cannot listen on/g)?.length, 1, `${failure.name}: one message`);
    t.notMatch(run.stderr, /\n\s+at /, `${failure.name}: no stack trace`);
  }
});
