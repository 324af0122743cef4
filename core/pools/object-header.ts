import type { Permissions } from '../acl/index.js';

/** An object lock, as `one.<object>.lock` sets it. */
export interface LockInfo {
  /** Stored level: 1 use (also set by the API's level 4, "all"), 2 manage, 3 admin. */
  level: number;
  owner: number;
  time: number;
  reqId: number;
}

/** The fields every owned pool object has, with OpenNebula's meaning. */
export interface ObjectHeader {
  id: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  name: string;
  permissions: Permissions;
  lock: LockInfo | null;
}
