import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { temporaryFolder } from '../../core/drivers/support/plugin-fixtures.js';
import { digestsOf, failureOf, qemuImg, startImagePlugins } from './support/image-harness.js';
import { startImageServer } from './support/image-server.js';

const work = temporaryFolder(t, 'stratus-image-fs-');
const sources = path.join(work, 'sources');
const outside = path.join(work, 'outside');
const datastore = path.join(work, 'datastores', '1');
mkdirSync(sources);
mkdirSync(outside);

// A qcow2 image with data in it, made from a raw file of random bytes.
const rawSource = path.join(sources, 'random.raw');
writeFileSync(rawSource, Buffer.concat([randomBytes(256 * 1024), Buffer.alloc(768 * 1024)]));
const qcowSource = path.join(sources, 'disk.qcow2');
qemuImg('convert', '-f', 'raw', '-O', 'qcow2', rawSource, qcowSource);
qemuImg('resize', '-f', 'qcow2', qcowSource, '16M');
const qcowDigests = digestsOf(qcowSource);

const server = await startImageServer(t, qcowSource);
process.env.STRATUS_DATASTORE_ROOTS = path.join(work, 'datastores');
process.env.STRATUS_IMAGE_PATH_ALLOW = sources;
process.env.STRATUS_IMAGE_URL_ALLOW = server.origin;
process.env.STRATUS_IMAGE_MAX_MB = '1';
delete process.env.STRATUS_IMAGE_SOURCES_FILE;

const { manager, sink } = await startImagePlugins(t);

function register(imageId: number, location: string, checksums: { md5?: string; sha256?: string } = {}) {
  return manager.call('image', 'fs', 'REGISTER', { imageId, datastoreId: 1, datastorePath: datastore, path: location, ...checksums }, { objectId: imageId });
}

/** Entries of the datastore that belong to an image: its file or a temporary file beside it. */
function filesOfImage(imageId: number): string[] {
  if (!existsSync(datastore)) return [];
  return readdirSync(datastore).filter((name) => name === String(imageId) || name.startsWith(`.${imageId}.`));
}

t.test('register qcow2 from a local path', async (t) => {
  const reply = await register(10, qcowSource);

  t.equal(reply.source, path.join(datastore, '10'));
  t.equal(reply.format, 'qcow2');
  t.equal(reply.virtualSizeMb, 16);
  t.equal(reply.sizeMb, Math.ceil(statSync(qcowSource).size / (1024 * 1024)));
  t.equal(reply.md5, qcowDigests.md5);
  t.equal(reply.sha256, qcowDigests.sha256);
  t.ok(readFileSync(path.join(datastore, '10')).equals(readFileSync(qcowSource)), 'the stored file is a byte copy');
  t.ok(sink.lines.some((line) => line.objectId === 10 && line.severity === 'I' && /registered/.test(line.text)), 'progress reaches the image log');
});

t.test('register plain file as raw, sparse', async (t) => {
  const reply = await register(11, rawSource);
  const stored = path.join(datastore, '11');

  t.equal(reply.format, 'raw');
  t.equal(reply.virtualSizeMb, 1);
  t.ok(readFileSync(stored).equals(readFileSync(rawSource)), 'the stored file is a byte copy');
  t.ok(statSync(stored).blocks * 512 < 512 * 1024, 'the run of zeros is a hole in the stored file');
});

t.test('register from a file URL', async (t) => {
  const reply = await register(12, pathToFileURL(qcowSource).href);

  t.equal(reply.format, 'qcow2');
  t.equal(reply.sha256, qcowDigests.sha256);
});

t.test('register over HTTP with matching checksums', async (t) => {
  const reply = await register(13, `${server.origin}/disk.qcow2`, qcowDigests);

  t.equal(reply.format, 'qcow2');
  t.equal(reply.md5, qcowDigests.md5);
  t.ok(readFileSync(path.join(datastore, '13')).equals(readFileSync(qcowSource)), 'the downloaded file is a byte copy');
});

t.test('register follows redirect on allowed host', async (t) => {
  const reply = await register(14, `${server.origin}/redirect-ok`);

  t.equal(reply.sha256, qcowDigests.sha256);
  t.ok(sink.lines.some((line) => line.objectId === 14 && /redirects to/.test(line.text)), 'the redirect is logged');
});

t.test('wrong SHA-256 fails and leaves no file', async (t) => {
  const wrong = 'ab'.repeat(32);
  const error = await failureOf(register(15, `${server.origin}/disk.qcow2`, { sha256: wrong }));

  t.match(error.message, /SHA-256 mismatch/);
  t.match(error.message, new RegExp(`expected ${wrong}, computed ${qcowDigests.sha256}`));
  t.same(filesOfImage(15), [], 'the partial file was removed');
});

t.test('wrong MD5 fails and leaves no file', async (t) => {
  const wrong = '0'.repeat(32);
  const error = await failureOf(register(16, qcowSource, { md5: wrong }));

  t.match(error.message, new RegExp(`MD5 mismatch .* expected ${wrong}, computed ${qcowDigests.md5}`));
  t.same(filesOfImage(16), []);
});

t.test('malformed checksum rejected', async (t) => {
  const error = await failureOf(register(17, qcowSource, { sha256: 'xyz' }));

  t.match(error.message, /expected SHA-256 for image 17 is invalid/);
  t.match(error.message, /64 hexadecimal digits/);
});

t.test('ftp URL rejected with reason', async (t) => {
  const before = server.requests.length;
  const error = await failureOf(register(18, 'ftp://127.0.0.1/disk.qcow2'));

  t.match(error.message, /ftp:\/\/127\.0\.0\.1\/disk\.qcow2/);
  t.match(error.message, /scheme ftp:/);
  t.match(error.message, /STRATUS_IMAGE_URL_ALLOW/);
  t.equal(server.requests.length, before, 'nothing was requested');
  t.same(filesOfImage(18), []);
});

t.test('host not in allow-list rejected', async (t) => {
  const before = server.requests.length;
  const url = `http://localhost:${server.port}/disk.qcow2`;
  const error = await failureOf(register(19, url));

  t.match(error.message, `the URL ${url} for image 19 is not allowed`);
  t.match(error.message, `allowed: ${server.origin}`);
  t.match(error.message, /add "http:\/\/localhost:\d+" to STRATUS_IMAGE_URL_ALLOW/);
  t.equal(server.requests.length, before, 'nothing was requested');
});

t.test('redirect to disallowed host rejected', async (t) => {
  const before = server.requests.length;
  const error = await failureOf(register(20, `${server.origin}/redirect-away`));

  t.match(error.message, `the URL http://localhost:${server.port}/disk.qcow2 for image 20 is not allowed`);
  t.same(server.requests.slice(before), ['/redirect-away'], 'the redirect target was not requested');
  t.same(filesOfImage(20), []);
});

t.test('oversized download cut off', async (t) => {
  const error = await failureOf(register(21, `${server.origin}/huge`));

  t.match(error.message, /was cut off/);
  t.match(error.message, /limit of 1 MiB/);
  t.match(error.message, /STRATUS_IMAGE_MAX_MB/);
  t.same(filesOfImage(21), [], 'the partial file was removed');
});

t.test('oversized announced length rejected', async (t) => {
  const error = await failureOf(register(22, `${server.origin}/huge-announced`));

  t.match(error.message, /the server announced 3145728 bytes/);
  t.same(filesOfImage(22), []);
});

t.test('truncated download fails', async (t) => {
  const error = await failureOf(register(33, `${server.origin}/truncated`));

  t.match(error.message, `copying ${server.origin}/truncated into the datastore failed`);
  t.match(error.message, /check that the source is complete and reachable/);
  t.same(filesOfImage(33), [], 'the partial file was removed');
});

t.test('HTTP error status fails', async (t) => {
  const error = await failureOf(register(23, `${server.origin}/missing.qcow2`));

  t.match(error.message, /failed with HTTP 404/);
  t.same(filesOfImage(23), []);
});

t.test('local file outside allowed folders rejected', async (t) => {
  const file = path.join(outside, 'disk.raw');
  writeFileSync(file, randomBytes(4096));
  const error = await failureOf(register(24, file));

  t.match(error.message, `the local file ${file} for image 24 is not allowed`);
  t.match(error.message, /STRATUS_IMAGE_PATH_ALLOW/);
});

t.test('link out of allowed folder rejected', async (t) => {
  const target = path.join(outside, 'secret.raw');
  writeFileSync(target, randomBytes(4096));
  const link = path.join(sources, 'innocent.raw');
  symlinkSync(target, link);
  const error = await failureOf(register(25, link));

  t.match(error.message, `resolved to ${target}`);
  t.match(error.message, /is not allowed/);
});

t.test('image with backing file rejected', async (t) => {
  const overlay = path.join(sources, 'overlay.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', qcowSource, overlay);
  const error = await failureOf(register(26, overlay));

  t.match(error.message, `has the backing file ${qcowSource}`);
  t.match(error.message, /qemu-img convert -O qcow2/);
  t.same(filesOfImage(26), []);
});

t.test('existing image file not overwritten', async (t) => {
  await register(27, qcowSource);
  const error = await failureOf(register(27, rawSource));

  t.match(error.message, /already exists in the datastore/);
  t.equal(digestsOf(path.join(datastore, '27')).sha256, qcowDigests.sha256, 'the first file is intact');
});

t.test('stalled download times out', async (t) => {
  process.env.STRATUS_IMAGE_IDLE_TIMEOUT_S = '1';
  t.teardown(() => {
    delete process.env.STRATUS_IMAGE_IDLE_TIMEOUT_S;
  });
  const error = await failureOf(register(28, `${server.origin}/stall`));

  t.match(error.message, /received no data for 1 s/);
  t.match(error.message, /STRATUS_IMAGE_IDLE_TIMEOUT_S/);
  t.same(filesOfImage(28), [], 'the partial file was removed');
});

t.test('slow download hits overall timeout', async (t) => {
  process.env.STRATUS_IMAGE_DOWNLOAD_TIMEOUT_S = '1';
  t.teardown(() => {
    delete process.env.STRATUS_IMAGE_DOWNLOAD_TIMEOUT_S;
  });
  const error = await failureOf(register(29, `${server.origin}/stall`));

  t.match(error.message, /timed out after 1 s/);
  t.match(error.message, /STRATUS_IMAGE_DOWNLOAD_TIMEOUT_S/);
  t.same(filesOfImage(29), []);
});

t.test('sources file allows URL and folder', async (t) => {
  const listFile = path.join(work, 'image-sources');
  writeFileSync(listFile, `# where images may come from\n${server.origin}/\n${sources}\n`);
  process.env.STRATUS_IMAGE_SOURCES_FILE = listFile;
  delete process.env.STRATUS_IMAGE_URL_ALLOW;
  delete process.env.STRATUS_IMAGE_PATH_ALLOW;
  t.teardown(() => {
    delete process.env.STRATUS_IMAGE_SOURCES_FILE;
    process.env.STRATUS_IMAGE_URL_ALLOW = server.origin;
    process.env.STRATUS_IMAGE_PATH_ALLOW = sources;
  });

  t.equal((await register(30, `${server.origin}/disk.qcow2`)).sha256, qcowDigests.sha256, 'the listed origin is allowed');
  t.equal((await register(31, qcowSource)).sha256, qcowDigests.sha256, 'the listed folder is allowed');
});

t.test('invalid setting named in error', async (t) => {
  process.env.STRATUS_IMAGE_MAX_MB = 'lots';
  t.teardown(() => {
    process.env.STRATUS_IMAGE_MAX_MB = '1';
  });
  const error = await failureOf(register(32, qcowSource));

  t.match(error.message, /the setting STRATUS_IMAGE_MAX_MB="lots" is invalid/);
});
