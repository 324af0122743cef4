import { isAdmin, type Requester } from '../auth/requester.js';
import { itemFor } from '../auth/authorizer.js';
import type { SqlRunner } from '../db/database.js';
import { imageDocument } from '../documents/object-documents.js';
import { Errors } from '../errors/catalogue.js';
import {
  checkTypeFitsDatastore,
  imageTypeIndex,
  readImageAttributes,
  TYPE_FAMILIES,
  TYPES_BY_DATASTORE,
  unknownTypeMessage,
} from '../images/image-attributes.js';
import { ImageRegistration } from '../images/image-registration.js';
import { checkCloneable, checkDeletable } from '../images/image-state-checks.js';
import { DatastoreType, type DatastoreRecord } from '../pools/records/datastore-record.js';
import { IMAGE_TYPES, ImageState, type ImageRecord } from '../pools/records/image-record.js';
import type { Template } from '../template/index.js';
import { createItem } from './account-objects.js';
import type { CoreServices } from './core-services.js';
import { checkNewObjectName } from './names.js';
import { OwnedObjects, parseTemplateParam } from './owned-objects.js';
import type { PoolQuery } from './pool-listing.js';

/** The checked attributes of a `one.image.allocate` template. */
interface NewImage {
  name: string;
  type: number;
  persistent: boolean;
  /** Size of an empty disk in MiB, or 0 when the image comes from PATH or SOURCE. */
  size: number;
  path: string;
  /** A SOURCE given in the template: a file used as it is, without the image driver. */
  givenSource: string;
  template: Template;
}

/** Reads and checks the template of `one.image.allocate`, and throws ALLOCATE when it is invalid. */
function readNewImage(text: string): NewImage {
  const template = parseTemplateParam(text);
  const name = template.get('NAME') ?? '';
  checkNewObjectName('image', name);

  const { type, persistent, size } = readImageAttributes(template);
  const path = template.get('PATH') ?? '';
  const givenSource = template.get('SOURCE') ?? '';
  if (path === '' && givenSource === '' && size === 0) {
    throw Errors.allocate('image', 'The template needs PATH (a file or URL to register) or SIZE (an empty disk in MiB).');
  }
  if (path !== '' && givenSource !== '') {
    throw Errors.allocate('image', 'PATH and SOURCE are mutually exclusive: give PATH to copy a file into the datastore, or SOURCE to use a file as it is.');
  }

  // OpenNebula keeps the name out of the object's template.
  template.remove('NAME');
  return { name, type, persistent, size, path, givenSource, template };
}

/**
 * Whether deleting `image` should remove its SOURCE through the image driver: the
 * driver made the file, and no other image names the same file. Runs after the
 * image's record is deleted in `tx`.
 */
async function ownsSourceFile(tx: SqlRunner, services: CoreServices, image: ImageRecord): Promise<boolean> {
  if (image.source === '') return false;
  // An image registered with SOURCE and no PATH uses a file the driver did not make.
  if (image.path === '' && image.cloningId < 0 && image.template.get('SOURCE') !== undefined) return false;

  // The pool stores each record as a JSON body, so one query finds other images with this SOURCE.
  const sharing = await services.store.images.count(tx, "json_extract(body, '$.source') = ?", [image.source]);
  return sharing === 0;
}

/** Disk images (image datastores) and kernels, ramdisks and context files (files datastores). */
export class Images extends OwnedObjects<ImageRecord> {
  /** Registrations, clones and file deletions that go on after the API call has returned. */
  readonly registration: ImageRegistration;

  constructor(services: CoreServices) {
    super(services, { pool: services.store.images, type: 'IMAGE', nameScope: 'owner', editableTemplate: 'template' });
    this.registration = new ImageRegistration(services);
  }

  /**
   * Registers an image and returns its id at once, as OpenNebula does. The image is
   * LOCKED while the datastore's image driver copies PATH (REGISTER) or creates an
   * empty disk of SIZE MiB (MKFS). It then becomes READY, or ERROR with the cause in
   * its template's ERROR attribute. An image given SOURCE instead of PATH uses that
   * file as it is, without the driver, and is READY at once.
   */
  async allocate(requester: Requester, text: string, datastoreId: number): Promise<number> {
    const request = readNewImage(text);
    // SOURCE names a file on the front end used as it is; OpenNebula restricts it too (IMAGE_RESTRICTED_ATTR).
    if (request.givenSource !== '' && !isAdmin(requester)) {
      throw Errors.allocate('image', 'SOURCE may only be set by group oneadmin; give PATH instead, which the image driver copies and checks.');
    }

    const { image, datastore } = await this.services.store.db.transaction(async (tx) => {
      const datastore = await this.services.store.datastores.require(tx, datastoreId);
      checkTypeFitsDatastore(request.type, datastore);
      this.services.authorizer.check(requester, [
        createItem('IMAGE', requester.uid, requester.gid),
        itemFor('DATASTORE', datastore, 'USE'),
      ]);
      await this.checkNewNameFree(tx, request.name, requester.uid);

      const image = await this.pool.insert(tx, this.newImageRecord(requester, await this.pool.nextId(tx), request, datastore));
      datastore.images = [...datastore.images, image.id];
      await this.services.store.datastores.update(tx, datastore);
      return { image, datastore };
    });

    if (image.state === ImageState.LOCKED) this.registration.register(image, datastore);
    return image.id;
  }

  private newImageRecord(requester: Requester, id: number, request: NewImage, datastore: DatastoreRecord): ImageRecord {
    const { template } = request;
    return {
      id,
      uid: requester.uid,
      gid: requester.gid,
      uname: requester.uname,
      gname: requester.gname,
      name: request.name,
      permissions: this.newPermissions(requester),
      lock: null,
      type: request.type,
      diskType: 0,
      persistent: request.persistent,
      regtime: this.services.now(),
      // The image driver sets SOURCE, FORMAT and SIZE when it has copied or created the file.
      source: request.givenSource,
      path: request.path,
      format: template.get('FORMAT') ?? (template.get('DRIVER') ?? 'raw'),
      fs: template.get('FS') ?? '',
      size: request.size,
      state: request.givenSource === '' ? ImageState.LOCKED : ImageState.READY,
      prevState: ImageState.INIT,
      runningVms: 0,
      cloningOps: 0,
      cloningId: -1,
      datastoreId: datastore.id,
      datastore: datastore.name,
      vms: [],
      clones: [],
      template,
    };
  }

  /**
   * Copies a disk image (OS, CDROM or DATABLOCK) within its image datastore and
   * returns the copy's id at once. The copy is not persistent, belongs to the
   * requester and is LOCKED until the image driver's CLONE makes it READY or ERROR.
   * The source counts the copy in CLONING_OPS and CLONES meanwhile.
   */
  async clone(requester: Requester, id: number, name: string, datastoreId: number): Promise<number> {
    checkNewObjectName('image', name);

    const { copy, source, datastore } = await this.services.store.db.transaction(async (tx) => {
      const source = await this.pool.require(tx, id);
      if (!TYPES_BY_DATASTORE[DatastoreType.IMAGE_DS].includes(IMAGE_TYPES[source.type])) {
        throw Errors.action(`Image ${id} is of type ${IMAGE_TYPES[source.type]}; only OS, CDROM and DATABLOCK images can be cloned.`, id);
      }
      const datastore = await this.services.store.datastores.require(tx, datastoreId >= 0 ? datastoreId : source.datastoreId);
      if (datastore.type !== DatastoreType.IMAGE_DS) {
        throw Errors.action(`Datastore ${datastore.id} is not an image datastore; clone into an IMAGE_DS datastore such as 1.`, id);
      }
      this.services.authorizer.check(requester, [
        itemFor('IMAGE', source, 'USE'),
        createItem('IMAGE', requester.uid, requester.gid),
        itemFor('DATASTORE', datastore, 'USE'),
      ], id);
      checkCloneable(source, datastore);
      await this.checkNewNameFree(tx, name, requester.uid);

      const copy = await this.pool.insert(tx, this.cloneRecord(requester, source, await this.pool.nextId(tx), name, datastore));
      source.cloningOps += 1;
      source.clones = [...source.clones, copy.id];
      await this.pool.update(tx, source);

      datastore.images = [...datastore.images, copy.id];
      await this.services.store.datastores.update(tx, datastore);
      return { copy, source, datastore };
    });

    this.registration.clone(copy, source, datastore);
    return copy.id;
  }

  private cloneRecord(requester: Requester, source: ImageRecord, cloneId: number, name: string, datastore: DatastoreRecord): ImageRecord {
    return {
      ...source,
      id: cloneId,
      uid: requester.uid,
      gid: requester.gid,
      uname: requester.uname,
      gname: requester.gname,
      name,
      permissions: this.newPermissions(requester),
      lock: null,
      persistent: false,
      regtime: this.services.now(),
      source: '',
      state: ImageState.LOCKED,
      prevState: ImageState.INIT,
      runningVms: 0,
      cloningOps: 0,
      cloningId: source.id,
      datastoreId: datastore.id,
      datastore: datastore.name,
      vms: [],
      clones: [],
      template: source.template.clone(),
    };
  }

  /**
   * Deletes a READY, ERROR or DISABLED image that no VM uses. The record goes in the
   * transaction, and the image driver's DELETE of its SOURCE runs afterwards. When
   * DELETE fails, the failure is logged with the image id and SOURCE, the record stays
   * deleted and the file stays for an operator to remove.
   * NOTE: an image whose registration failed or was interrupted has no SOURCE, so
   * a file its driver may have left in the datastore folder is not removed.
   */
  async delete(requester: Requester, id: number): Promise<number> {
    const removed = await this.services.store.db.transaction(async (tx) => {
      const image = await this.pool.require(tx, id);
      this.services.authorizer.check(requester, [itemFor('IMAGE', image, 'MANAGE')], id);
      checkDeletable(image);

      const datastore = await this.services.store.datastores.get(tx, image.datastoreId);
      if (datastore) {
        datastore.images = datastore.images.filter((imageId) => imageId !== id);
        await this.services.store.datastores.update(tx, datastore);
      }
      await this.pool.delete(tx, id);

      const ownsFile = datastore !== undefined && (await ownsSourceFile(tx, this.services, image));
      return { image, datastore: ownsFile ? datastore : undefined };
    });

    if (removed.datastore !== undefined) {
      this.registration.removeFile(removed.image, removed.datastore);
    } else {
      this.services.log.info('image.file_kept', { imageId: id, source: removed.image.source, reason: 'no SOURCE, a SOURCE the image driver did not make, or a SOURCE another image uses' });
    }
    return id;
  }

  async enable(requester: Requester, id: number, enabled: boolean): Promise<number> {
    return this.modify(requester, id, 'MANAGE', (image) => {
      const allowed = enabled ? [ImageState.DISABLED, ImageState.READY] : [ImageState.READY, ImageState.DISABLED];
      if (!allowed.includes(image.state)) {
        throw Errors.action(`Image ${id} is in state ${ImageState[image.state]}; only READY or DISABLED images can be ${enabled ? 'enabled' : 'disabled'}.`, id);
      }
      image.prevState = image.state;
      image.state = enabled ? ImageState.READY : ImageState.DISABLED;
    });
  }

  async persistent(requester: Requester, id: number, persistent: boolean): Promise<number> {
    return this.modify(requester, id, 'MANAGE', (image) => {
      if (image.runningVms > 0) {
        throw Errors.action(`Image ${id} is in use by VMs; persistence can change only while no VM uses it.`, id);
      }
      image.persistent = persistent;
      image.template.set('PERSISTENT', persistent ? 'YES' : 'NO');
    });
  }

  /** Changes the type within its family: OS, CDROM and DATABLOCK, or KERNEL, RAMDISK and CONTEXT. */
  async chtype(requester: Requester, id: number, typeName: string): Promise<number> {
    const type = imageTypeIndex(typeName);
    if (type === undefined) throw Errors.badValue(unknownTypeMessage(typeName), id);

    return this.modify(requester, id, 'MANAGE', (image) => {
      const family = TYPE_FAMILIES.find((names) => names.includes(IMAGE_TYPES[image.type]));
      if (!family || !family.includes(IMAGE_TYPES[type])) {
        throw Errors.action(
          `Cannot change image ${id} from ${IMAGE_TYPES[image.type]} to ${IMAGE_TYPES[type]}: the type does not fit its datastore.`,
          id,
        );
      }
      image.type = type;
      image.template.set('TYPE', IMAGE_TYPES[type]);
    });
  }

  async info(requester: Requester, id: number): Promise<string> {
    return imageDocument(await this.read(requester, id));
  }

  async poolInfo(requester: Requester, query: PoolQuery): Promise<string> {
    const images = await this.list(requester, query);
    return `<IMAGE_POOL>${images.map(imageDocument).join('')}</IMAGE_POOL>`;
  }
}
