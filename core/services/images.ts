import type { Requester } from '../auth/requester.js';
import { itemFor } from '../auth/authorizer.js';
import { imageDocument } from '../documents/object-documents.js';
import { Errors } from '../errors/catalogue.js';
import { DatastoreType, type DatastoreRecord } from '../pools/records/datastore-record.js';
import { IMAGE_TYPES, ImageState, type ImageRecord } from '../pools/records/image-record.js';
import type { Template } from '../template/index.js';
import { createItem } from './account-objects.js';
import type { CoreServices } from './core-services.js';
import { checkNewObjectName } from './names.js';
import { OwnedObjects, parseTemplateParam } from './owned-objects.js';
import type { PoolQuery } from './pool-listing.js';

const TYPES_BY_DATASTORE: Record<DatastoreType, readonly string[]> = {
  [DatastoreType.IMAGE_DS]: ['OS', 'CDROM', 'DATABLOCK'],
  [DatastoreType.FILE_DS]: ['KERNEL', 'RAMDISK', 'CONTEXT'],
  [DatastoreType.BACKUP_DS]: ['BACKUP'],
  [DatastoreType.SYSTEM_DS]: [],
};

/** Types that `one.image.chtype` may switch between: disk images, or files. */
const TYPE_FAMILIES: ReadonlyArray<readonly string[]> = [
  ['OS', 'CDROM', 'DATABLOCK'],
  ['KERNEL', 'RAMDISK', 'CONTEXT'],
];

/** Returns the index in IMAGE_TYPES of a TYPE value (OS when absent, CD_ROM as CDROM), or undefined. */
function imageTypeIndex(value: string | undefined): number | undefined {
  const name = (value ?? 'OS').toUpperCase();
  const index = (IMAGE_TYPES as readonly string[]).indexOf(name === 'CD_ROM' ? 'CDROM' : name);
  return index < 0 ? undefined : index;
}

function unknownTypeMessage(value: string | undefined): string {
  return `Unknown image TYPE "${value}"; use one of ${IMAGE_TYPES.join(', ')}.`;
}

/** Reads the image attributes of `one.image.allocate`; an invalid value is an ALLOCATE error. */
function readImageAttributes(template: Template): { type: number; persistent: boolean; size: number } {
  const type = imageTypeIndex(template.get('TYPE'));
  if (type === undefined) throw Errors.allocate('image', unknownTypeMessage(template.get('TYPE')));

  const persistentText = (template.get('PERSISTENT') ?? 'NO').toUpperCase();
  if (persistentText !== 'YES' && persistentText !== 'NO') {
    throw Errors.allocate('image', `PERSISTENT must be YES or NO, got "${template.get('PERSISTENT')}".`);
  }

  const sizeText = template.get('SIZE');
  if (sizeText !== undefined && !/^\d+$/.test(sizeText)) {
    throw Errors.allocate('image', `SIZE must be a whole number of MiB, got "${sizeText}".`);
  }
  return { type, persistent: persistentText === 'YES', size: Number(sizeText ?? '0') };
}

/** Throws ALLOCATE unless images of `type` may be registered in `datastore`. */
function checkTypeFitsDatastore(type: number, datastore: DatastoreRecord): void {
  if (datastore.type === DatastoreType.SYSTEM_DS || datastore.type === DatastoreType.BACKUP_DS) {
    throw Errors.allocate('image', `Datastore ${datastore.id} is a ${DatastoreType[datastore.type]}; register images in an image or files datastore such as 1.`);
  }
  const allowed = TYPES_BY_DATASTORE[datastore.type];
  if (!allowed.includes(IMAGE_TYPES[type])) {
    throw Errors.allocate(
      'image',
      `Images of type ${IMAGE_TYPES[type]} cannot be registered in datastore ${datastore.id} (${DatastoreType[datastore.type]}); it takes ${allowed.join(', ')}.`,
    );
  }
}

/** Disk images (image datastores) and kernels, ramdisks and context files (files datastores). */
export class Images extends OwnedObjects<ImageRecord> {
  constructor(services: CoreServices) {
    super(services, { pool: services.store.images, type: 'IMAGE', nameScope: 'owner', editableTemplate: 'template' });
  }

  /**
   * Registers an image. NOTE: without an image driver the image is recorded as READY
   * with its PATH as SOURCE; the image drivers copy and check the file instead.
   */
  async allocate(requester: Requester, text: string, datastoreId: number): Promise<number> {
    const template = parseTemplateParam(text);
    const name = template.get('NAME') ?? '';
    checkNewObjectName('image', name);

    const { type, persistent, size } = readImageAttributes(template);
    const imagePath = template.get('PATH') ?? '';
    if (imagePath === '' && template.get('SOURCE') === undefined && size === 0) {
      throw Errors.allocate('image', 'The template needs PATH (a file or URL to register) or SIZE (an empty disk in MiB).');
    }

    return this.services.store.db.transaction(async (tx) => {
      const datastore = await this.services.store.datastores.require(tx, datastoreId);
      checkTypeFitsDatastore(type, datastore);
      this.services.authorizer.check(requester, [
        createItem('IMAGE', requester.uid, requester.gid),
        itemFor('DATASTORE', datastore, 'USE'),
      ]);
      await this.checkNewNameFree(tx, name, requester.uid);

      // OpenNebula keeps the name out of the object's template.
      template.remove('NAME');
      const id = await this.pool.nextId(tx);
      await this.pool.insert(tx, {
        id,
        uid: requester.uid,
        gid: requester.gid,
        uname: requester.uname,
        gname: requester.gname,
        name,
        permissions: this.newPermissions(requester),
        lock: null,
        type,
        diskType: 0,
        persistent,
        regtime: this.services.now(),
        source: template.get('SOURCE') ?? imagePath,
        path: imagePath,
        format: template.get('FORMAT') ?? (template.get('DRIVER') ?? 'raw'),
        fs: template.get('FS') ?? '',
        size,
        state: ImageState.READY,
        prevState: ImageState.INIT,
        runningVms: 0,
        cloningOps: 0,
        cloningId: -1,
        datastoreId: datastore.id,
        datastore: datastore.name,
        vms: [],
        clones: [],
        template,
      });

      datastore.images = [...datastore.images, id];
      await this.services.store.datastores.update(tx, datastore);
      return id;
    });
  }

  /**
   * Copies a disk image (OS, CDROM or DATABLOCK) into an image datastore, by default
   * its own. The copy is not persistent and belongs to the requester.
   */
  async clone(requester: Requester, id: number, name: string, datastoreId: number): Promise<number> {
    checkNewObjectName('image', name);

    return this.services.store.db.transaction(async (tx) => {
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
      await this.checkNewNameFree(tx, name, requester.uid);

      const cloneId = await this.pool.nextId(tx);
      const template = source.template.clone();
      await this.pool.insert(tx, {
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
        state: ImageState.READY,
        prevState: ImageState.INIT,
        runningVms: 0,
        cloningOps: 0,
        cloningId: source.id,
        datastoreId: datastore.id,
        datastore: datastore.name,
        vms: [],
        clones: [],
        template,
      });

      datastore.images = [...datastore.images, cloneId];
      await this.services.store.datastores.update(tx, datastore);
      return cloneId;
    });
  }

  async delete(requester: Requester, id: number): Promise<number> {
    return this.services.store.db.transaction(async (tx) => {
      const image = await this.pool.require(tx, id);
      this.services.authorizer.check(requester, [itemFor('IMAGE', image, 'MANAGE')], id);
      if (image.runningVms > 0) {
        throw Errors.action(`Image ${id} is used by VMs (${image.vms.join(', ')}); terminate them first.`, id);
      }

      const datastore = await this.services.store.datastores.get(tx, image.datastoreId);
      if (datastore) {
        datastore.images = datastore.images.filter((imageId) => imageId !== id);
        await this.services.store.datastores.update(tx, datastore);
      }
      await this.pool.delete(tx, id);
      return id;
    });
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
