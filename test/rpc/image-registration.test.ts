import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t, { type Test } from 'tap';
import { ImageState } from '../../core/pools/records/image-record.js';
import { startTestDaemon, temporaryHome, type TestDaemon } from '../helpers/daemon.js';
import { allowImageFolder, registerReadyImage, waitForReady, waitForRegistration, writeImageFile } from '../helpers/images.js';
import { apiError, changeStored, ErrorCode, findAll, parseXml, textAt } from '../helpers/objects.js';

const URL_ALLOW = 'STRATUS_IMAGE_URL_ALLOW';
const MIB = 1024 * 1024;

/** A loopback HTTP server with one image at /disk.img and the same image at /held.img, sent only after `release`. */
interface ImageServer {
  origin: string;
  body: Buffer;
  /** Paths requested so far, in order. */
  requests: string[];
  release(): void;
}

async function startImageServer(t: Test): Promise<ImageServer> {
  const body = Buffer.alloc(200 * 1024, 'served image\n');
  let release = (): void => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const requests: string[] = [];

  const server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    const send = (): void => {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
      response.end(body);
    };
    if (request.url === '/disk.img') send();
    else if (request.url === '/held.img') void released.then(send);
    else response.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));

  t.teardown(() => {
    release();
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, body, requests, release };
}

/** Sets STRATUS_IMAGE_URL_ALLOW for the test and restores it when the test ends. */
function allowUrls(t: Test, prefix: string): void {
  const previous = process.env[URL_ALLOW];
  process.env[URL_ALLOW] = prefix;
  t.teardown(() => {
    if (previous === undefined) delete process.env[URL_ALLOW];
    else process.env[URL_ALLOW] = previous;
  });
}

function digestsOf(bytes: Buffer): { md5: string; sha256: string } {
  return { md5: createHash('md5').update(bytes).digest('hex'), sha256: createHash('sha256').update(bytes).digest('hex') };
}

function datastoreFolder(daemon: TestDaemon, datastoreId: number): string {
  return path.join(realpathSync(daemon.home), 'datastores', String(datastoreId));
}

async function allocate(daemon: TestDaemon, template: string, datastoreId = 1): Promise<number> {
  return daemon.admin.call<number>('one.image.allocate', template, datastoreId);
}

/** Polls until `check` returns true, and throws after 10 s. */
async function eventually(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

t.test('registration from a local file', async (t) => {
  t.test('copies the file and becomes READY', async (t) => {
    const folder = allowImageFolder(t);
    const daemon = await startTestDaemon(t);
    const file = writeImageFile(folder, 'base.img');
    const expected = digestsOf(readFileSync(file));

    const id = await allocate(daemon, `NAME = "base"\nPATH = "${file}"`);
    const image = await waitForReady(daemon.admin, id);

    const source = textAt(image, 'SOURCE') ?? '';
    t.equal(path.dirname(source), datastoreFolder(daemon, 1), 'SOURCE lies in the datastore folder');
    t.ok(existsSync(source), 'the SOURCE file exists');
    t.same(readFileSync(source), readFileSync(file), 'the copy has the same bytes');
    t.equal(textAt(image, 'PATH'), file);
    t.equal(textAt(image, 'FORMAT'), 'raw');
    t.equal(textAt(image, 'SIZE'), '1', '64 KiB rounds up to 1 MiB');
    t.equal(textAt(image, 'TEMPLATE/MD5'), expected.md5);
    t.equal(textAt(image, 'TEMPLATE/SHA256'), expected.sha256);
    t.equal(textAt(image, 'TEMPLATE/ERROR'), undefined);
  });

  t.test('reports a qcow2 disk by its virtual size', async (t) => {
    const folder = allowImageFolder(t);
    const daemon = await startTestDaemon(t);
    const file = path.join(folder, 'disk.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', file, '16M']);

    const image = await waitForReady(daemon.admin, await allocate(daemon, `NAME = "disk"\nPATH = "${file}"`));

    t.equal(textAt(image, 'FORMAT'), 'qcow2');
    t.equal(textAt(image, 'SIZE'), '16');
  });

  t.test('accepts matching checksums', async (t) => {
    const folder = allowImageFolder(t);
    const daemon = await startTestDaemon(t);
    const file = writeImageFile(folder, 'base.img');
    const expected = digestsOf(readFileSync(file));

    const id = await allocate(daemon, `NAME = "base"\nPATH = "${file}"\nMD5 = "${expected.md5}"\nSHA256 = "${expected.sha256}"`);

    t.equal(textAt(await waitForRegistration(daemon.admin, id), 'STATE'), String(ImageState.READY));
  });

  t.test('fails on a wrong SHA256', async (t) => {
    const folder = allowImageFolder(t);
    const daemon = await startTestDaemon(t);
    const file = writeImageFile(folder, 'base.img');
    const wrong = '0'.repeat(64);

    const id = await allocate(daemon, `NAME = "base"\nPATH = "${file}"\nSHA256 = "${wrong}"`);
    const image = await waitForRegistration(daemon.admin, id);

    t.equal(textAt(image, 'STATE'), String(ImageState.ERROR));
    t.match(textAt(image, 'TEMPLATE/ERROR'), /^\d{4}-\d\d-\d\dT[\d:.]+Z : Registering image 0 in datastore 1 failed: /);
    t.match(textAt(image, 'TEMPLATE/ERROR'), new RegExp(`SHA-256 mismatch for image 0 .*expected ${wrong}, computed ${digestsOf(readFileSync(file)).sha256}`));
    t.match(textAt(image, 'TEMPLATE/ERROR'), /To retry, delete image 0 and register it again\.$/);
    t.equal(textAt(image, 'SOURCE'), '');
    t.notOk(existsSync(path.join(datastoreFolder(daemon, 1), String(id))), 'no file is left behind');
  });

  t.test('fails on a folder that is not allowed', async (t) => {
    allowImageFolder(t);
    const elsewhere = temporaryHome(t, 'stratus-not-allowed-');
    const daemon = await startTestDaemon(t);
    const file = writeImageFile(elsewhere, 'base.img');

    const image = await waitForRegistration(daemon.admin, await allocate(daemon, `NAME = "base"\nPATH = "${file}"`));

    t.equal(textAt(image, 'STATE'), String(ImageState.ERROR));
    t.match(textAt(image, 'TEMPLATE/ERROR'), /is not allowed/);
    t.match(textAt(image, 'TEMPLATE/ERROR'), /STRATUS_IMAGE_PATH_ALLOW/);
  });

  t.test('fails with the missing driver named', async (t) => {
    const folder = allowImageFolder(t);
    const daemon = await startTestDaemon(t);
    const datastoreId = await daemon.admin.call<number>('one.datastore.allocate', 'NAME = "elsewhere"\nDS_MAD = "nosuch"\nTM_MAD = "shared"', -1);
    const file = writeImageFile(folder, 'base.img');

    const image = await waitForRegistration(daemon.admin, await allocate(daemon, `NAME = "base"\nPATH = "${file}"`, datastoreId));

    const error = textAt(image, 'TEMPLATE/ERROR');
    t.equal(textAt(image, 'STATE'), String(ImageState.ERROR));
    t.match(error, /the image driver "nosuch" named by DS_MAD of datastore 100 is not installed/);
    t.match(error, /plugin folders: /);
    t.match(error, /Install an image plugin named "nosuch" in one of the plugin folders/);
  });
});

t.test('registration from a URL', async (t) => {
  t.test('downloads an allowed URL', async (t) => {
    const server = await startImageServer(t);
    allowUrls(t, server.origin);
    const daemon = await startTestDaemon(t);
    const url = `${server.origin}/disk.img`;

    const image = await waitForReady(daemon.admin, await allocate(daemon, `NAME = "web"\nPATH = "${url}"`));

    const source = textAt(image, 'SOURCE') ?? '';
    t.equal(textAt(image, 'PATH'), url);
    t.equal(path.dirname(source), datastoreFolder(daemon, 1));
    t.same(readFileSync(source), server.body);
    t.equal(textAt(image, 'TEMPLATE/SHA256'), digestsOf(server.body).sha256);
  });

  t.test('keeps the image LOCKED until the download ends', async (t) => {
    const server = await startImageServer(t);
    allowUrls(t, server.origin);
    const daemon = await startTestDaemon(t);
    const id = await allocate(daemon, `NAME = "slow"\nPATH = "${server.origin}/held.img"`);

    const locked = await daemon.admin.call<string>('one.image.info', id);
    const deleteError = await apiError(daemon.admin.call('one.image.delete', id));
    const cloneError = await apiError(daemon.admin.call('one.image.clone', id, 'copy'));
    server.release();
    const ready = await waitForReady(daemon.admin, id);

    t.equal(textAt(locked, 'STATE'), String(ImageState.LOCKED));
    t.equal(textAt(locked, 'SOURCE'), '');
    t.equal(deleteError.code, ErrorCode.ACTION);
    t.match(deleteError.message, /Image 0 is still being registered \(state LOCKED\); wait until it is READY or ERROR, then delete it\./);
    t.equal(cloneError.code, ErrorCode.ACTION);
    t.match(cloneError.message, /Image 0 is LOCKED; only READY images/);
    t.equal(textAt(ready, 'STATE'), String(ImageState.READY));
  });

  t.test('fails when the daemon stops during the download', async (t) => {
    const server = await startImageServer(t);
    allowUrls(t, server.origin);
    const home = temporaryHome(t);
    const first = await startTestDaemon(t, { home });
    const id = await allocate(first, `NAME = "slow"\nPATH = "${server.origin}/held.img"`);
    await eventually('the download has started', () => server.requests.includes('/held.img'));

    await first.daemon.stop();
    const second = await startTestDaemon(t, { home });
    const image = await second.admin.call<string>('one.image.info', id);

    t.equal(textAt(image, 'STATE'), String(ImageState.ERROR));
    t.match(textAt(image, 'TEMPLATE/ERROR'), /Registering image 0 in datastore 1 failed: .*(STOPPED|interrupted)/);
  });
});

t.test('empty datablock', async (t) => {
  t.test('is created by MKFS', async (t) => {
    const daemon = await startTestDaemon(t);

    const id = await allocate(daemon, 'NAME = "scratch"\nTYPE = "DATABLOCK"\nSIZE = "10"\nFORMAT = "raw"');
    const image = await waitForReady(daemon.admin, id);

    const source = textAt(image, 'SOURCE') ?? '';
    t.equal(source, path.join(datastoreFolder(daemon, 1), String(id)));
    t.equal(statSync(source).size, 10 * MIB);
    t.equal(textAt(image, 'SIZE'), '10');
    t.equal(textAt(image, 'FORMAT'), 'raw');
    t.equal(textAt(image, 'PATH'), '');
  });
});

t.test('one.image.clone', async (t) => {
  t.test('copies the file into a new image', async (t) => {
    const folder = allowImageFolder(t);
    const daemon = await startTestDaemon(t);
    const sourceId = await registerReadyImage(daemon.admin, folder, 'base');

    const cloneId = await daemon.admin.call<number>('one.image.clone', sourceId, 'copy');
    const clone = await waitForReady(daemon.admin, cloneId);
    const source = await daemon.admin.call<string>('one.image.info', sourceId);

    const cloneFile = textAt(clone, 'SOURCE') ?? '';
    t.equal(cloneFile, path.join(datastoreFolder(daemon, 1), String(cloneId)), 'the copy has its own file');
    t.not(cloneFile, textAt(source, 'SOURCE'));
    t.same(readFileSync(cloneFile), readFileSync(textAt(source, 'SOURCE') ?? ''));
    t.equal(textAt(clone, 'CLONING_ID'), String(sourceId));
    t.equal(textAt(clone, 'FORMAT'), 'raw');
    t.equal(textAt(clone, 'SIZE'), '1');
    t.equal(textAt(source, 'CLONING_OPS'), '0', 'the source no longer counts the copy');
    t.same(findAll(parseXml(source), 'CLONES/ID'), []);
  });

  t.test('refuses another datastore', async (t) => {
    const folder = allowImageFolder(t);
    const daemon = await startTestDaemon(t);
    const sourceId = await registerReadyImage(daemon.admin, folder, 'base');
    const other = await daemon.admin.call<number>('one.datastore.allocate', 'NAME = "more"\nDS_MAD = "fs"\nTM_MAD = "shared"', -1);

    const error = await apiError(daemon.admin.call('one.image.clone', sourceId, 'copy', other));

    t.equal(error.code, ErrorCode.ACTION);
    t.match(error.message, /the image driver clones only within one datastore, so clone it into datastore 1/);
  });
});

t.test('one.image.delete', async (t) => {
  t.test('removes the file', async (t) => {
    const folder = allowImageFolder(t);
    const daemon = await startTestDaemon(t);
    const id = await registerReadyImage(daemon.admin, folder, 'base');
    const source = textAt(await daemon.admin.call<string>('one.image.info', id), 'SOURCE') ?? '';

    await daemon.admin.call('one.image.delete', id);

    t.equal((await apiError(daemon.admin.call('one.image.info', id))).code, ErrorCode.NO_EXISTS);
    await eventually('the file is deleted', () => !existsSync(source));
    t.notOk(existsSync(source));
  });

  t.test('removes an image in ERROR', async (t) => {
    const daemon = await startTestDaemon(t);
    const id = await allocate(daemon, 'NAME = "broken"\nPATH = "/nonexistent/broken.img"');
    t.equal(textAt(await waitForRegistration(daemon.admin, id), 'STATE'), String(ImageState.ERROR));

    await daemon.admin.call('one.image.delete', id);

    t.equal((await apiError(daemon.admin.call('one.image.info', id))).code, ErrorCode.NO_EXISTS);
  });

  t.test('keeps a file given as SOURCE', async (t) => {
    const folder = allowImageFolder(t);
    const daemon = await startTestDaemon(t);
    const file = writeImageFile(folder, 'outside.img');

    const id = await allocate(daemon, `NAME = "given"\nSOURCE = "${file}"`);
    const image = await daemon.admin.call<string>('one.image.info', id);
    await daemon.admin.call('one.image.delete', id);
    await daemon.daemon.stop();

    t.equal(textAt(image, 'STATE'), String(ImageState.READY), 'a given SOURCE is READY at once');
    t.equal(textAt(image, 'SOURCE'), file);
    t.ok(existsSync(file), 'the file is not the datastore\'s to delete');
  });

  t.test('keeps a file another image uses', async (t) => {
    const folder = allowImageFolder(t);
    const daemon = await startTestDaemon(t);
    const ownerId = await registerReadyImage(daemon.admin, folder, 'base');
    const file = textAt(await daemon.admin.call<string>('one.image.info', ownerId), 'SOURCE') ?? '';
    const borrowerId = await allocate(daemon, `NAME = "borrower"\nSOURCE = "${file}"`);

    // Without its SOURCE attribute the borrower looks like an image whose file the driver made.
    await daemon.admin.call('one.image.update', borrowerId, 'DESCRIPTION = "no SOURCE"', 0);
    await daemon.admin.call('one.image.delete', borrowerId);
    await daemon.daemon.stop();

    t.ok(existsSync(file), 'the file of image 0 stays');
  });
});

t.test('PATH and SOURCE together are refused', async (t) => {
  const daemon = await startTestDaemon(t);

  const error = await apiError(allocate(daemon, 'NAME = "both"\nPATH = "/a.img"\nSOURCE = "/b.img"'));

  t.equal(error.code, ErrorCode.ALLOCATE);
  t.match(error.message, /PATH and SOURCE are mutually exclusive/);
});

t.test('interrupted registrations', async (t) => {
  t.test('move to ERROR at start', async (t) => {
    const folder = allowImageFolder(t);
    const home = temporaryHome(t);
    const first = await startTestDaemon(t, { home });
    const sourceId = await registerReadyImage(first.admin, folder, 'base');
    const cloneId = await registerReadyImage(first.admin, folder, 'copy');
    await changeStored(first, 'images', sourceId, (image) => {
      image.cloningOps = 1;
      image.clones = [cloneId];
    });
    await changeStored(first, 'images', cloneId, (image) => {
      image.state = ImageState.LOCKED;
      image.cloningId = sourceId;
    });
    const plain = await allocate(first, `NAME = "plain"\nPATH = "${writeImageFile(folder, 'plain.img')}"`);
    await waitForReady(first.admin, plain);
    await changeStored(first, 'images', plain, (image) => {
      image.state = ImageState.LOCKED;
    });
    await first.daemon.stop();

    const second = await startTestDaemon(t, { home });
    const plainImage = await second.admin.call<string>('one.image.info', plain);
    const clone = await second.admin.call<string>('one.image.info', cloneId);
    const source = await second.admin.call<string>('one.image.info', sourceId);

    t.equal(textAt(plainImage, 'STATE'), String(ImageState.ERROR));
    t.match(textAt(plainImage, 'TEMPLATE/ERROR'), /The registration of image 2 was interrupted because the daemon stopped/);
    t.match(textAt(plainImage, 'TEMPLATE/ERROR'), /To retry, delete image 2 and register it again\.$/);
    t.equal(textAt(clone, 'STATE'), String(ImageState.ERROR));
    t.match(textAt(clone, 'TEMPLATE/ERROR'), /delete image 1 and clone image 0 again/);
    t.equal(textAt(source, 'CLONING_OPS'), '0');
    t.same(findAll(parseXml(source), 'CLONES/ID'), []);
  });
});

t.test('datastore capacity', async (t) => {
  t.test('comes from MONITOR after start', async (t) => {
    const daemon = await startTestDaemon(t);

    await eventually('datastore 1 has a capacity', async () => Number(textAt(await daemon.admin.call<string>('one.datastore.info', 1), 'TOTAL_MB')) > 0);
    const info = await daemon.admin.call<string>('one.datastore.info', 1);
    const pool = parseXml(await daemon.admin.call<string>('one.datastorepool.info'));

    t.ok(Number(textAt(info, 'TOTAL_MB')) > 0, 'TOTAL_MB');
    t.ok(Number(textAt(info, 'FREE_MB')) > 0, 'FREE_MB');
    t.ok(Number(textAt(info, 'USED_MB')) >= 0, 'USED_MB');
    const files = findAll(pool, 'DATASTORE').find((node) => findAll(node, 'ID')[0]?.text === '2');
    t.ok(Number(files && findAll(files, 'TOTAL_MB')[0]?.text) > 0, 'the pool lists the files datastore with its capacity');
  });
});
