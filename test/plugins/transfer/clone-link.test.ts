import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { digestsOf, failureOf, imageInfo } from '../image-fs/support/image-harness.js';
import { createTestDatastores, startTransferPlugins } from './support/transfer-harness.js';

const ds = createTestDatastores(t);
const { manager, sink } = await startTransferPlugins(t);
const imageDigest = digestsOf(ds.qcowImage).sha256;

type DriverName = 'shared' | 'copy' | 'qcow2';

function diskRequest(vmId: number, source: string, target: string, host = 'localhost') {
  return { vmId, host, source, target };
}

function clone(driver: DriverName, vmId: number, source: string, target: string, host?: string) {
  return manager.call('transfer', driver, 'CLONE', diskRequest(vmId, source, target, host), { objectId: vmId });
}

function link(driver: DriverName, vmId: number, source: string, target: string) {
  return manager.call('transfer', driver, 'LN', diskRequest(vmId, source, target), { objectId: vmId });
}

/** True when the guest sees the same data in both images. */
function sameGuestData(first: string, second: string): boolean {
  try {
    execFileSync('qemu-img', ['compare', '-q', first, second]);
    return true;
  } catch {
    return false;
  }
}

t.test('copy CLONE makes full sparse copy', async (t) => {
  const qcowDisk = path.join(ds.system, '40', 'disk.0');
  const rawDisk = path.join(ds.system, '40', 'disk.1');
  await clone('copy', 40, ds.qcowImage, qcowDisk);
  await clone('copy', 40, ds.rawImage, rawDisk);

  t.ok(lstatSync(qcowDisk).isFile(), 'the disk is a regular file');
  t.ok(readFileSync(qcowDisk).equals(readFileSync(ds.qcowImage)), 'the qcow2 disk is a byte copy');
  t.equal(imageInfo(qcowDisk)['backing-filename'], undefined, 'the copy has no backing file');
  t.ok(readFileSync(rawDisk).equals(readFileSync(ds.rawImage)), 'the raw disk is a byte copy');
  t.ok(statSync(rawDisk).blocks * 512 < 1024 * 1024, 'the 64 MiB raw copy stays sparse');
  t.ok(sink.lines.some((line) => line.objectId === 40 && line.severity === 'I' && /copied/.test(line.text)), 'progress reaches the VM log');
});

t.test('shared CLONE makes full copy', async (t) => {
  const disk = path.join(ds.system, '41', 'disk.0');
  await clone('shared', 41, ds.qcowImage, disk);

  t.ok(lstatSync(disk).isFile(), 'the disk is a regular file, not a link');
  t.ok(readFileSync(disk).equals(readFileSync(ds.qcowImage)), 'the disk is a byte copy');
});

t.test('qcow2 CLONE makes overlay on image', async (t) => {
  const onQcow = path.join(ds.system, '42', 'disk.0');
  const onRaw = path.join(ds.system, '42', 'disk.1');
  await clone('qcow2', 42, ds.qcowImage, onQcow);
  await clone('qcow2', 42, ds.rawImage, onRaw);

  const qcowInfo = imageInfo(onQcow);
  t.equal(qcowInfo.format, 'qcow2');
  t.equal(qcowInfo['backing-filename'], ds.qcowImage);
  t.equal(qcowInfo['backing-filename-format'], 'qcow2');
  t.ok(sameGuestData(onQcow, ds.qcowImage), 'the guest sees the image data through the overlay');

  const rawInfo = imageInfo(onRaw);
  t.equal(rawInfo['backing-filename'], ds.rawImage);
  t.equal(rawInfo['backing-filename-format'], 'raw');
  t.ok(statSync(onRaw).size < 1024 * 1024, 'the overlay holds no copy of the data');
  t.equal(digestsOf(ds.qcowImage).sha256, imageDigest, 'the image is unchanged');
});

t.test('shared and qcow2 LN link the image', async (t) => {
  for (const driver of ['shared', 'qcow2'] as const) {
    const disk = path.join(ds.system, '43', `disk.${driver}`);
    await link(driver, 43, ds.qcowImage, disk);

    t.ok(lstatSync(disk).isSymbolicLink(), `${driver}: the disk is a symbolic link`);
    t.equal(readlinkSync(disk), ds.qcowImage, `${driver}: the link points to the image`);
  }
});

t.test('copy LN copies the image', async (t) => {
  const disk = path.join(ds.system, '44', 'disk.0');
  await link('copy', 44, ds.qcowImage, disk);

  t.ok(lstatSync(disk).isFile(), 'the disk is a regular file');
  t.ok(readFileSync(disk).equals(readFileSync(ds.qcowImage)), 'the disk is a byte copy');
});

t.test('CLONE replaces a link, not the image', async (t) => {
  const disk = path.join(ds.system, '45', 'disk.0');
  await link('shared', 45, ds.qcowImage, disk);
  await clone('copy', 45, ds.rawImage, disk);

  t.ok(lstatSync(disk).isFile(), 'the link was replaced by a file');
  t.ok(readFileSync(disk).equals(readFileSync(ds.rawImage)), 'the disk holds the new copy');
  t.equal(digestsOf(ds.qcowImage).sha256, imageDigest, 'the image behind the old link is unchanged');
});

t.test('CLONE source outside roots rejected', async (t) => {
  const stray = path.join(ds.work, 'stray.qcow2');
  copyFileSync(ds.qcowImage, stray);
  const disk = path.join(ds.system, '46', 'disk.0');
  const error = await failureOf(clone('copy', 46, stray, disk));

  t.match(error.message, `${stray} (the source image for VM 46) is outside the datastore roots (${ds.root}, from STRATUS_DATASTORE_ROOTS)`);
  t.notOk(existsSync(disk), 'no disk was written');
});

t.test('CLONE target escaping roots rejected', async (t) => {
  const escaping = path.join(ds.system, '..', '..', 'escaped.qcow2');
  const error = await failureOf(clone('qcow2', 47, ds.qcowImage, escaping));

  t.match(error.message, /is outside the datastore roots/);
  t.notOk(existsSync(path.join(ds.work, 'escaped.qcow2')), 'nothing was written outside the roots');
});

t.test('CLONE on another host rejected', async (t) => {
  const disk = path.join(ds.system, '48', 'disk.0');
  const error = await failureOf(clone('copy', 48, ds.qcowImage, disk, 'node9'));

  t.match(error.message, /the host "node9" of VM 48 is not this machine/);
  t.match(error.message, /STRATUS_LOCAL_HOSTS/);
  t.notOk(existsSync(disk));

  process.env.STRATUS_LOCAL_HOSTS = 'node9';
  t.teardown(() => {
    delete process.env.STRATUS_LOCAL_HOSTS;
  });
  await clone('copy', 48, ds.qcowImage, disk, 'node9');
  t.ok(existsSync(disk), 'a host listed in STRATUS_LOCAL_HOSTS counts as this machine');
});

t.test('CLONE of missing image fails', async (t) => {
  const missing = path.join(ds.images, '99');
  const error = await failureOf(clone('qcow2', 49, missing, path.join(ds.system, '49', 'disk.0')));

  t.match(error.message, `${missing} (the source image for VM 49) does not exist`);
});
