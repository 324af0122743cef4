import sax from 'sax';
import { aclRuleToHex, parseAclRuleText } from '../../core/acl/index.js';
import { ErrorCode } from '../../core/errors/api-error.js';
import type { LockInfo } from '../../core/pools/object-header.js';
import type { ObjectPool } from '../../core/pools/object-pool.js';
import type { Store } from '../../core/pools/store.js';
import type { VmState } from '../../core/pools/records/vm-record.js';
import { Tokens } from '../../core/tokens.js';
import type { OneClient } from '../../rpc/client/client.js';
import { OneApiError, RpcTransportError } from '../../rpc/client/errors.js';
import type { TestDaemon } from './daemon.js';

export { ErrorCode };

/** Returns the OneApiError a call rejects with. Throws when the call succeeds or fails another way. */
export async function apiError(call: Promise<unknown>): Promise<OneApiError> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ('value' in outcome) throw new Error(`expected an API error, the call returned ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof OneApiError)) throw outcome.error;
  return outcome.error;
}

/** Returns the XML-RPC fault code a call rejects with. Throws when the call succeeds or fails another way. */
export async function faultCode(call: Promise<unknown>): Promise<number | undefined> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ('value' in outcome) throw new Error(`expected an XML-RPC fault, the call returned ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof RpcTransportError)) throw outcome.error;
  return outcome.error.faultCode;
}

/** Creates user `name` (password "pw", group users) and returns a client logged in as that user. */
export async function createUser(daemon: TestDaemon, name: string): Promise<OneClient> {
  await daemon.admin.call('one.user.allocate', name, 'pw', '', []);
  return daemon.client(`${name}:pw`);
}

/**
 * Creates user `name` (password "pw") in a new group of its own. Outside group users,
 * no bootstrap ACL rule applies to it: it may only do what object permissions and the
 * rule `@<gid> <create>/* CREATE *` grant, for example `create: 'VM+IMAGE'`.
 */
export async function createOutsider(daemon: TestDaemon, name: string, options: { create?: string } = {}): Promise<OneClient> {
  const gid = await daemon.admin.call<number>('one.group.allocate', `${name}-group`);
  await daemon.admin.call('one.user.allocate', name, 'pw', '', [gid]);

  if (options.create !== undefined) {
    const rule = aclRuleToHex(parseAclRuleText(`@${gid} ${options.create}/* CREATE *`));
    await daemon.admin.call('one.acl.addrule', rule.user, rule.resource, rule.rights, rule.zone);
  }
  return daemon.client(`${name}:pw`);
}

/** The nine `chmod` arguments that only set OTHER_U, leaving every other bit as it is. */
export const OTHERS_MAY_USE = [-1, -1, -1, -1, -1, -1, 1, -1, -1];

/** Registers an image from a path in datastore 1 and returns its id. */
export async function registerImage(client: OneClient, name: string, extra = '', datastore = 1): Promise<number> {
  return client.call<number>('one.image.allocate', `NAME = "${name}"\nPATH = "/srv/images/${name}.qcow2"\n${extra}`, datastore);
}

/** Creates a bridged virtual network with one IPv4 address range and returns its id. */
export async function createNetwork(client: OneClient, name: string, extra = ''): Promise<number> {
  const text = `NAME = "${name}"\nVN_MAD = "bridge"\nAR = [ TYPE = "IP4", IP = "10.0.0.1", SIZE = "16" ]\n${extra}`;
  return client.call<number>('one.vn.allocate', text, -1);
}

/** Returns a minimal VM template, one CPU and 64 MiB, followed by the `extra` lines. */
export function vmTemplate(extra = ''): string {
  return `CPU = "1"\nMEMORY = "64"\n${extra}`;
}

type RecordOf<P> = P extends ObjectPool<infer R> ? R : never;

/**
 * Changes a stored object in one transaction, for states the API cannot reach yet
 * (a host running VMs, a locked image, a VM in DONE).
 */
export async function changeStored<K extends 'hosts' | 'images' | 'vms' | 'vnets'>(
  daemon: TestDaemon,
  pool: K,
  id: number,
  change: (record: RecordOf<Store[K]>) => void,
): Promise<void> {
  const store = daemon.daemon.container.resolve(Tokens.Store);
  const objects = store[pool] as unknown as ObjectPool<RecordOf<Store[K]>>;
  await store.db.transaction(async (tx) => {
    const record = await objects.require(tx, id);
    change(record);
    await objects.update(tx, record);
  });
}

/** Sets a stored VM's state; the life-cycle calls that change it are tested elsewhere. */
export async function setVmState(daemon: TestDaemon, id: number, state: VmState): Promise<void> {
  await changeStored(daemon, 'vms', id, (vm) => {
    vm.state = state;
  });
}

/** Locks a stored image at `level` (1 use, 2 manage, 3 admin), as `one.image.lock` would. */
export async function lockImage(daemon: TestDaemon, id: number, level: LockInfo['level']): Promise<void> {
  await changeStored(daemon, 'images', id, (image) => {
    image.lock = { level, owner: 0, time: 0, reqId: -1 };
  });
}

/** One element of a parsed document: its name, child elements and own text. */
export interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

/** Parses a document that the API returned; throws on malformed XML. */
export function parseXml(xml: string): XmlNode {
  const parser = sax.parser(true);
  const root: XmlNode = { name: '#document', children: [], text: '' };
  const open: XmlNode[] = [root];

  parser.onopentag = (tag) => {
    const node: XmlNode = { name: tag.name, children: [], text: '' };
    open[open.length - 1].children.push(node);
    open.push(node);
  };
  parser.onclosetag = () => {
    open.pop();
  };
  parser.ontext = (text) => {
    open[open.length - 1].text += text;
  };
  parser.oncdata = parser.ontext;
  parser.onerror = (error) => {
    throw error;
  };
  parser.write(xml).close();

  if (root.children.length !== 1) throw new Error(`expected one root element, found ${root.children.length}`);
  return root.children[0];
}

/** Returns every node at a slash-separated path below `node`, such as `TEMPLATE/DISK`. */
export function findAll(node: XmlNode, path: string): XmlNode[] {
  let current = [node];
  for (const step of path.split('/')) {
    current = current.flatMap((parent) => parent.children.filter((child) => child.name === step));
  }
  return current;
}

/** Returns the first node at `path` below `node`. Throws when there is none. */
export function find(node: XmlNode, path: string): XmlNode {
  const found = findAll(node, path)[0];
  if (!found) throw new Error(`no element ${path} below <${node.name}>`);
  return found;
}

/** Returns the text of the element at `path` in the document `xml`, or undefined when it is absent. */
export function textAt(xml: string, path: string): string | undefined {
  return findAll(parseXml(xml), path)[0]?.text;
}

/** Returns the names of the child elements of `node`, in document order. */
export function childNames(node: XmlNode): string[] {
  return node.children.map((child) => child.name);
}

/** Returns the ID of each object in a pool document, in document order. */
export function poolIds(xml: string): number[] {
  return parseXml(xml).children.map((object) => Number(find(object, 'ID').text));
}
