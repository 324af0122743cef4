import { XMLParser } from 'fast-xml-parser';
import { CliError } from './errors.js';

/**
 * An XML element as the CLI reads it: text for a leaf (`''` for an empty element), an
 * object for an element with children, and an array where an element may repeat.
 * Numbers stay strings.
 */
export type XmlValue = string | XmlObject | XmlValue[];

export interface XmlObject {
  [name: string]: XmlValue;
}

/** `POOL.ENTRY` pairs: the repeated children of each pool document. */
const POOL_ENTRIES = new Set([
  'VM_POOL.VM',
  'USER_POOL.USER',
  'USER_POOL.QUOTAS',
  'GROUP_POOL.GROUP',
  'GROUP_POOL.QUOTAS',
  'HOST_POOL.HOST',
  'IMAGE_POOL.IMAGE',
  'DATASTORE_POOL.DATASTORE',
  'VMTEMPLATE_POOL.VMTEMPLATE',
  'VNET_POOL.VNET',
  'ACL_POOL.ACL',
]);

/** Elements that hold a list of `<ID>` children, such as `<VMS><ID>3</ID></VMS>`. */
const ID_LISTS = new Set(['GROUPS', 'USERS', 'ADMINS', 'VMS', 'CLONES', 'APP_CLONES', 'CLUSTERS', 'IMAGES', 'BACKUP_IDS']);

/** `PARENT.CHILD` pairs, anywhere in a document, where the child may repeat. */
const REPEATED_CHILDREN = new Set([
  'TEMPLATE.DISK',
  'TEMPLATE.NIC',
  'HISTORY_RECORDS.HISTORY',
  'AR_POOL.AR',
  'USER.LOGIN_TOKEN',
  'SNAPSHOTS.SNAPSHOT',
]);

function isRepeatedElement(tagName: string, path: string): boolean {
  if (POOL_ENTRIES.has(path)) return true;

  const segments = path.split('.');
  const parent = segments.at(-2);
  if (parent === undefined) return false;

  if (tagName === 'ID' && ID_LISTS.has(parent)) return true;
  return REPEATED_CHILDREN.has(`${parent}.${tagName}`);
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  // Values are kept exactly, spaces included, and dropBlankText removes the indentation text.
  trimValues: false,
  isArray: (tagName, path) => isRepeatedElement(tagName, String(path)),
});

function dropBlankText(value: XmlValue): XmlValue {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(dropBlankText);

  const cleaned: XmlObject = {};
  for (const [name, child] of Object.entries(value)) {
    if (name === '#text' && typeof child === 'string' && child.trim() === '') continue;
    cleaned[name] = dropBlankText(child);
  }
  return cleaned;
}

/**
 * Replaces the text of every PASSWORD element with `********`. The USER documents carry
 * the stored password (a SHA-256 hash for the core driver, the secret itself for some
 * drivers), and the CLI prints no password in any format.
 */
export function hidePasswords(xml: string): string {
  return xml.replace(/<PASSWORD>[^<]*<\/PASSWORD>/g, '<PASSWORD>********</PASSWORD>');
}

/** Parses a document the API returned. Throws CliError when it is not XML. */
export function parseDocument(xml: string): XmlObject {
  let parsed: unknown;
  try {
    parsed = parser.parse(xml, true);
  } catch (error) {
    throw new CliError(`the server returned a document that is not valid XML: ${(error as Error).message}`);
  }
  return dropBlankText(parsed as XmlObject) as XmlObject;
}

/** Returns the root element's content, checking that the root is `rootName`. */
export function parseRoot(xml: string, rootName: string): XmlObject {
  const document = parseDocument(xml);
  const root = document[rootName];
  if (root === undefined) {
    const found = Object.keys(document).join(', ') || 'nothing';
    throw new CliError(`the server returned ${found} where a ${rootName} document was expected`);
  }
  return asObject(root);
}

/** Returns the entries of a pool document, such as the VMs of `<VM_POOL>`. */
export function parsePool(xml: string, poolName: string, entryName: string): XmlObject[] {
  const pool = parseRoot(xml, poolName);
  return asList(pool[entryName]).map(asObject);
}

/** Treats an empty element (`''`) as an object without children. */
export function asObject(value: XmlValue | undefined): XmlObject {
  if (value === undefined || typeof value === 'string' || Array.isArray(value)) return {};
  return value;
}

export function asList(value: XmlValue | undefined): XmlValue[] {
  if (value === undefined || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** Reads the text at a dotted path such as `TEMPLATE.MEMORY`, or `''` when it is absent or not text. */
export function textAt(object: XmlObject, path: string): string {
  let current: XmlValue | undefined = object;
  for (const name of path.split('.')) {
    if (current === undefined || typeof current === 'string' || Array.isArray(current)) return '';
    current = current[name];
  }
  return typeof current === 'string' ? current : '';
}

/** Returns the ids of an id-list element such as `<VMS><ID>1</ID><ID>4</ID></VMS>`. */
export function idsOf(value: XmlValue | undefined): string[] {
  return asList(asObject(value).ID).filter((id): id is string => typeof id === 'string');
}

/** Returns true for an object like `{ ID: [...] }`, which is how id lists parse. */
export function isIdList(value: XmlValue): boolean {
  if (typeof value !== 'object' || Array.isArray(value)) return false;
  const names = Object.keys(value);
  return names.length === 1 && names[0] === 'ID' && Array.isArray(value.ID);
}
