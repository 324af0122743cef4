import { XMLParser } from 'fast-xml-parser';
import xmlrpc from 'xmlrpc';
import { OneApiError, RpcTransportError } from '../../rpc/client/errors.js';
import type { CallParam, OneClient } from '../../rpc/client/client.js';
import type { TestDaemon } from './daemon.js';

/** A user created for a test, with a client that logs in as that user. */
export interface TestUser {
  id: number;
  name: string;
  password: string;
  session: string;
  client: OneClient;
}

/** Creates a `core` user through `one.user.allocate`; `groups` lists the primary group first. */
export async function createUser(
  daemon: TestDaemon,
  name: string,
  groups: number[] = [],
  password = `${name}-password`,
): Promise<TestUser> {
  const id = await daemon.admin.call<number>('one.user.allocate', name, password, 'core', groups);
  const session = `${name}:${password}`;
  return { id, name, password, session, client: daemon.client(session) };
}

/** Creates a group through `one.group.allocate` and returns its id. */
export function createGroup(daemon: TestDaemon, name: string): Promise<number> {
  return daemon.admin.call<number>('one.group.allocate', name);
}

/** Returns the OneApiError a call fails with; fails the test step when the call succeeds. */
export async function apiError(call: Promise<unknown>): Promise<OneApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof OneApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail with an OpenNebula error, but it succeeded');
}

/** Returns the XML-RPC fault a call fails with; fails the test step otherwise. */
export async function rpcFault(call: Promise<unknown>): Promise<RpcTransportError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof RpcTransportError) return error;
    throw error;
  }
  throw new Error('expected the call to fail with an XML-RPC fault, but it succeeded');
}

/**
 * Sends a call with exactly `params`, with no session string in front, and returns
 * the raw response value. Used to send a missing or wrongly typed session.
 */
export function rawCall(url: string, method: string, params: CallParam[]): Promise<unknown> {
  const endpoint = new URL(url);
  const client = xmlrpc.createClient({ host: endpoint.hostname, port: Number(endpoint.port), path: endpoint.pathname });

  return new Promise((resolve, reject) => {
    client.methodCall(method, params, (error: unknown, value: unknown) => {
      if (error) {
        const cause = error as { faultCode?: number; message?: string };
        reject(new RpcTransportError(method, cause.message ?? 'XML-RPC fault', cause.faultCode));
        return;
      }
      resolve(value);
    });
  });
}

const orderedParser = new XMLParser({ preserveOrder: true, ignoreAttributes: true, parseTagValue: false });

type OrderedNode = Record<string, unknown>;

function tagOf(node: OrderedNode): string {
  return Object.keys(node).find((key) => key !== ':@') ?? '';
}

function childrenOf(node: OrderedNode): OrderedNode[] {
  const value = node[tagOf(node)];
  return Array.isArray(value) ? (value as OrderedNode[]) : [];
}

function rootOf(xml: string): OrderedNode {
  const nodes = orderedParser.parse(xml) as OrderedNode[];
  if (nodes.length !== 1) throw new Error(`expected one root element, got ${nodes.length}`);
  return nodes[0];
}

function textOf(node: OrderedNode): string {
  return childrenOf(node)
    .filter((child) => tagOf(child) === '#text')
    .map((child) => String(child['#text']))
    .join('');
}

/** Returns the name of the document's root element. */
export function rootName(xml: string): string {
  return tagOf(rootOf(xml));
}

/** Returns the names of the root element's children, in document order. */
export function childNames(xml: string): string[] {
  return childrenOf(rootOf(xml)).map(tagOf);
}

/** Returns the names of the children of the root's first `element` child, in document order. */
export function childNamesOf(xml: string, element: string): string[] {
  const child = childrenOf(rootOf(xml)).find((node) => tagOf(node) === element);
  if (!child) throw new Error(`no <${element}> under the root element`);
  return childrenOf(child).map(tagOf);
}

/** Returns the text of `field` in each `element` child of the root, such as the NAME of every IMAGE in a pool. */
export function fieldOfEach(xml: string, element: string, field: string): string[] {
  return childrenOf(rootOf(xml))
    .filter((node) => tagOf(node) === element)
    .map((node) => {
      const match = childrenOf(node).find((child) => tagOf(child) === field);
      return match ? textOf(match) : '';
    });
}

/** Returns whether an element may repeat: pool entries, ids in id lists and login tokens. */
function isRepeated(name: string, path: string): boolean {
  if (name === 'LOGIN_TOKEN') return true;
  if (/^[A-Z_]+_POOL\.[A-Z_]+$/.test(path)) return true;
  return name === 'ID' && /\.(GROUPS|USERS|ADMINS)\.ID$/.test(path);
}

const plainParser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name, path) => isRepeated(name, String(path)),
});

/**
 * Parses a document into plain objects with every value as text. Pool entries, the ids
 * of GROUPS, USERS and ADMINS, and LOGIN_TOKEN are always arrays.
 */
export function parseDocument(xml: string): Record<string, any> {
  return plainParser.parse(xml) as Record<string, any>;
}

/** Returns the hex form of an ACL user, resource or zone part (selector flag plus id), as the CLI sends it. */
export function aclPart(selector: '#' | '@' | '*' | '%', id = 0, resourceTypes = 0n): string {
  const flags = { '#': 0x100000000n, '@': 0x200000000n, '*': 0x400000000n, '%': 0x800000000n };
  return (resourceTypes | flags[selector] | BigInt(id)).toString(16);
}

/** Resource type bits of the ACL resource part. */
export const ACL_TYPE = {
  VM: 0x1000000000n,
  HOST: 0x2000000000n,
  NET: 0x4000000000n,
  IMAGE: 0x8000000000n,
  USER: 0x10000000000n,
  TEMPLATE: 0x20000000000n,
  GROUP: 0x40000000000n,
  DATASTORE: 0x100000000000n,
} as const;

/** Rights bits of the ACL rights part. */
export const ACL_RIGHTS = { USE: 0x1n, MANAGE: 0x2n, ADMIN: 0x4n, CREATE: 0x8n } as const;
