import { isIdList, idsOf, type XmlObject, type XmlValue } from '../documents.js';
import { formatOctalMode, formatRights } from '../permissions.js';
import { templateText } from './template-text.js';
import { formatTimestamp } from './units.js';

/** Title and field labels for showing one document to people. */
export interface ShowView {
  /** The first line, such as `VIRTUAL MACHINE 3`. */
  title: string;
  /** Replaces the value of a top-level field, such as STATE `3` with `ACTIVE`. */
  labels?: Record<string, (value: string) => string>;
}

/** Top-level fields that hold epoch seconds. */
const TIME_FIELDS = new Set(['STIME', 'ETIME', 'REGTIME', 'LAST_POLL']);

/** Elements that hold other elements; when empty (`<MONITORING/>`) they are left out. */
const CONTAINERS = new Set([
  'TEMPLATE',
  'USER_TEMPLATE',
  'MONITORING',
  'SCHED_ACTIONS',
  'HISTORY_RECORDS',
  'SNAPSHOTS',
  'BACKUP_INCREMENTS',
  'BACKUPS',
  'AR_POOL',
  'VROUTERS',
  'LOCK',
  'DATASTORE_QUOTA',
  'NETWORK_QUOTA',
  'VM_QUOTA',
  'IMAGE_QUOTA',
]);

/** Sections rendered in the template syntax. */
const TEMPLATE_SECTIONS = new Set(['TEMPLATE', 'USER_TEMPLATE']);

function keyValueLines(pairs: Array<[string, string]>): string[] {
  const width = Math.max(0, ...pairs.map(([key]) => key.length));
  return pairs.map(([key, value]) => `${key.padEnd(width)} : ${value}`.trimEnd());
}

/** Flattens nested elements into `PARENT.CHILD` keys; repeated elements repeat the key. */
function flatten(value: XmlValue, key: string, pairs: Array<[string, string]>): void {
  if (typeof value === 'string') {
    pairs.push([key, value]);
  } else if (Array.isArray(value)) {
    for (const item of value) flatten(item, key, pairs);
  } else if (isIdList(value)) {
    pairs.push([key, idsOf(value).join(',')]);
  } else {
    for (const [name, child] of Object.entries(value)) flatten(child, key === '' ? name : `${key}.${name}`, pairs);
  }
}

function hasText(value: XmlValue): boolean {
  if (typeof value === 'string') return value !== '';
  if (Array.isArray(value)) return value.some(hasText);
  return Object.values(value).some(hasText);
}

/** Renders a list of records such as HISTORY_RECORDS or AR_POOL as one block of lines per record. */
function recordBlocks(records: XmlValue[]): string[] {
  const lines: string[] = [];
  for (const record of records) {
    const pairs: Array<[string, string]> = [];
    flatten(record, '', pairs);
    if (lines.length > 0) lines.push('');
    lines.push(...keyValueLines(pairs));
  }
  return lines;
}

function sectionBody(name: string, value: XmlValue): string[] {
  if (Array.isArray(value)) return recordBlocks(value);

  const object = value as XmlObject;
  if (name === 'PERMISSIONS') {
    return keyValueLines([
      ['OWNER', formatRights(object, 'OWNER')],
      ['GROUP', formatRights(object, 'GROUP')],
      ['OTHER', formatRights(object, 'OTHER')],
      ['OCTAL', formatOctalMode(object)],
    ]);
  }
  if (TEMPLATE_SECTIONS.has(name)) {
    const text = templateText(object);
    if (text !== undefined) return text.trimEnd().split('\n');
  }

  const children = Object.values(object);
  if (children.length === 1 && Array.isArray(children[0])) return recordBlocks(children[0]);

  const pairs: Array<[string, string]> = [];
  flatten(object, '', pairs);
  return keyValueLines(pairs);
}

/**
 * Renders a document as a title, its top-level fields as `KEY : value` lines, then one
 * section per nested element (permissions, templates, history, ...). Elements without
 * any text, such as empty quota sections, are left out.
 */
export function renderShow(object: XmlObject, view: ShowView): string {
  const fields: Array<[string, string]> = [];
  const sections: string[] = [];

  for (const [name, value] of Object.entries(object)) {
    if (typeof value === 'string') {
      if (value === '' && CONTAINERS.has(name)) continue;
      const label = view.labels?.[name] ?? (TIME_FIELDS.has(name) ? formatTimestamp : undefined);
      fields.push([name, label ? label(value) : value]);
    } else if (isIdList(value)) {
      fields.push([name, idsOf(value).join(',')]);
    } else if (hasText(value)) {
      sections.push(['', name, ...sectionBody(name, value)].join('\n'));
    }
  }

  return [view.title, ...keyValueLines(fields), ...sections].join('\n');
}
