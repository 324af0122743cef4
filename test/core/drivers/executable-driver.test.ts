import t from 'tap';
import type { ExecutableDriver } from '../../../core/drivers/runtime/executable-driver.js';
import { driverFor, rejectionOf, startedDriver } from './support/driver-harness.js';
import { fixtureDir, isAlive, temporaryFolder, waitFor, writeScriptPlugin } from './support/plugin-fixtures.js';

const vmRequest = { vmId: 42, host: 'node1', deployId: 'stratus-42' };
const deployRequest = { vmId: 42, host: 'node1', vmDir: '/var/lib/stratus/datastores/0/42', deploymentFile: '/tmp/deployment.0.json' };
const callOptions = { objectId: 42, timeoutMs: 10_000 };

t.test('good bash driver answers its actions', async (t) => {
  const { driver, log } = await startedDriver(t, fixtureDir('good-bash-vmm'));

  t.equal(driver.state, 'ready');
  t.equal(driver.version, 1);
  t.same(await driver.call('DEPLOY', deployRequest, callOptions), { deployId: 'bash-vm' });
  t.same(await driver.call('POLL', vmRequest, callOptions), { state: 'RUNNING', cpu: 1.5, memoryKb: 1024 });
  t.same(await driver.call('SHUTDOWN', { ...vmRequest, timeoutSeconds: 60 }, callOptions), {}, 'an empty reply "-" is {}');
  t.ok(log.named('driver.log').some((event) => String(event.fields.text).startsWith('deploying')), 'LOG -1 goes to the daemon log');
});

t.test('good python driver decodes requests', async (t) => {
  const { driver } = await startedDriver(t, fixtureDir('good-python-image'));
  const request = { imageId: 7, datastoreId: 1, datastorePath: '/srv/ds/1', path: '/tmp/disk.img' };

  const reply = (await driver.call('REGISTER', request, { objectId: 7, timeoutMs: 10_000 })) as Record<string, unknown>;

  t.equal(reply.source, '/srv/ds/1/7.img');
  t.equal(reply.format, 'raw');
});

t.test('concurrent requests matched by id', async (t) => {
  const { driver } = await startedDriver(t, fixtureDir('good-python-image'));
  const requests = [1, 2, 3, 4, 5].map((imageId) =>
    driver.call('REGISTER', { imageId, datastoreId: 1, datastorePath: '/ds', path: 'x' }, { objectId: imageId, timeoutMs: 10_000 }),
  );

  const replies = (await Promise.all(requests)) as Array<{ source: string }>;

  t.same(
    replies.map((reply) => reply.source),
    ['/ds/1.img', '/ds/2.img', '/ds/3.img', '/ds/4.img', '/ds/5.img'],
  );
});

t.test('FAILURE reply becomes FAILURE error', async (t) => {
  const { driver } = await startedDriver(t, fixtureDir('good-bash-vmm'));

  const error = await rejectionOf(driver.call('REBOOT', vmRequest, callOptions));

  t.equal(error.code, 'FAILURE');
  t.match(error.message, /vmm driver "good-bash" REBOOT for object 42 failed \(FAILURE\): unknown action REBOOT/);
});

t.test('reply with a wrong field type is INVALID_REPLY', async (t) => {
  const { driver, log } = await startedDriver(t, fixtureDir('lies-about-reply'));

  const error = await rejectionOf(driver.call('POLL', vmRequest, callOptions));

  t.equal(error.code, 'INVALID_REPLY');
  t.match(error.message, /field "state" must be string, got 5/);
  t.equal(log.named('driver.invalid_reply').length, 1, 'the reply is logged');
});

t.test('garbled reply fails its request', async (t) => {
  const { driver, log } = await startedDriver(t, fixtureDir('writes-garbage'));

  const error = await rejectionOf(driver.call('POLL', vmRequest, callOptions));

  t.equal(error.code, 'INVALID_REPLY');
  t.match(error.message, /does not parse: the reply payload is not base64/);
  const invalidReply = log.named('driver.invalid_reply')[0];
  t.match(String(invalidReply?.fields.line), /%%%not-base64%%%/, 'the offending line is logged');
  const stray = log.named('driver.invalid_line')[0];
  t.equal(stray?.fields.line, 'hello from a debug print', 'a line for no request is logged and ignored');
  t.equal(driver.state, 'ready', 'the driver keeps running');
});

t.test('driver exiting at INIT is INIT_FAILED', async (t) => {
  const { driver } = await driverFor(t, fixtureDir('crashes-on-init'));

  const error = await rejectionOf(driver.start());

  t.equal(error.code, 'INIT_FAILED');
  t.match(error.message, /exited with code 3 before answering INIT/);
  t.match(error.message, /cannot open \/dev\/kvm/, 'standard error is quoted');
});

t.test('driver silent at INIT is INIT_TIMEOUT', async (t) => {
  const { driver } = await driverFor(t, fixtureDir('never-answers'), { initTimeoutMs: 500 });

  const error = await rejectionOf(driver.start());

  t.equal(error.code, 'INIT_TIMEOUT');
  t.match(error.message, /no reply to "INIT 1" within 0.5 s/);
  const pid = (driver as ExecutableDriver).pid;
  t.ok(pid !== undefined && !isAlive(pid), 'the process is killed');
});

t.test('INIT answered with another version', async (t) => {
  const folder = temporaryFolder(t);
  const dir = writeScriptPlugin(folder, 'answers-version-7', { name: 'seven', kind: 'vmm', actions: ['POLL'] }, '#!/usr/bin/env bash\nread -r line\necho "INIT SUCCESS 7"\nread -r line\n');
  const { driver } = await driverFor(t, dir);

  const error = await rejectionOf(driver.start());

  t.equal(error.code, 'INIT_VERSION_MISMATCH');
  t.match(error.message, /sent "INIT 1" and the driver answered "INIT SUCCESS 7"/);
});

t.test('INIT answered in the OpenNebula form', async (t) => {
  const folder = temporaryFolder(t);
  const dir = writeScriptPlugin(folder, 'opennebula-style', { name: 'one-style', kind: 'vmm', actions: ['POLL'] }, '#!/usr/bin/env bash\nread -r line\necho "INIT SUCCESS - -"\nread -r line\n');
  const { driver } = await driverFor(t, dir);

  const error = await rejectionOf(driver.start());

  t.equal(error.code, 'INIT_INVALID');
  t.match(error.message, /must carry the protocol version/);
});

t.test('driver gets args, cwd and a minimal environment', async (t) => {
  const folder = temporaryFolder(t);
  const script = [
    '#!/usr/bin/env bash',
    'read -r line; echo "INIT SUCCESS 1"',
    'while read -r action id payload; do',
    '  [ "$action" = FINALIZE ] && exit 0',
    '  echo "LOG I 1 args=$#:$1:$2"',
    '  echo "LOG I 1 cwd=$PWD plugin=$STRATUS_PLUGIN_DIR"',
    '  echo "LOG I 1 secret=${STRATUS_TEST_SECRET:-absent}"',
    '  echo "$action SUCCESS $id -"',
    'done',
  ].join('\n');
  const dir = writeScriptPlugin(folder, 'env-probe', { name: 'env-probe', kind: 'vmm', actions: ['CANCEL'], entry: { executable: 'driver', args: ['two words', '$HOME'] } }, script);
  process.env.STRATUS_TEST_SECRET = 'must-not-leak';
  t.teardown(() => delete process.env.STRATUS_TEST_SECRET);
  const { driver, sink } = await startedDriver(t, dir);

  await driver.call('CANCEL', vmRequest, callOptions);

  const texts = sink.lines.map((line) => line.text);
  t.ok(texts.includes('args=2:two words:$HOME'), 'arguments arrive as given, with no shell');
  t.ok(texts.includes(`cwd=${dir} plugin=${dir}`), 'cwd and STRATUS_PLUGIN_DIR are the plugin folder');
  t.ok(texts.includes('secret=absent'), 'other daemon variables do not reach the driver');
});

t.test('overlong line restarts the driver', async (t) => {
  const folder = temporaryFolder(t);
  const script = [
    '#!/usr/bin/env python3',
    'import sys',
    'for line in iter(sys.stdin.readline, ""):',
    '    words = line.split()',
    '    if words[0] == "INIT": print("INIT SUCCESS 1", flush=True)',
    '    elif words[0] == "POLL": print("x" * 200000, flush=True)',
    '    elif words[0] == "CANCEL": print(f"CANCEL SUCCESS {words[1]} -", flush=True)',
  ].join('\n');
  const dir = writeScriptPlugin(folder, 'long-line', { name: 'long-line', kind: 'vmm', actions: ['POLL', 'CANCEL'] }, script);
  const { driver, log } = await startedDriver(t, dir, { maxLineBytes: 65536 });

  const error = await rejectionOf(driver.call('POLL', vmRequest, callOptions));

  t.equal(error.code, 'CRASHED');
  t.match(error.message, /wrote a line longer than 65536 bytes/);
  t.equal(log.named('driver.line_too_long').length, 1);
  await waitFor(() => driver.state === 'ready', 'the restart');
  t.same(await driver.call('CANCEL', vmRequest, callOptions), {}, 'the restarted driver answers');
});

t.test('standard error goes to the log', async (t) => {
  const folder = temporaryFolder(t);
  const script = '#!/usr/bin/env bash\nread -r line\necho "warming up" >&2\necho "INIT SUCCESS 1"\nwhile read -r line; do [ "$line" = FINALIZE ] && exit 0; done\n';
  const dir = writeScriptPlugin(folder, 'chatty', { name: 'chatty', kind: 'vmm', actions: ['POLL'] }, script);
  const { log } = await startedDriver(t, dir);

  await waitFor(() => log.named('driver.stderr').length > 0, 'the stderr line');

  t.equal(log.named('driver.stderr')[0]?.fields.line, 'warming up');
});
