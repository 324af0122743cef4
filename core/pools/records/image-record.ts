import type { Template } from '../../template/index.js';
import type { ObjectHeader } from '../object-header.js';
import type { PoolDefinition } from '../object-pool.js';
import { objectCodec } from './object-codec.js';

export enum ImageState {
  INIT = 0,
  READY = 1,
  USED = 2,
  DISABLED = 3,
  LOCKED = 4,
  ERROR = 5,
  CLONE = 6,
  DELETE = 7,
  USED_PERS = 8,
  LOCKED_USED = 9,
  LOCKED_USED_PERS = 10,
}

/** Image types; the names are what templates use in `TYPE = ...`. */
export const IMAGE_TYPES = ['OS', 'CDROM', 'DATABLOCK', 'KERNEL', 'RAMDISK', 'CONTEXT', 'BACKUP'] as const;
export type ImageTypeName = (typeof IMAGE_TYPES)[number];

export interface ImageRecord extends ObjectHeader {
  type: number;
  diskType: number;
  persistent: boolean;
  regtime: number;
  source: string;
  path: string;
  format: string;
  fs: string;
  /** Size in MiB. */
  size: number;
  state: ImageState;
  prevState: ImageState;
  runningVms: number;
  cloningOps: number;
  cloningId: number;
  datastoreId: number;
  datastore: string;
  vms: number[];
  clones: number[];
  template: Template;
}

export const IMAGE_POOL: PoolDefinition<ImageRecord> = {
  table: 'image_pool',
  sequence: 'image',
  objectName: 'image',
  resourceType: 'IMAGE',
  codec: objectCodec<ImageRecord>({ templateFields: ['template'] }),
};
