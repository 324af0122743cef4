import type { Requester } from '../auth/requester.js';
import { itemFor } from '../auth/authorizer.js';
import type { SqlRunner } from '../db/database.js';
import { imageDocument } from '../documents/object-documents.js';
import { Errors } from '../errors/catalogue.js';
import { DatastoreType, type DatastoreRecord } from '../pools/records/datastore-record.js';
import { IMAGE_TYPES, ImageState, type ImageRecord } from '../pools/records/image-record.js';
import type { Template } from '../template/index.js';
import { createItem } from './account-objects.js';
import type { CoreServices } from './core-services.js';
import { validateObjectName } from './names.js';
import { OwnedObjects, parseTemplateParam } from './owned-objects.js';
import type { PoolQuery } from './pool-listing.js';

function parseImageType(value: string | undefined, respId = -1): number {
  const name = (value ?? 'OS').toUpperCase();
  const index = (IMAGE_TYPES as readonly string[]).indexOf(name === 'CD_ROM' ? 'CDROM' : name);
  if (index < 0) {
    throw Errors.badValue(`Unknown image TYPE "${value}"; use one of ${IMAGE_TYPES.join(', ')}.`, respId);
  }
  return index;
}

function parseYesNo(value: string | undefined, attribute: string): boolean {
  if (value === undefined) return false;
  const upper = value.toUpperCase();
  if (upper === 'YES') return true;
  if (upper === 'NO') return false;
  throw Errors.badValue(`${attribute} must be YES or NO, got "${value}".`);
}

function parseSizeMb(template: Template): number {
  const raw = template.get('SIZE');
  if (raw === undefined) return 0;
  if (!/^\d+$/.test(raw)) throw Errors.badValue(`SIZE must be a whole number of MiB, got "${raw}".`);
  return Number(raw);
}

/** Disk images in image datastores. */
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
    validateObjectName('image', name);

    const type = parseImageType(template.get('TYPE'));
    const persistent = parseYesNo(template.get('PERSISTENT'), 'PERSISTENT');
    const size = parseSizeMb(template);
    const imagePath = template.get('PATH') ?? '';
    if (imagePath === '' && template.get('SOURCE') === undefined && size === 0) {
      throw Errors.allocate('image', 'The template needs PATH (a file or URL to register) or SIZE (an empty disk in MiB).');
    }

    return this.services.store.db.transaction(async (tx) => {
      const datastore = await this.imageDatastore(tx, datastoreId);
      this.services.authorizer.check(requester, [
        createItem('IMAGE', requester.uid, requester.gid),
        itemFor('DATASTORE', datastore, 'USE'),
      ]);
      await this.checkNameFree(tx, name, requester.uid).catch(() => {
        throw Errors.allocate('image', `NAME is already taken by another image of user ${requester.uid}: ${name}.`);
      });

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

  async clone(requester: Requester, id: number, name: string, datastoreId: number): Promise<number> {
    validateObjectName('image', name);

    return this.services.store.db.transaction(async (tx) => {
      const source = await this.pool.require(tx, id);
      const datastore = await this.imageDatastore(tx, datastoreId >= 0 ? datastoreId : source.datastoreId);
      this.services.authorizer.check(requester, [
        itemFor('IMAGE', source, 'USE'),
        createItem('IMAGE', requester.uid, requester.gid),
        itemFor('DATASTORE', datastore, 'USE'),
      ], id);
      await this.checkNameFree(tx, name, requester.uid).catch(() => {
        throw Errors.action(`NAME is already taken by another image of user ${requester.uid}: ${name}.`, id);
      });

      const cloneId = await this.pool.nextId(tx);
      const template = source.template.clone();
      template.set('NAME', name);
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

  async chtype(requester: Requester, id: number, typeName: string): Promise<number> {
    const type = parseImageType(typeName, id);
    return this.modify(requester, id, 'MANAGE', (image) => {
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

  private async imageDatastore(tx: SqlRunner, id: number): Promise<DatastoreRecord> {
    const datastore = await this.services.store.datastores.get(tx, id);
    if (!datastore) throw Errors.notFound('datastore', id);
    if (datastore.type === DatastoreType.SYSTEM_DS) {
      throw Errors.action(`Datastore ${id} is a system datastore; register images in an image datastore such as 1.`, id);
    }
    return datastore;
  }
}
