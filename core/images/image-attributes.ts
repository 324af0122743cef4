import { Errors } from '../errors/catalogue.js';
import { DatastoreType, type DatastoreRecord } from '../pools/records/datastore-record.js';
import { IMAGE_TYPES } from '../pools/records/image-record.js';
import type { Template } from '../template/index.js';

/** The image types each kind of datastore takes. */
export const TYPES_BY_DATASTORE: Record<DatastoreType, readonly string[]> = {
  [DatastoreType.IMAGE_DS]: ['OS', 'CDROM', 'DATABLOCK'],
  [DatastoreType.FILE_DS]: ['KERNEL', 'RAMDISK', 'CONTEXT'],
  [DatastoreType.BACKUP_DS]: ['BACKUP'],
  [DatastoreType.SYSTEM_DS]: [],
};

/** Types that `one.image.chtype` may switch between: disk images, or files. */
export const TYPE_FAMILIES: ReadonlyArray<readonly string[]> = [
  ['OS', 'CDROM', 'DATABLOCK'],
  ['KERNEL', 'RAMDISK', 'CONTEXT'],
];

/** Returns the index in IMAGE_TYPES of a TYPE value (OS when absent, CD_ROM as CDROM), or undefined. */
export function imageTypeIndex(value: string | undefined): number | undefined {
  const name = (value ?? 'OS').toUpperCase();
  const index = (IMAGE_TYPES as readonly string[]).indexOf(name === 'CD_ROM' ? 'CDROM' : name);
  return index < 0 ? undefined : index;
}

export function unknownTypeMessage(value: string | undefined): string {
  return `Unknown image TYPE "${value}"; use one of ${IMAGE_TYPES.join(', ')}.`;
}

/** Reads the image attributes of `one.image.allocate`; an invalid value is an ALLOCATE error. */
export function readImageAttributes(template: Template): { type: number; persistent: boolean; size: number } {
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
export function checkTypeFitsDatastore(type: number, datastore: DatastoreRecord): void {
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
