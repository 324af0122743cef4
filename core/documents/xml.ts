import { escapeXml } from '../xml/escape.js';
import type { LockInfo, ObjectHeader } from '../pools/object-header.js';

/** `<NAME>text</NAME>` with the text escaped. */
export function element(name: string, value: string | number | boolean): string {
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  return `<${name}>${escapeXml(text)}</${name}>`;
}

/** `<NAME><ID>1</ID><ID>2</ID></NAME>`, or `<NAME/>` when empty. */
export function idList(name: string, ids: readonly number[]): string {
  if (ids.length === 0) return `<${name}/>`;
  return `<${name}>${ids.map((id) => `<ID>${id}</ID>`).join('')}</${name}>`;
}

/** ID, UID, GID, UNAME, GNAME and NAME, the opening of every owned object's document. */
export function ownerElements(header: ObjectHeader): string {
  return (
    element('ID', header.id) +
    element('UID', header.uid) +
    element('GID', header.gid) +
    element('UNAME', header.uname) +
    element('GNAME', header.gname) +
    element('NAME', header.name)
  );
}

export function lockElement(lock: LockInfo | null): string {
  if (!lock) return '';
  return (
    '<LOCK>' +
    element('LOCKED', lock.level) +
    element('OWNER', lock.owner) +
    element('TIME', lock.time) +
    element('REQ_ID', lock.reqId) +
    '</LOCK>'
  );
}

/** The four quota sections; OpenNebula's CLI fails on a user or group without them. */
export const EMPTY_QUOTAS = '<DATASTORE_QUOTA/><NETWORK_QUOTA/><VM_QUOTA/><IMAGE_QUOTA/>';
