import { Errors } from '../errors/catalogue.js';
import type { DatastoreRecord } from '../pools/records/datastore-record.js';
import { ImageState, type ImageRecord } from '../pools/records/image-record.js';

/** States whose file may be copied: a disk no VM writes to. */
const CLONEABLE_STATES: ReadonlySet<ImageState> = new Set([ImageState.READY, ImageState.USED]);

/** States in which `one.image.delete` removes an image that no VM uses. */
const DELETABLE_STATES: ReadonlySet<ImageState> = new Set([ImageState.READY, ImageState.ERROR, ImageState.DISABLED]);

/** Throws ACTION unless `source` can be copied into `datastore` now. */
export function checkCloneable(source: ImageRecord, datastore: DatastoreRecord): void {
  if (!CLONEABLE_STATES.has(source.state)) {
    throw Errors.action(`Image ${source.id} is ${ImageState[source.state]}; only READY images and non-persistent images in use can be cloned.`, source.id);
  }

  // NOTE: OpenNebula also clones into another datastore with the same DS_MAD. The
  // image driver's CLONE action copies within one datastore folder, so it is refused here.
  if (datastore.id !== source.datastoreId) {
    throw Errors.action(
      `Image ${source.id} is in datastore ${source.datastoreId}; the image driver clones only within one datastore, so clone it into datastore ${source.datastoreId}.`,
      source.id,
    );
  }
}

/** Throws ACTION unless `image` can be deleted now. */
export function checkDeletable(image: ImageRecord): void {
  const id = image.id;
  if (image.runningVms > 0) {
    throw Errors.action(`Image ${id} is used by VMs (${image.vms.join(', ')}); terminate them first.`, id);
  }
  if (image.state === ImageState.LOCKED) {
    throw Errors.action(`Image ${id} is still being registered (state LOCKED); wait until it is READY or ERROR, then delete it.`, id);
  }
  if (image.cloningOps > 0) {
    throw Errors.action(`Image ${id} is being copied into image ${image.clones.join(', ')}; wait until the copy is READY or ERROR, then delete it.`, id);
  }
  if (!DELETABLE_STATES.has(image.state)) {
    throw Errors.action(`Image ${id} is ${ImageState[image.state]}; only READY, ERROR or DISABLED images can be deleted.`, id);
  }
}
