import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { digestsOf, failureOf } from '../image-fs/support/image-harness.js';
import { createTestDatastores, startTransferPlugins } from './support/transfer-harness.js';

const ds = createTestDatastores(t);
const { manager } = await startTransferPlugins(t);

/** Creates a VM folder with a disk and a checkpoint file, and returns the folder. */
function writeVmFolder(vmId: number): string {
  const folder = path.join(ds.system, String(vmId));
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'disk.0'), `disk of VM ${vmId}`);
  writeFileSync(path.join(folder, 'checkpoint'), `memory of VM ${vmId}`);
  return folder;
}

function move(vmId: number, source: string, target: string, sourceHost = 'localhost', host = 'localhost') {
  return manager.call('transfer', 'copy', 'MV', { vmId, sourceHost, source, host, target }, { objectId: vmId });
}

function remove(driver: 'shared' | 'copy' | 'qcow2', vmId: number, target: string) {
  return manager.call('transfer', driver, 'DELETE', { vmId, host: 'localhost', target }, { objectId: vmId });
}

t.test('MV moves a VM folder', async (t) => {
  const source = writeVmFolder(50);
  const target = path.join(ds.root, '100', '50');
  await move(50, source, target);

  t.notOk(existsSync(source), 'the old folder is gone');
  t.equal(readFileSync(path.join(target, 'disk.0'), 'utf8'), 'disk of VM 50');
  t.equal(readFileSync(path.join(target, 'checkpoint'), 'utf8'), 'memory of VM 50');
});

t.test('MV moves a file', async (t) => {
  const folder = writeVmFolder(51);
  await move(51, path.join(folder, 'disk.0'), path.join(folder, 'disk.0.saved'));

  t.notOk(existsSync(path.join(folder, 'disk.0')));
  t.equal(readFileSync(path.join(folder, 'disk.0.saved'), 'utf8'), 'disk of VM 51');
});

t.test('MV to same path leaves files', async (t) => {
  const folder = writeVmFolder(52);
  await move(52, folder, folder, 'localhost', '127.0.0.1');

  t.equal(readFileSync(path.join(folder, 'disk.0'), 'utf8'), 'disk of VM 52');
});

t.test('MV onto a full folder rejected', async (t) => {
  const source = writeVmFolder(53);
  const target = writeVmFolder(54);
  const error = await failureOf(move(53, source, target));

  t.match(error.message, /already exists and is a folder that is not empty/);
  t.equal(readFileSync(path.join(target, 'disk.0'), 'utf8'), 'disk of VM 54', 'the target is untouched');
  t.ok(existsSync(source), 'the source is untouched');
});

t.test('MV from another host rejected', async (t) => {
  const source = writeVmFolder(55);
  const error = await failureOf(move(55, source, path.join(ds.root, '100', '55'), 'node7'));

  t.match(error.message, /the sourceHost "node7" of VM 55 is not this machine/);
  t.ok(existsSync(source));
});

t.test('DELETE removes file and folder', async (t) => {
  const folder = writeVmFolder(56);
  await remove('qcow2', 56, path.join(folder, 'checkpoint'));
  t.notOk(existsSync(path.join(folder, 'checkpoint')), 'the file is gone');
  t.ok(existsSync(path.join(folder, 'disk.0')), 'its neighbour stays');

  await remove('shared', 56, folder);
  t.notOk(existsSync(folder), 'the folder is gone');
});

t.test('DELETE of missing path succeeds', async (t) => {
  await remove('copy', 57, path.join(ds.system, '57'));
  t.pass('deleting a missing folder succeeds');
});

t.test('DELETE of a link keeps the image', async (t) => {
  const disk = path.join(ds.system, '58', 'disk.0');
  const imageDigest = digestsOf(ds.qcowImage).sha256;
  await manager.call('transfer', 'shared', 'LN', { vmId: 58, host: 'localhost', source: ds.qcowImage, target: disk }, { objectId: 58 });
  await remove('shared', 58, path.join(ds.system, '58'));

  t.notOk(existsSync(path.join(ds.system, '58')), 'the VM folder is gone');
  t.equal(digestsOf(ds.qcowImage).sha256, imageDigest, 'the linked image is intact');
});

t.test('DELETE outside roots rejected', async (t) => {
  const outside = path.join(ds.work, 'precious');
  writeFileSync(outside, 'keep me');

  for (const target of [outside, path.join(ds.system, '..', '..', 'precious')]) {
    const error = await failureOf(remove('copy', 59, target));
    t.match(error.message, /is outside the datastore roots/, `${target} is rejected`);
  }
  t.equal(readFileSync(outside, 'utf8'), 'keep me', 'the file outside the roots is intact');
});

t.test('DELETE of datastore or root rejected', async (t) => {
  for (const target of [ds.system, ds.root]) {
    const error = await failureOf(remove('copy', 60, target));
    t.match(error.message, /is a datastore root or a whole datastore folder/, `${target} is rejected`);
    t.ok(lstatSync(target).isDirectory(), `${target} is intact`);
  }
});

t.test('DELETE through a linked folder rejected', async (t) => {
  const outsideFolder = path.join(ds.work, 'elsewhere');
  mkdirSync(outsideFolder);
  writeFileSync(path.join(outsideFolder, 'data'), 'keep me');
  const vmFolder = path.join(ds.system, '61');
  mkdirSync(vmFolder);
  symlinkSync(outsideFolder, path.join(vmFolder, 'escape'));

  const error = await failureOf(remove('copy', 61, path.join(vmFolder, 'escape', 'data')));
  t.match(error.message, `resolved to ${path.join(outsideFolder, 'data')}`);
  t.ok(existsSync(path.join(outsideFolder, 'data')), 'the file behind the link is intact');
});

t.test('DELETE without configured roots rejected', async (t) => {
  const saved = process.env.STRATUS_DATASTORE_ROOTS;
  const savedHome = process.env.STRATUS_HOME;
  delete process.env.STRATUS_DATASTORE_ROOTS;
  delete process.env.STRATUS_HOME;
  t.teardown(() => {
    process.env.STRATUS_DATASTORE_ROOTS = saved;
    if (savedHome !== undefined) process.env.STRATUS_HOME = savedHome;
  });
  const folder = writeVmFolder(62);
  const error = await failureOf(remove('copy', 62, folder));

  t.match(error.message, /no datastore roots are configured; set STRATUS_DATASTORE_ROOTS/);
  t.ok(existsSync(folder));
});
