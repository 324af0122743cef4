/**
 * The authorization decision of OpenNebula 6.10: locks first, then the administrator bypass,
 * then the object's permission bits and the ACL rules. There are no deny rules, so a request
 * item is granted as soon as one rule matches it.
 */

import type { PermissionBits, Permissions } from './permissions.js';
import { type AuthObjectTypeName, resourceTypeBit } from './resource-types.js';
import { ACL_ID_MASK, ACL_SELECTOR_FLAGS, type AclRightName, type AclRuleSpec, aclIdOf } from './rule.js';

export type Operation = AclRightName;

/** The user making a request. `groupIds` lists all of the user's groups, primary group first. */
export interface Requester {
  uid: number;
  groupIds: number[];
}

/** The facts about one object that authorization reads. */
export interface AuthObject {
  /** Object id, or -1 for an object that a CREATE request would make. CREATE ignores it. */
  oid: number;
  ownerUid: number;
  /** Owner group, or for CREATE the group the new object would get. */
  ownerGid: number;
  /** Clusters the object belongs to, matched by `%cluster_id` rules. CREATE ignores them. */
  clusterIds?: number[];
  /** Absent for CREATE requests, and ignored there. */
  permissions?: Permissions;
  /** Stored lock level: 0 or absent for none, 1 use, 2 manage, 3 admin. */
  lockLevel?: number;
}

/** One operation on one object. */
export interface AuthItem extends AuthObject {
  type: AuthObjectTypeName;
  operation: Operation;
  /** Skips the lock check, as OpenNebula's *_NO_LCK operations do for info and unlock calls. */
  ignoreLock?: boolean;
}

/**
 * The outcome of a request. `message` is empty when allowed, and otherwise lists every refused
 * item. `locked` is true when at least one item was refused because of a lock.
 */
export interface AuthDecision {
  allowed: boolean;
  locked: boolean;
  message: string;
}

/** Predicate over objects of one type, built by accessPredicate for pool listings. */
export type AuthObjectPredicate = (object: AuthObject) => boolean;

/** Rights bits of each operation. Lock levels are compared with these values. */
export const OPERATION_BITS: Readonly<Record<Operation, bigint>> = Object.freeze({
  USE: 0x1n,
  MANAGE: 0x2n,
  ADMIN: 0x4n,
  CREATE: 0x8n,
});

/** Stored lock levels. */
export const LOCK_LEVELS = Object.freeze({ NONE: 0, USE: 1, MANAGE: 2, ADMIN: 3 });

const LOCK_LEVEL_NAMES = ['NONE', 'USE', 'MANAGE', 'ADMIN'];

const ONEADMIN_UID = 0;

const ONEADMIN_GID = 0;

const SELECTOR_FLAGS_MASK = 0xf00000000n;

type PermissionKey = keyof PermissionBits;

/** Permission bits that grant each operation. CREATE has none, because it needs an ACL rule. */
const PERMISSION_KEYS: Partial<Record<Operation, { owner: PermissionKey; group: PermissionKey; other: PermissionKey }>> = {
  USE: { owner: 'ownerU', group: 'groupU', other: 'otherU' },
  MANAGE: { owner: 'ownerM', group: 'groupM', other: 'otherM' },
  ADMIN: { owner: 'ownerA', group: 'groupA', other: 'otherA' },
};

/** A request item resolved to the bits and ids that rules are matched against. */
interface MatchTarget {
  uid: number;
  groups: ReadonlySet<number>;
  typeBit: bigint;
  rightBit: bigint;
  oid: number;
  gid: number;
  clusterIds: readonly number[];
  zoneId: number;
}

/** Returns true for oneadmin (uid 0) and for every member of group 0. */
export function isAdministrator(requester: Requester): boolean {
  return requester.uid === ONEADMIN_UID || requester.groupIds.includes(ONEADMIN_GID);
}

/**
 * Converts the level parameter of the *.lock methods to the stored level: 1 use and 4 all are
 * both stored as 1, 2 manage as 2 and 3 admin as 3.
 */
export function storedLockLevel(apiLevel: number): number {
  switch (apiLevel) {
    case 1:
    case 4:
      return LOCK_LEVELS.USE;
    case 2:
      return LOCK_LEVELS.MANAGE;
    case 3:
      return LOCK_LEVELS.ADMIN;
    default:
      throw new RangeError(`Invalid lock level ${apiLevel}: use 1 (use), 2 (manage), 3 (admin) or 4 (all).`);
  }
}

/**
 * Returns true when a stored lock level blocks an operation: the level is at most the
 * operation's bit value (USE 1, MANAGE 2, ADMIN 4, CREATE 8). A use lock blocks every
 * operation, a manage lock blocks MANAGE and ADMIN, and an admin lock blocks ADMIN only.
 */
export function isBlockedByLock(lockLevel: number, operation: Operation): boolean {
  return lockLevel > 0 && lockLevel <= Number(operationBit(operation));
}

/**
 * Decides whether `requester` may perform every item. An item passes when no lock blocks its
 * operation and either the requester is an administrator or a stored rule or one of the
 * object's permission rules matches it. `zoneId` is the zone this daemon serves.
 */
export function authorize(
  requester: Requester,
  items: readonly AuthItem[],
  rules: readonly AclRuleSpec[],
  zoneId = 0,
): AuthDecision {
  const groups = new Set(requester.groupIds);
  const failures: string[] = [];
  let locked = false;

  for (const item of items) {
    // Both throw for unknown values, so a typo fails loudly even for administrators.
    operationBit(item.operation);
    resourceTypeBit(item.type);

    const objectName = describeObject(item);
    const lockLevel = item.lockLevel ?? LOCK_LEVELS.NONE;

    if (item.ignoreLock !== true && isBlockedByLock(lockLevel, item.operation)) {
      locked = true;
      failures.push(
        `The resource ${objectName} is locked: its ${LOCK_LEVEL_NAMES[lockLevel] ?? lockLevel} lock blocks ` +
          `${item.operation} operations. Unlock it first.`,
      );
      continue;
    }

    if (!isAdministrator(requester) && !isItemGranted(requester, groups, item, rules, zoneId)) {
      failures.push(`Not authorized to perform ${item.operation} ${objectName}.`);
    }
  }

  return { allowed: failures.length === 0, locked, message: failures.join(' ') };
}

function isItemGranted(
  requester: Requester,
  groups: ReadonlySet<number>,
  item: AuthItem,
  rules: readonly AclRuleSpec[],
  zoneId: number,
): boolean {
  // A CREATE request names an object that does not exist yet, so only `*` and `@gid` rules,
  // with gid the would-be owner group, can match it.
  const creating = item.operation === 'CREATE';
  const target: MatchTarget = {
    uid: requester.uid,
    groups,
    typeBit: resourceTypeBit(item.type),
    rightBit: operationBit(item.operation),
    oid: creating ? -1 : item.oid,
    gid: item.ownerGid,
    clusterIds: creating ? [] : (item.clusterIds ?? []),
    zoneId,
  };

  const permissionRules = creating ? [] : rulesFromPermissions(item, target.typeBit, zoneId);
  return permissionRules.some((rule) => ruleMatches(rule, target)) || rules.some((rule) => ruleMatches(rule, target));
}

/**
 * Turns an object's permission bits into OpenNebula's three temporary rules: owner `#uid`,
 * group `@gid` and other `*`, each on `#oid` in the current zone. Objects without an id
 * (CREATE requests) get none.
 */
export function rulesFromPermissions(object: AuthObject, typeBit: bigint, zoneId: number): AclRuleSpec[] {
  const permissions = object.permissions;
  if (permissions === undefined || object.oid < 0) {
    return [];
  }

  const resource = typeBit | ACL_SELECTOR_FLAGS['#'] | BigInt(object.oid);
  const zone = ACL_SELECTOR_FLAGS['#'] | BigInt(zoneId);
  const rules: AclRuleSpec[] = [];

  if (object.ownerUid >= 0) {
    const rights = rightsOf(permissions.ownerU, permissions.ownerM, permissions.ownerA);
    rules.push({ user: ACL_SELECTOR_FLAGS['#'] | BigInt(object.ownerUid), resource, rights, zone });
  }
  if (object.ownerGid >= 0) {
    const rights = rightsOf(permissions.groupU, permissions.groupM, permissions.groupA);
    rules.push({ user: ACL_SELECTOR_FLAGS['@'] | BigInt(object.ownerGid), resource, rights, zone });
  }
  const otherRights = rightsOf(permissions.otherU, permissions.otherM, permissions.otherA);
  rules.push({ user: ACL_SELECTOR_FLAGS['*'], resource, rights: otherRights, zone });

  return rules;
}

/**
 * Builds a predicate that returns whether `requester` may perform `operation` on an object of
 * `type`, for filtering pool listings. It scans the rules once, so each call is a few set
 * lookups. It gives the same answer as authorize except that it ignores locks, because
 * listings show locked objects.
 */
export function accessPredicate(
  requester: Requester,
  type: AuthObjectTypeName,
  operation: Operation,
  rules: readonly AclRuleSpec[],
  zoneId = 0,
): AuthObjectPredicate {
  if (isAdministrator(requester)) {
    return () => true;
  }

  const target = ruleScanTarget(requester, type, operation, zoneId);
  const creating = operation === 'CREATE';
  const grantedOids = new Set<number>();
  const grantedGids = new Set<number>();
  const grantedClusterIds = new Set<number>();

  for (const rule of rules) {
    if (!ruleAppliesToAnyObject(rule, target)) {
      continue;
    }

    const flags = rule.resource & SELECTOR_FLAGS_MASK;
    const id = aclIdOf(rule.resource);
    if (flags === ACL_SELECTOR_FLAGS['*']) return () => true;
    if (flags === ACL_SELECTOR_FLAGS['@']) grantedGids.add(id);
    if (creating) continue;
    if (flags === ACL_SELECTOR_FLAGS['#']) grantedOids.add(id);
    if (flags === ACL_SELECTOR_FLAGS['%']) grantedClusterIds.add(id);
  }

  const grantedByPermissions = permissionPredicate(requester.uid, target.groups, operation);
  return (object) =>
    grantedOids.has(object.oid) ||
    grantedGids.has(object.ownerGid) ||
    (object.clusterIds ?? []).some((clusterId) => grantedClusterIds.has(clusterId)) ||
    grantedByPermissions(object);
}

/** Builds the accessPredicate for USE, the right that pool listings filter on. */
export function canUsePredicate(
  requester: Requester,
  type: AuthObjectTypeName,
  rules: readonly AclRuleSpec[],
  zoneId = 0,
): AuthObjectPredicate {
  return accessPredicate(requester, type, 'USE', rules, zoneId);
}

function ruleScanTarget(requester: Requester, type: AuthObjectTypeName, operation: Operation, zoneId: number): MatchTarget {
  return {
    uid: requester.uid,
    groups: new Set(requester.groupIds),
    typeBit: resourceTypeBit(type),
    rightBit: operationBit(operation),
    oid: -1,
    gid: -1,
    clusterIds: [],
    zoneId,
  };
}

/** Returns true when a rule matches the target on everything but the object id. */
function ruleAppliesToAnyObject(rule: AclRuleSpec, target: MatchTarget): boolean {
  return (
    (rule.rights & target.rightBit) !== 0n &&
    (rule.resource & target.typeBit) !== 0n &&
    userMatches(rule.user, target) &&
    zoneMatches(rule.zone, target.zoneId)
  );
}

/** Evaluates the three permission rules of rulesFromPermissions directly on the bits. */
function permissionPredicate(uid: number, groups: ReadonlySet<number>, operation: Operation): AuthObjectPredicate {
  const keys = PERMISSION_KEYS[operation];
  if (keys === undefined) {
    return () => false;
  }

  return (object) => {
    const permissions = object.permissions;
    if (permissions === undefined || object.oid < 0) {
      return false;
    }
    return (
      (permissions[keys.owner] && object.ownerUid === uid) ||
      (permissions[keys.group] && groups.has(object.ownerGid)) ||
      permissions[keys.other]
    );
  };
}

function rightsOf(use: boolean, manage: boolean, admin: boolean): bigint {
  let rights = 0n;
  if (use) rights |= OPERATION_BITS.USE;
  if (manage) rights |= OPERATION_BITS.MANAGE;
  if (admin) rights |= OPERATION_BITS.ADMIN;
  return rights;
}

/** Returns true when a rule matches the target on user, resource type, object id, right and zone. */
function ruleMatches(rule: AclRuleSpec, target: MatchTarget): boolean {
  return (
    (rule.rights & target.rightBit) !== 0n &&
    (rule.resource & target.typeBit) !== 0n &&
    userMatches(rule.user, target) &&
    zoneMatches(rule.zone, target.zoneId) &&
    resourceIdMatches(rule.resource, target)
  );
}

function userMatches(user: bigint, target: MatchTarget): boolean {
  const flags = user & SELECTOR_FLAGS_MASK;
  const id = aclIdOf(user);

  if (flags === ACL_SELECTOR_FLAGS['*']) return true;
  if (flags === ACL_SELECTOR_FLAGS['#']) return id === target.uid;
  if (flags === ACL_SELECTOR_FLAGS['@']) return target.groups.has(id);
  return false;
}

/** Matches `#oid`, the object's `@gid`, any of its `%cluster_id`s, or `*`. Ids of -1 match nothing. */
function resourceIdMatches(resource: bigint, target: MatchTarget): boolean {
  const flags = resource & SELECTOR_FLAGS_MASK;
  const id = aclIdOf(resource);

  if (flags === ACL_SELECTOR_FLAGS['*']) return true;
  if (flags === ACL_SELECTOR_FLAGS['#']) return target.oid >= 0 && id === target.oid;
  if (flags === ACL_SELECTOR_FLAGS['@']) return target.gid >= 0 && id === target.gid;
  if (flags === ACL_SELECTOR_FLAGS['%']) return target.clusterIds.includes(id);
  return false;
}

function zoneMatches(zone: bigint, zoneId: number): boolean {
  const flags = zone & SELECTOR_FLAGS_MASK;

  if (flags === ACL_SELECTOR_FLAGS['*']) return true;
  return flags === ACL_SELECTOR_FLAGS['#'] && (zone & ACL_ID_MASK) === BigInt(zoneId);
}

function operationBit(operation: Operation): bigint {
  const bit = OPERATION_BITS[operation];
  if (bit === undefined) {
    throw new RangeError(`Unknown operation '${String(operation)}': use USE, MANAGE, ADMIN or CREATE.`);
  }
  return bit;
}

/** Names an object as OpenNebula's messages do: 'IMAGE [2]', or just 'VM' for a CREATE request. */
function describeObject(item: AuthItem): string {
  const hasId = item.operation !== 'CREATE' && item.oid >= 0;
  return hasId ? `${item.type} [${item.oid}]` : item.type;
}
