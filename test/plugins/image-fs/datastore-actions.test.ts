import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { temporaryFolder } from '../../core/drivers/support/plugin-fixtures.js';
import { failureOf, imageInfo, qemuImg, startImagePlugins } from './support/image-harness.js';

const work = temporaryFolder(t, 'stratus-image-fs-');
const datastore = path.join(work, 'datastores', '1');
mkdirSync(datastore, { recursive: true });
process.env.STRATUS_DATASTORE_ROOTS = path.join(work, 'datastores');

const { manager } = await startImagePlugins(t);
const MIB = 1024 * 1024;

/** Writes a qcow2 image with some data as image `imageId` of the datastore. */
function writeImage(imageId: number): string {
  const raw = path.join(work, `${imageId}.raw`);
  writeFileSync(raw, Buffer.concat([randomBytes(64 * 1024), Buffer.alloc(MIB)]));
  const file = path.join(datastore, String(imageId));
  qemuImg('convert', '-f', 'raw', '-O', 'qcow2', raw, file);
  return file;
}

/** Returns the ext filesystem magic that dumpe2fs reads from a raw file. */
function extMagic(rawFile: string): string {
  const header = execFileSync('dumpe2fs', ['-h', rawFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return /Filesystem magic number:\s+(\S+)/.exec(header)?.[1] ?? 'none';
}

t.test('CLONE copies image in datastore', async (t) => {
  const source = writeImage(1);
  const reply = await manager.call('image', 'fs', 'CLONE', { imageId: 1, datastorePath: datastore, source, targetImageId: 2 }, { objectId: 1 });
  const clone = String(reply.source);

  t.equal(clone, path.join(datastore, '2'));
  t.ok(readFileSync(clone).equals(readFileSync(source)), 'the clone is a byte copy');
  t.equal(imageInfo(clone).format, 'qcow2');
});

t.test('CLONE source outside datastore rejected', async (t) => {
  const stray = path.join(work, 'stray.raw');
  writeFileSync(stray, randomBytes(4096));
  const error = await failureOf(manager.call('image', 'fs', 'CLONE', { imageId: 3, datastorePath: datastore, source: stray, targetImageId: 4 }, { objectId: 3 }));

  t.match(error.message, `${stray} (the source for image 3) is outside the datastore folder ${datastore}`);
  t.notOk(existsSync(path.join(datastore, '4')));
});

t.test('DELETE removes file, missing file succeeds', async (t) => {
  const file = writeImage(5);
  const request = { imageId: 5, datastorePath: datastore, source: file };

  await manager.call('image', 'fs', 'DELETE', request, { objectId: 5 });
  t.notOk(existsSync(file), 'the file is gone');

  await manager.call('image', 'fs', 'DELETE', request, { objectId: 5 });
  t.pass('deleting it again succeeds');
});

t.test('DELETE outside datastore rejected', async (t) => {
  const stray = path.join(work, 'keep.raw');
  writeFileSync(stray, 'keep');
  const escaping = path.join(datastore, '..', '..', 'keep.raw');
  const error = await failureOf(manager.call('image', 'fs', 'DELETE', { imageId: 6, datastorePath: datastore, source: escaping }, { objectId: 6 }));

  t.match(error.message, /is outside the datastore folder/);
  t.ok(existsSync(stray), 'the file outside is intact');

  const whole = await failureOf(manager.call('image', 'fs', 'DELETE', { imageId: 6, datastorePath: datastore, source: datastore }, { objectId: 6 }));
  t.match(whole.message, /is the datastore folder itself, not an image file/);
  t.ok(existsSync(datastore));
});

t.test('MKFS raw and qcow2 without filesystem', async (t) => {
  const raw = await manager.call('image', 'fs', 'MKFS', { imageId: 7, datastorePath: datastore, sizeMb: 8, format: 'raw' }, { objectId: 7 });
  const qcow = await manager.call('image', 'fs', 'MKFS', { imageId: 8, datastorePath: datastore, sizeMb: 32, format: 'qcow2' }, { objectId: 8 });

  t.same(raw, { source: path.join(datastore, '7'), format: 'raw' });
  t.equal(imageInfo(String(raw.source)).format, 'raw');
  t.equal(imageInfo(String(raw.source))['virtual-size'], 8 * MIB);
  t.equal(qcow.format, 'qcow2');
  t.equal(imageInfo(String(qcow.source)).format, 'qcow2');
  t.equal(imageInfo(String(qcow.source))['virtual-size'], 32 * MIB);
});

t.test('MKFS with ext4 on raw and qcow2', async (t) => {
  const raw = await manager.call('image', 'fs', 'MKFS', { imageId: 9, datastorePath: datastore, sizeMb: 16, format: 'raw', fs: 'ext4' }, { objectId: 9 });
  const qcow = await manager.call('image', 'fs', 'MKFS', { imageId: 10, datastorePath: datastore, sizeMb: 16, format: 'qcow2', fs: 'ext4' }, { objectId: 10 });

  t.equal(extMagic(String(raw.source)), '0xEF53', 'the raw image holds an ext filesystem');
  t.equal(imageInfo(String(qcow.source)).format, 'qcow2');
  const flattened = path.join(work, 'qcow-ext4.raw');
  qemuImg('convert', '-f', 'qcow2', '-O', 'raw', String(qcow.source), flattened);
  t.equal(extMagic(flattened), '0xEF53', 'the qcow2 image holds an ext filesystem');
  t.same(
    readdirSync(datastore).filter((name) => name.startsWith('.')),
    [],
    'no temporary file is left',
  );
});

t.test('MKFS unsupported filesystem rejected', async (t) => {
  const error = await failureOf(manager.call('image', 'fs', 'MKFS', { imageId: 11, datastorePath: datastore, sizeMb: 8, format: 'raw', fs: 'zfs' }, { objectId: 11 }));

  t.match(error.message, /the filesystem "zfs" for the new disk of image 11 is not supported/);
  t.match(error.message, /ext4/);
  t.notOk(existsSync(path.join(datastore, '11')));
});

t.test('MKFS unsupported format rejected', async (t) => {
  const error = await failureOf(manager.call('image', 'fs', 'MKFS', { imageId: 12, datastorePath: datastore, sizeMb: 8, format: 'vmdk' }, { objectId: 12 }));

  t.match(error.message, /the format "vmdk" of the new disk for image 12 is not supported; use raw or qcow2/);
});

t.test('MONITOR reports capacity and usage', async (t) => {
  const reply = await manager.call('image', 'fs', 'MONITOR', { datastoreId: 1, datastorePath: datastore }, { objectId: -1 });
  const stats = statfsSync(datastore);
  const allocated = readdirSync(datastore)
    .map((name) => statSync(path.join(datastore, name)))
    .filter((info) => info.isFile())
    .reduce((sum, info) => sum + info.blocks * 512, 0);

  t.equal(reply.totalMb, Math.floor((stats.blocks * stats.bsize) / MIB));
  t.ok(reply.freeMb > 0 && reply.freeMb <= reply.totalMb, `free ${reply.freeMb} MiB lies within the total ${reply.totalMb} MiB`);
  t.equal(reply.usedMb, Math.ceil(allocated / MIB));
  t.ok(reply.usedMb > 0, 'the images take space');
});

t.test('datastore outside roots rejected', async (t) => {
  const elsewhere = path.join(work, 'elsewhere', '5');
  const error = await failureOf(manager.call('image', 'fs', 'MKFS', { imageId: 13, datastorePath: elsewhere, sizeMb: 8, format: 'raw' }, { objectId: 13 }));

  t.match(error.message, `the datastore folder ${elsewhere} of image 13 is outside the datastore roots (${path.join(work, 'datastores')}, from STRATUS_DATASTORE_ROOTS)`);
  t.notOk(existsSync(elsewhere), 'no folder was created');
});

t.test('MONITOR creates missing datastore folder', async (t) => {
  const fresh = path.join(work, 'datastores', '6');
  const reply = await manager.call('image', 'fs', 'MONITOR', { datastoreId: 6, datastorePath: fresh }, { objectId: -1 });

  t.ok(existsSync(fresh), 'the folder exists');
  t.equal(reply.usedMb, 0);
});
