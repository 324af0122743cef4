import { Permissions, type AuthItem, type Operation } from '../acl/index.js';
import type { GroupRecord } from '../pools/records/group-record.js';
import type { UserRecord } from '../pools/records/user-record.js';

const USER_SELF = Permissions.fromOctal('600');
const GROUP_MEMBERS = Permissions.fromOctal('040');

/**
 * A user as an authorisation object: the user owns itself, so it may read and manage
 * its own account; anything more needs group 0 or an ACL rule.
 */
export function userItem(user: UserRecord, operation: Operation): AuthItem {
  return {
    type: 'USER',
    oid: user.id,
    ownerUid: user.id,
    ownerGid: user.gid,
    permissions: USER_SELF,
    operation,
    lockLevel: 0,
  };
}

/** A group as an authorisation object: its members may USE it. */
export function groupItem(group: GroupRecord, operation: Operation): AuthItem {
  return {
    type: 'GROUP',
    oid: group.id,
    ownerUid: 0,
    ownerGid: group.id,
    permissions: GROUP_MEMBERS,
    operation,
    lockLevel: 0,
  };
}

/** The item for creating an object of `type` owned by the requester. */
export function createItem(type: AuthItem['type'], uid: number, gid: number): AuthItem {
  return { type, oid: -1, ownerUid: uid, ownerGid: gid, operation: 'CREATE', lockLevel: 0 };
}
