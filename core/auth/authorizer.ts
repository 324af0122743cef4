import { authorize, canUsePredicate, type AuthItem, type AuthObjectPredicate, type ResourceTypeName } from '../acl/index.js';
import { ApiError, ErrorCode } from '../errors/api-error.js';
import { Errors } from '../errors/catalogue.js';
import type { ObjectHeader } from '../pools/object-header.js';
import type { AclStore } from './acl-store.js';
import type { Requester } from './requester.js';

export type Operation = AuthItem['operation'];

/**
 * Returns the clusters that `%cluster_id` rules match: datastores and networks list
 * theirs, a host belongs to one, and other objects belong to none.
 */
function clusterIdsOf(object: ObjectHeader): number[] | undefined {
  const clustered = object as ObjectHeader & { clusterIds?: unknown; clusterId?: unknown };
  if (Array.isArray(clustered.clusterIds)) return clustered.clusterIds as number[];
  if (typeof clustered.clusterId === 'number') return [clustered.clusterId];
  return undefined;
}

/**
 * Builds the authorisation item for an operation on an existing object. Reading an
 * object is not blocked by its lock, so `checkLock` is false for info calls.
 */
export function itemFor(
  type: ResourceTypeName,
  object: ObjectHeader,
  operation: Operation,
  checkLock = true,
): AuthItem {
  return {
    type,
    oid: object.id,
    ownerUid: object.uid,
    ownerGid: object.gid,
    clusterIds: clusterIdsOf(object),
    permissions: object.permissions,
    operation,
    lockLevel: object.lock?.level ?? 0,
    ignoreLock: !checkLock,
  };
}

/** Checks calls against object permissions and the ACL rules, with OpenNebula's semantics. */
export class Authorizer {
  constructor(private readonly acl: AclStore) {}

  /** Throws the API's AUTHORIZATION error (LOCKED for a locked object) unless every item is allowed. */
  check(requester: Requester, items: AuthItem[], respId = -1): void {
    const decision = authorize(requester, items, this.acl.all());
    if (decision.allowed) return;

    if (decision.locked) throw new ApiError(ErrorCode.LOCKED, decision.message, respId);
    throw Errors.notAuthorized(requester.uid, decision.message, respId);
  }

  allows(requester: Requester, items: AuthItem[]): boolean {
    return authorize(requester, items, this.acl.all()).allowed;
  }

  /**
   * Builds a test of whether the requester may USE an object of `type`, for filtering
   * whole pools: the ACL rules are scanned once, not once per object. Locks are ignored.
   */
  usePredicate(requester: Requester, type: ResourceTypeName): AuthObjectPredicate {
    return canUsePredicate(requester, type, this.acl.all());
  }

  /** Returns whether the requester may USE the object. Use `usePredicate` to test many objects. */
  canUse(requester: Requester, type: ResourceTypeName, object: ObjectHeader): boolean {
    return this.usePredicate(requester, type)(itemFor(type, object, 'USE', false));
  }
}
