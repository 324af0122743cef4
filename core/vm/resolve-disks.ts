import type { AuthItem } from '../acl/index.js';
import { itemFor } from '../auth/authorizer.js';
import type { Requester } from '../auth/requester.js';
import type { SqlRunner } from '../db/database.js';
import { Errors } from '../errors/catalogue.js';
import { IMAGE_TYPES, ImageState, type ImageRecord } from '../pools/records/image-record.js';
import type { Store } from '../pools/store.js';
import type { Template, VectorAttribute } from '../template/index.js';

const USABLE_STATES = new Set([ImageState.READY, ImageState.USED]);

async function findImage(tx: SqlRunner, store: Store, requester: Requester, disk: VectorAttribute, index: number): Promise<ImageRecord> {
  const byId = disk.get('IMAGE_ID');
  if (byId !== undefined) {
    if (!/^\d+$/.test(byId)) {
      throw Errors.allocate('virtual machine', `DISK ${index}: IMAGE_ID must be an image id, got "${byId}".`);
    }
    const image = await store.images.get(tx, Number(byId));
    if (!image) throw Errors.allocate('virtual machine', `DISK ${index}: image ${byId} does not exist.`);
    return image;
  }

  const name = disk.get('IMAGE') ?? '';
  const ownerText = disk.get('IMAGE_UID');
  let owner = ownerText !== undefined && /^\d+$/.test(ownerText) ? Number(ownerText) : requester.uid;
  const ownerName = disk.get('IMAGE_UNAME');
  if (ownerName !== undefined) {
    const user = await store.users.findByName(tx, ownerName);
    if (!user) throw Errors.allocate('virtual machine', `DISK ${index}: user ${ownerName} does not exist.`);
    owner = user.id;
  }

  const image = await store.images.findByName(tx, name, owner);
  if (!image) {
    throw Errors.allocate('virtual machine', `DISK ${index}: no image named "${name}" owned by user ${owner}.`);
  }
  return image;
}

/**
 * Resolves each DISK that names an image: checks the image exists, is usable and
 * that the requester may USE it, then fills in the attributes the drivers need.
 * Disks without an image (volatile disks) are kept as given. Returns the images
 * used and the authorisation items to check.
 */
export async function resolveDisks(
  tx: SqlRunner,
  store: Store,
  requester: Requester,
  template: Template,
): Promise<{ images: ImageRecord[]; items: AuthItem[] }> {
  const images: ImageRecord[] = [];
  const items: AuthItem[] = [];
  const disks = template.getVectors('DISK');

  for (const [index, disk] of disks.entries()) {
    disk.set('DISK_ID', String(index));
    if (disk.get('IMAGE_ID') === undefined && disk.get('IMAGE') === undefined) continue;

    const image = await findImage(tx, store, requester, disk, index);
    // A persistent image belongs to one disk of one VM at a time.
    const persistentInUse = image.persistent && (image.runningVms > 0 || images.some((used) => used.id === image.id));
    if (persistentInUse) {
      const users = image.vms.length > 0 ? `VM ${image.vms.join(', ')}` : 'another DISK of this VM';
      throw Errors.allocate('virtual machine', `DISK ${index}: persistent image ${image.id} is already used by ${users}.`);
    }
    if (!USABLE_STATES.has(image.state)) {
      throw Errors.allocate('virtual machine', `DISK ${index}: image ${image.id} is ${ImageState[image.state]}, not READY.`);
    }

    disk.set('IMAGE_ID', String(image.id));
    disk.set('IMAGE', image.name);
    disk.set('IMAGE_UID', String(image.uid));
    disk.set('IMAGE_UNAME', image.uname);
    disk.set('DATASTORE_ID', String(image.datastoreId));
    disk.set('DATASTORE', image.datastore);
    disk.set('SOURCE', image.source);
    disk.set('FORMAT', image.format);
    disk.set('SIZE', String(image.size));
    disk.set('TYPE', IMAGE_TYPES[image.type] === 'CDROM' ? 'CDROM' : 'FILE');
    disk.set('PERSISTENT', image.persistent ? 'YES' : 'NO');
    disk.set('CLONE', image.persistent ? 'NO' : 'YES');

    images.push(image);
    items.push(itemFor('IMAGE', image, 'USE'));
  }
  return { images, items };
}

/**
 * Records that VM `vmId` uses each image, as OpenNebula's RUNNING_VMS and VMS do: a VM
 * counts once per image, also when several of its disks use the same image.
 */
export async function acquireImages(tx: SqlRunner, store: Store, vmId: number, images: ImageRecord[]): Promise<void> {
  for (const image of images) {
    const current = (await store.images.get(tx, image.id)) ?? image;
    if (current.vms.includes(vmId)) continue;
    current.runningVms += 1;
    current.vms = [...current.vms, vmId];
    current.state = current.persistent ? ImageState.USED_PERS : ImageState.USED;
    await store.images.update(tx, current);
  }
}

