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

  constructor(readonly db: Database) {}
}
