import type { Template } from '../../template/index.js';
import type { ObjectHeader } from '../object-header.js';
import type { PoolDefinition } from '../object-pool.js';
import { objectCodec } from './object-codec.js';

export enum DatastoreType {
  IMAGE_DS = 0,
  SYSTEM_DS = 1,
  FILE_DS = 2,
  BACKUP_DS = 3,
}

export enum DatastoreState {
  READY = 0,
  DISABLED = 1,
}

export interface DatastoreRecord extends ObjectHeader {
  dsMad: string;
  tmMad: string;
  basePath: string;
  type: DatastoreType;
  diskType: number;
  state: DatastoreState;
  clusterIds: number[];
  totalMb: number;
  freeMb: number;
  usedMb: number;
  images: number[];
  template: Template;
}

export const DATASTORE_POOL: PoolDefinition<DatastoreRecord> = {
  table: 'datastore_pool',
  sequence: 'datastore',
  objectName: 'datastore',
  resourceType: 'DATASTORE',
  codec: objectCodec<DatastoreRecord>({ templateFields: ['template'] }),
};
