import path from 'node:path';
import type { Requester } from '../auth/requester.js';
import { itemFor } from '../auth/authorizer.js';
import { datastoreDocument } from '../documents/object-documents.js';
import { Errors } from '../errors/catalogue.js';
import { DatastoreState, DatastoreType, type DatastoreRecord } from '../pools/records/datastore-record.js';
import { createItem } from './account-objects.js';
import type { CoreServices } from './core-services.js';
import { checkNewObjectName } from './names.js';
import { OwnedObjects, parseTemplateParam } from './owned-objects.js';

const TYPE_NAMES: Record<string, DatastoreType> = {
  IMAGE_DS: DatastoreType.IMAGE_DS,
  SYSTEM_DS: DatastoreType.SYSTEM_DS,
  FILE_DS: DatastoreType.FILE_DS,
  BACKUP_DS: DatastoreType.BACKUP_DS,
};

/** Datastores: where images (IMAGE_DS, FILE_DS) and running VMs' disks (SYSTEM_DS) live. */
export class Datastores extends OwnedObjects<DatastoreRecord> {
  constructor(services: CoreServices) {
    super(services, { pool: services.store.datastores, type: 'DATASTORE', nameScope: 'pool', editableTemplate: 'template' });
  }

  /** The folder of datastore `id` under the daemon's home. */
  basePath(id: number): string {
    return path.join(this.services.home, 'datastores', String(id));
  }

  async allocate(requester: Requester, text: string, clusterId: number): Promise<number> {
    const template = parseTemplateParam(text);
    const name = template.get('NAME') ?? '';
    checkNewObjectName('datastore', name);

    const typeName = (template.get('TYPE') ?? 'IMAGE_DS').toUpperCase();
    const type = TYPE_NAMES[typeName];
    if (type === undefined) {
      throw Errors.allocate('datastore', `TYPE "${typeName}" is not valid; use IMAGE_DS, SYSTEM_DS, FILE_DS or BACKUP_DS.`);
    }
    const dsMad = template.get('DS_MAD') ?? '';
    const tmMad = template.get('TM_MAD') ?? '';
    if (type !== DatastoreType.SYSTEM_DS && dsMad === '') {
      throw Errors.allocate('datastore', 'DS_MAD is missing; name the image driver, for example DS_MAD = "fs".');
    }
    if (tmMad === '') {
      throw Errors.allocate('datastore', 'TM_MAD is missing; name the transfer driver, for example TM_MAD = "shared".');
    }
    if (clusterId !== -1 && clusterId !== 0) throw Errors.notFound('cluster', clusterId);

    return this.services.store.db.transaction(async (tx) => {
      this.services.authorizer.check(requester, [createItem('DATASTORE', requester.uid, requester.gid)]);
      await this.checkNewNameFree(tx, name, requester.uid);

      const id = await this.pool.nextId(tx);
      // OpenNebula keeps the name out of the object's template.
      template.remove('NAME');
      template.set('TYPE', typeName);
      await this.pool.insert(tx, {
        id,
        uid: requester.uid,
        gid: requester.gid,
        uname: requester.uname,
        gname: requester.gname,
        name,
        permissions: this.newPermissions(requester),
        lock: null,
        dsMad,
        tmMad,
        basePath: this.basePath(id),
        type,
        diskType: 0,
        state: DatastoreState.READY,
        clusterIds: [0],
        totalMb: 0,
        freeMb: 0,
        usedMb: 0,
        images: [],
        template,
      });
      return id;
    });
  }

  async delete(requester: Requester, id: number): Promise<number> {
    return this.services.store.db.transaction(async (tx) => {
      const ds = await this.pool.require(tx, id);
      this.services.authorizer.check(requester, [itemFor('DATASTORE', ds, 'ADMIN')], id);
      if (ds.images.length > 0) {
        throw Errors.action(`Datastore ${id} still holds images (${ds.images.join(', ')}); delete them first.`, id);
      }
      await this.pool.delete(tx, id);
      return id;
    });
  }

  async enable(requester: Requester, id: number, enabled: boolean): Promise<number> {
    return this.modify(requester, id, 'MANAGE', (ds) => {
      if (ds.type !== DatastoreType.SYSTEM_DS) {
        throw Errors.action(`Only system datastores can be enabled or disabled; datastore ${id} is not one.`, id);
      }
      ds.state = enabled ? DatastoreState.READY : DatastoreState.DISABLED;
    });
  }

  async info(requester: Requester, id: number): Promise<string> {
    return datastoreDocument(await this.read(requester, id));
  }

  async poolInfo(requester: Requester): Promise<string> {
    const datastores = await this.list(requester, { filter: -2, start: -1, end: -1 });
    return `<DATASTORE_POOL>${datastores.map(datastoreDocument).join('')}</DATASTORE_POOL>`;
  }
}
