import type { Database } from '../db/database.js';
import { ObjectPool } from './object-pool.js';
import { DATASTORE_POOL, type DatastoreRecord } from './records/datastore-record.js';
import { GROUP_POOL, type GroupRecord } from './records/group-record.js';
import { HOST_POOL, type HostRecord } from './records/host-record.js';
import { IMAGE_POOL, type ImageRecord } from './records/image-record.js';
import { TEMPLATE_POOL, type TemplateRecord } from './records/template-record.js';
import { USER_POOL, type UserRecord } from './records/user-record.js';
import { VM_POOL, type VmRecord } from './records/vm-record.js';
import { VNET_POOL, type VnetRecord } from './records/vnet-record.js';

/** The database and one pool per object type. */
export class Store {
  readonly users = new ObjectPool<UserRecord>(USER_POOL);
  readonly groups = new ObjectPool<GroupRecord>(GROUP_POOL);
  readonly hosts = new ObjectPool<HostRecord>(HOST_POOL);
  readonly datastores = new ObjectPool<DatastoreRecord>(DATASTORE_POOL);
  readonly images = new ObjectPool<ImageRecord>(IMAGE_POOL);
  readonly templates = new ObjectPool<TemplateRecord>(TEMPLATE_POOL);
  readonly vnets = new ObjectPool<VnetRecord>(VNET_POOL);
  readonly vms = new ObjectPool<VmRecord>(VM_POOL);

  #accountsGeneration = 0;
  #accountWritesSeen = 0;

  constructor(readonly db: Database) {
    for (const pool of this.pools()) pool.attachReader(db);

    db.afterTransaction(() => {
      for (const pool of this.pools()) pool.settle();

      const writes = this.accountWrites();
      if (writes !== this.#accountWritesSeen) {
        this.#accountWritesSeen = writes;
        this.#accountsGeneration += 1;
      }
    });
  }

  private pools(): Array<ObjectPool<{ id: number; name: string }>> {
    return [this.users, this.groups, this.hosts, this.datastores, this.images, this.templates, this.vnets, this.vms];
  }

  private accountWrites(): number {
    return this.users.writeCount + this.groups.writeCount;
  }

  /**
   * A stamp that changes whenever a user or group changes: at the write itself, and
   * again once its transaction has committed or rolled back. Anything computed from
   * accounts read under one stamp is still valid while the stamp is the same.
   */
  get accountsStamp(): string {
    return `${this.#accountsGeneration}:${this.accountWrites()}`;
  }
}
