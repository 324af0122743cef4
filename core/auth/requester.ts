/** The authenticated user on whose behalf a call runs. */
export interface Requester {
  uid: number;
  /** Primary group, or the group a login token restricts the session to. */
  gid: number;
  /** Every group the session acts in, primary first. */
  groupIds: number[];
  uname: string;
  gname: string;
}

/** uid 0 and members of group 0 (`oneadmin`) may do everything. */
export function isAdmin(requester: Requester): boolean {
  return requester.uid === 0 || requester.groupIds.includes(0);
}
