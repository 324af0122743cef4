import type { EventLog } from '../drivers/runtime/event-log.js';
import { ImageState } from '../pools/records/image-record.js';
import type { Store } from '../pools/store.js';
import { errorAttribute, releaseCloneSource } from './image-outcomes.js';

/** Builds the ERROR message of an image whose registration a stopped daemon left unfinished. */
function interruptedMessage(imageId: number, cloningId: number): string {
  const retry = cloningId >= 0 ? `clone image ${cloningId} again` : 'register it again';
  return (
    `The registration of image ${imageId} was interrupted because the daemon stopped before the image driver replied. ` +
    `The image driver may have left a file in the datastore folder. To retry, delete image ${imageId} and ${retry}.`
  );
}

/**
 * Moves every image left LOCKED by a daemon that stopped during its registration to
 * ERROR, so that no image stays LOCKED forever. Runs once at start, before the API
 * serves calls, because a LOCKED image then has no registration running. Returns the
 * ids of the images changed.
 */
export async function failInterruptedRegistrations(store: Store, log: EventLog, nowSeconds: number): Promise<number[]> {
  const failed = await store.db.transaction(async (tx) => {
    const locked = (await store.images.list(tx)).filter((image) => image.state === ImageState.LOCKED);

    for (const image of locked) {
      image.template.set('ERROR', errorAttribute(interruptedMessage(image.id, image.cloningId), nowSeconds));
      image.prevState = image.state;
      image.state = ImageState.ERROR;
      await store.images.update(tx, image);
      if (image.cloningId >= 0) await releaseCloneSource(tx, store, image.cloningId, image.id);
    }
    return locked.map((image) => image.id);
  });

  for (const imageId of failed) {
    log.warn('image.registration_interrupted', { imageId, state: 'ERROR' });
  }
  return failed;
}
