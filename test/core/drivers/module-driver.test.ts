import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { driverFor, rejectionOf, startedDriver } from './support/driver-harness.js';
import { fixtureDir, temporaryFolder } from './support/plugin-fixtures.js';

const vmRequest = { vmId: 42, host: 'node1', deployId: 'module-42' };
const deployRequest = { vmId: 42, host: 'node1', vmDir: '/srv/42', deploymentFile: '/srv/42/deployment.0.json' };
const callOptions = { objectId: 42, timeoutMs: 5000 };

/** Writes a module plugin claiming `actions`, with `source` as driver.mjs (.mjs, because the temporary folder has no package.json saying "type": "module"). */
function writeModulePlugin(folder: string, name: string, actions: string[], source: string): string {
  const dir = path.join(folder, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'plugin.json'), JSON.stringify({ name, kind: 'vmm', protocol: [1], actions, retry: [], entry: { module: 'driver.mjs' } }));
  writeFileSync(path.join(dir, 'driver.mjs'), source);
  return dir;
}

t.test('module driver answers its actions', async (t) => {
  const { driver, sink } = await startedDriver(t, fixtureDir('good-module-vmm'));

  t.same(await driver.call('DEPLOY', deployRequest, callOptions), { deployId: 'module-42' });
  t.same(await driver.call('POLL', vmRequest, callOptions), { state: 'RUNNING' });
  t.same(await driver.call('SHUTDOWN', { ...vmRequest, timeoutSeconds: 60 }, callOptions), {}, 'returning nothing is an empty reply');
  t.same(sink.lines, [{ kind: 'vmm', driver: 'good-module', objectId: 42, severity: 'I', text: 'deploying on node1' }], 'context.log reaches the object log');
});

t.test('thrown error becomes FAILURE', async (t) => {
  const { driver } = await startedDriver(t, fixtureDir('good-module-vmm'));

  const error = await rejectionOf(driver.call('SHUTDOWN', { ...vmRequest, deployId: 'gone', timeoutSeconds: 60 }, callOptions));

  t.equal(error.code, 'FAILURE');
  t.equal(error.detail, 'no VM gone on node1');
});

t.test('module finalize runs on stop', async (t) => {
  const { driver } = await startedDriver(t, fixtureDir('good-module-vmm'));

  const result = await driver.stop();

  t.same(result, { clean: true, description: 'finalize() finished' });
  const error = await rejectionOf(driver.call('POLL', vmRequest, callOptions));
  t.equal(error.code, 'STOPPED');
});

t.test('named createDriver export is used', async (t) => {
  const dir = writeModulePlugin(temporaryFolder(t), 'named', ['CANCEL'], 'export function createDriver() { return { async CANCEL() {} }; }\n');
  const { driver } = await startedDriver(t, dir);

  t.same(await driver.call('CANCEL', vmRequest, callOptions), {});
});

t.test('module without a claimed method rejected', async (t) => {
  const dir = writeModulePlugin(temporaryFolder(t), 'missing', ['CANCEL', 'REBOOT'], 'export default () => ({ async CANCEL() {} });\n');
  const { driver } = await driverFor(t, dir);

  const error = await rejectionOf(driver.start());

  t.equal(error.code, 'MODULE_INVALID');
  t.match(error.message, /plugin.json claims REBOOT but the driver object has no method of that name/);
});

t.test('module without a factory rejected', async (t) => {
  const dir = writeModulePlugin(temporaryFolder(t), 'no-factory', ['CANCEL'], 'export const driver = {};\n');
  const { driver } = await driverFor(t, dir);

  const error = await rejectionOf(driver.start());

  t.equal(error.code, 'MODULE_INVALID');
  t.match(error.message, /exports no driver factory/);
});

t.test('module that does not import rejected', async (t) => {
  const dir = writeModulePlugin(temporaryFolder(t), 'syntax-error', ['CANCEL'], 'export default () => {\n');
  const { driver } = await driverFor(t, dir);

  const error = await rejectionOf(driver.start());

  t.equal(error.code, 'MODULE_INVALID');
  t.match(error.message, /could not be imported/);
});

t.test('init that throws is INIT_FAILED', async (t) => {
  const source = 'export default () => ({ async init(version) { throw new Error(`no hypervisor for protocol ${version}`); }, async CANCEL() {} });\n';
  const dir = writeModulePlugin(temporaryFolder(t), 'init-throws', ['CANCEL'], source);
  const { driver } = await driverFor(t, dir);

  const error = await rejectionOf(driver.start());

  t.equal(error.code, 'INIT_FAILED');
  t.match(error.message, /init\(1\) threw: no hypervisor for protocol 1/);
});

t.test('method that never settles times out', async (t) => {
  const source = 'export default () => ({ CANCEL() { return new Promise(() => {}); } });\n';
  const dir = writeModulePlugin(temporaryFolder(t), 'hangs', ['CANCEL'], source);
  const { driver } = await startedDriver(t, dir);

  const error = await rejectionOf(driver.call('CANCEL', vmRequest, { objectId: 42, timeoutMs: 200 }));

  t.equal(error.code, 'TIMEOUT');
  t.equal(driver.inFlight, 0, 'the request no longer counts as in flight');
});

t.test('module reply with a wrong field is INVALID_REPLY', async (t) => {
  const source = 'export default () => ({ async POLL() { return { state: 5 }; } });\n';
  const dir = writeModulePlugin(temporaryFolder(t), 'lies', ['POLL'], source);
  const { driver } = await startedDriver(t, dir);

  const error = await rejectionOf(driver.call('POLL', vmRequest, callOptions));

  t.equal(error.code, 'INVALID_REPLY');
  t.match(error.message, /field "state" must be string/);
});

t.test('synchronous throw becomes FAILURE', async (t) => {
  const source = 'export default () => ({ CANCEL() { throw new TypeError("bad host"); } });\n';
  const dir = writeModulePlugin(temporaryFolder(t), 'sync-throw', ['CANCEL'], source);
  const { driver } = await startedDriver(t, dir);

  const error = await rejectionOf(driver.call('CANCEL', vmRequest, callOptions));

  t.equal(error.code, 'FAILURE');
  t.equal(error.detail, 'bad host');
});

t.test('module whose import never ends times out', async (t) => {
  const source = 'await new Promise(() => {});\nexport default () => ({ async CANCEL() {} });\n';
  const dir = writeModulePlugin(temporaryFolder(t), 'import-hangs', ['CANCEL'], source);
  const { driver } = await driverFor(t, dir, { initTimeoutMs: 300 });

  const error = await rejectionOf(driver.start());

  t.equal(error.code, 'INIT_TIMEOUT');
  t.match(error.message, /importing the module took longer than 0.3 s/);
});
