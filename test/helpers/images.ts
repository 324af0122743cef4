import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImageState } from '../../core/pools/records/image-record.js';
import type { OneClient } from '../../rpc/client/client.js';
import { textAt } from './objects.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** The environment variable of the fs image driver that lists the local folders images may come from. */
export const PATH_ALLOW = 'STRATUS_IMAGE_PATH_ALLOW';

/** Maximum wait for a registration in tests, in milliseconds. */
const REGISTRATION_TIMEOUT_MS = 30_000;

/**
 * Creates a temporary folder that the fs image driver may register files from: the
 * folder is added to STRATUS_IMAGE_PATH_ALLOW, which the driver reads for each
 * request. The variable is restored and the folder removed when the test ends.
 */
export function allowImageFolder(t: Teardown): string {
  const folder = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'stratus-images-')));
  const previous = process.env[PATH_ALLOW];
  process.env[PATH_ALLOW] = previous === undefined || previous === '' ? folder : `${previous}${path.delimiter}${folder}`;

  t.teardown(() => {
    if (previous === undefined) delete process.env[PATH_ALLOW];
    else process.env[PATH_ALLOW] = previous;
    rmSync(folder, { recursive: true, force: true });
  });
  return folder;
}

/** Writes a small raw disk image, `bytes` long, into `folder` and returns its path. */
export function writeImageFile(folder: string, name: string, bytes = 64 * 1024): string {
  const file = path.join(folder, name);
  const pattern = Buffer.from(`stratus test image ${name}\n`);
  const content = Buffer.alloc(bytes);
  for (let offset = 0; offset < bytes; offset += pattern.length) pattern.copy(content, offset);
  writeFileSync(file, content);
  return file;
}

/**
 * Polls `one.image.info` until the image leaves LOCKED and returns its document.
 * Throws when it is still LOCKED after `timeoutMs`.
 */
export async function waitForRegistration(client: OneClient, id: number, timeoutMs = REGISTRATION_TIMEOUT_MS): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const image = await client.call<string>('one.image.info', id);
    if (textAt(image, 'STATE') !== String(ImageState.LOCKED)) return image;
    if (Date.now() > deadline) throw new Error(`image ${id} is still LOCKED after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Waits for the registration of image `id` and throws, with its ERROR, unless it became READY. */
export async function waitForReady(client: OneClient, id: number): Promise<string> {
  const image = await waitForRegistration(client, id);
  const state = textAt(image, 'STATE');
  if (state !== String(ImageState.READY)) {
    throw new Error(`image ${id} is in state ${state}, not READY: ${textAt(image, 'TEMPLATE/ERROR') ?? 'no ERROR attribute'}`);
  }
  return image;
}

/**
 * Writes a small raw file `<name>.img` into `folder` (a folder from allowImageFolder),
 * registers it as image `name` followed by the `extra` template lines, waits until it
 * is READY and returns its id.
 */
export async function registerReadyImage(client: OneClient, folder: string, name: string, extra = '', datastore = 1): Promise<number> {
  const file = writeImageFile(folder, `${name}.img`);
  const id = await client.call<number>('one.image.allocate', `NAME = "${name}"\nPATH = "${file}"\n${extra}`, datastore);
  await waitForReady(client, id);
  return id;
}
