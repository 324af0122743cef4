import { authorize, type AuthItem, type ResourceTypeName } from '../acl/index.js';
import { ApiError, ErrorCode } from '../errors/api-error.js';
import { Errors } from '../errors/catalogue.js';
import type { ObjectHeader } from '../pools/object-header.js';
import type { AclStore } from './acl-store.js';
import { isAdmin, type Requester } from './requester.js';

export type Operation = AuthItem['operation'];

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

  /** Whether the requester may USE the object; pool listings keep only these. */
  canUse(requester: Requester, type: ResourceTypeName, object: ObjectHeader): boolean {
    if (isAdmin(requester)) return true;
    return authorize(requester, [itemFor(type, object, 'USE', false)], this.acl.all()).allowed;
  }
}
