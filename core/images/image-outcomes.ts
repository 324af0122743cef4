import type { SqlRunner } from '../db/database.js';
import { ImageState, type ImageRecord } from '../pools/records/image-record.js';
import type { Store } from '../pools/store.js';
import { findInvalidXmlCharacter } from '../template/entries.js';

/** Longest ERROR value stored in an image template, in characters. */
const MAX_ERROR_CHARS = 4096;

/** The facts a successful REGISTER, MKFS or CLONE returns about the image file. */
export interface ImageFileFacts {
  source: string;
  format?: string;
  /** Size of the disk, in MiB. */
  sizeMb?: number;
  md5?: string;
  sha256?: string;
}

/** Makes text storable as a template value: characters XML forbids become U+FFFD, and "]]>" is broken up. */
function storableText(text: string): string {
  let value = text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}...` : text;
  for (let index = findInvalidXmlCharacter(value); index >= 0; index = findInvalidXmlCharacter(value)) {
    value = `${value.slice(0, index)}\uFFFD${value.slice(index + 1)}`;
  }
  return value.replaceAll(']]>', ']] >');
}

/** Formats an ERROR attribute value: `TIME : message`, with the time in ISO 8601 UTC. */
export function errorAttribute(message: string, nowSeconds: number): string {
  return storableText(`${new Date(nowSeconds * 1000).toISOString()} : ${message}`);
}

/**
 * Ends the copy of image `cloneId` from the image `sourceId`: the source no longer
 * counts it among its clones. A source that is gone is skipped.
 */
export async function releaseCloneSource(tx: SqlRunner, store: Store, sourceId: number, cloneId: number): Promise<void> {
  const source = await store.images.get(tx, sourceId);
  if (source === undefined || !source.clones.includes(cloneId)) return;

  source.clones = source.clones.filter((id) => id !== cloneId);
  source.cloningOps = Math.max(0, source.cloningOps - 1);
  await store.images.update(tx, source);
}

/** Loads a LOCKED image in `tx`, or returns undefined when it is gone or no longer LOCKED. */
async function lockedImage(tx: SqlRunner, store: Store, imageId: number): Promise<ImageRecord | undefined> {
  const image = await store.images.get(tx, imageId);
  return image?.state === ImageState.LOCKED ? image : undefined;
}

/**
 * Moves a LOCKED image to READY with the facts the driver returned, in one
 * transaction. Returns false, changing nothing, when the image is gone or no longer
 * LOCKED.
 */
export async function recordImageReady(store: Store, imageId: number, facts: ImageFileFacts): Promise<boolean> {
  return store.db.transaction(async (tx) => {
    const image = await lockedImage(tx, store, imageId);
    if (image === undefined) return false;

    image.source = facts.source;
    if (facts.format !== undefined) image.format = facts.format;
    if (facts.sizeMb !== undefined) image.size = facts.sizeMb;
    if (facts.md5 !== undefined) image.template.set('MD5', facts.md5);
    if (facts.sha256 !== undefined) image.template.set('SHA256', facts.sha256);
    image.template.remove('ERROR');
    image.prevState = image.state;
    image.state = ImageState.READY;
    await store.images.update(tx, image);

    if (image.cloningId >= 0) await releaseCloneSource(tx, store, image.cloningId, image.id);
    return true;
  });
}

/**
 * Moves a LOCKED image to ERROR with `message` in its template's ERROR attribute, as
 * OpenNebula records a failed registration, in one transaction. Returns false,
 * changing nothing, when the image is gone or no longer LOCKED.
 */
export async function recordImageError(store: Store, imageId: number, message: string, nowSeconds: number): Promise<boolean> {
  return store.db.transaction(async (tx) => {
    const image = await lockedImage(tx, store, imageId);
    if (image === undefined) return false;

    image.template.set('ERROR', errorAttribute(message, nowSeconds));
    image.prevState = image.state;
    image.state = ImageState.ERROR;
    await store.images.update(tx, image);

    if (image.cloningId >= 0) await releaseCloneSource(tx, store, image.cloningId, image.id);
    return true;
  });
}
