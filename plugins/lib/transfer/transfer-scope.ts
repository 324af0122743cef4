import os from 'node:os';
import path from 'node:path';
import { DATASTORE_ROOT_SETTINGS, loadDatastoreRoots } from '../datastore-roots.js';
import { isInsideFolder, requireAbsolutePath, resolveEntry, resolveFollowingLinks } from '../path-checks.js';

/** Environment variables that configure the local transfer drivers, besides the datastore roots. */
export const TRANSFER_SETTINGS = {
  ...DATASTORE_ROOT_SETTINGS,
  /** Further host names that mean this machine, separated by spaces or commas; "*" accepts every host. */
  localHosts: 'STRATUS_LOCAL_HOSTS',
} as const;

/** The datastore roots and host names that bound what the transfer drivers touch. */
export interface TransferScope {
  /** Datastore roots with symbolic links resolved. */
  roots: string[];
  /** The setting the roots came from, for messages. */
  rootsOrigin: string;
  localHosts: Set<string>;
  anyHost: boolean;
}

/** Reads the roots and local host names from the environment; throws on a relative root. */
export async function loadTransferScope(env: NodeJS.ProcessEnv = process.env): Promise<TransferScope> {
  const roots = await loadDatastoreRoots(env);

  const hostname = os.hostname().toLowerCase();
  const extra = (env[TRANSFER_SETTINGS.localHosts] ?? '').split(/[\s,]+/).filter((name) => name !== '');
  const localHosts = new Set(['localhost', '127.0.0.1', '::1', hostname, hostname.split('.')[0] ?? hostname, ...extra.map((name) => name.toLowerCase())]);

  return { roots: roots.folders, rootsOrigin: roots.origin, localHosts, anyHost: extra.includes('*') };
}

/** Throws unless `host` names this machine, because these drivers act on local paths only. */
export function requireLocalHost(scope: TransferScope, host: string, role: string, subject: string): void {
  if (scope.anyHost || scope.localHosts.has(host.toLowerCase())) return;
  throw new Error(
    `the ${role} "${host}" of ${subject} is not this machine, and this driver works on local paths only (this machine is: ${[...scope.localHosts].join(', ')}); ` +
      `use a transfer driver that reaches other hosts, or add "${host}" to ${TRANSFER_SETTINGS.localHosts} if its datastore folders are this machine's (for example shared storage mounted at the same path)`,
  );
}

function outsideRootsError(scope: TransferScope, requestedPath: string, resolved: string, role: string): Error {
  const displayedPath = requestedPath === resolved ? requestedPath : `${requestedPath} (resolved to ${resolved})`;
  if (scope.roots.length === 0) {
    return new Error(`${displayedPath} (the ${role}) was rejected because no datastore roots are configured; set ${TRANSFER_SETTINGS.roots} to the folders that contain the datastores (separated by "${path.delimiter}"), or set ${TRANSFER_SETTINGS.home} to the daemon's data folder`);
  }
  return new Error(
    `${displayedPath} (the ${role}) is outside the datastore roots (${scope.roots.join(', ')}, from ${scope.rootsOrigin}); ` +
      `pass a path in a datastore, or add the folder that contains its datastore to ${TRANSFER_SETTINGS.roots}`,
  );
}

/**
 * Checks a path the driver reads and returns it with every symbolic link resolved;
 * throws unless that lies inside a root.
 */
export async function requireReadableInRoots(scope: TransferScope, file: string, role: string): Promise<string> {
  const absolute = requireAbsolutePath(file, role);
  const resolved = await resolveFollowingLinks(absolute);
  if (!scope.roots.some((root) => isInsideFolder(resolved, root))) throw outsideRootsError(scope, file, resolved, role);
  return resolved;
}

/** Number of path components of `file` below `root`, or -1 when it is not inside. */
function depthBelow(file: string, root: string): number {
  if (!isInsideFolder(file, root)) return -1;
  const relative = path.relative(root, file);
  return relative === '' ? 0 : relative.split(path.sep).length;
}

/**
 * Checks a path the driver creates, replaces or removes, resolving the links of its
 * folders but not of the entry itself (a link there is replaced or removed, never
 * followed). Roots contain datastore folders, so the path must lie at least two
 * levels below a root (`<root>/<datastore>/<entry>`): a root or a whole datastore
 * is never replaced or removed.
 */
export async function requireEntryInRoots(scope: TransferScope, file: string, role: string): Promise<string> {
  const absolute = requireAbsolutePath(file, role);
  const resolved = await resolveEntry(absolute);
  const depth = Math.max(...scope.roots.map((root) => depthBelow(resolved, root)), -1);

  if (depth < 0) throw outsideRootsError(scope, file, resolved, role);
  if (depth < 2) {
    throw new Error(`${file} (the ${role}) is a datastore root or a whole datastore folder, which this driver never replaces or removes; pass a VM folder or a file inside a datastore`);
  }
  return resolved;
}
