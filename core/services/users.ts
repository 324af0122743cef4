import { hashPassword, invalidPasswordReason, randomSecret, tokenDigest } from '../auth/password.js';
import { isAdmin, type Requester } from '../auth/requester.js';
import type { SqlRunner } from '../db/database.js';
import { userDocument, userPoolDocument } from '../documents/user-documents.js';
import { ApiError, ErrorCode } from '../errors/api-error.js';
import { Errors } from '../errors/catalogue.js';
import type { GroupRecord } from '../pools/records/group-record.js';
import type { UserRecord } from '../pools/records/user-record.js';
import { Template } from '../template/index.js';
import { rulesForUser } from './acl-rules.js';
import { createItem, groupItem, userItem } from './account-objects.js';
import type { CoreServices } from './core-services.js';
import { validateAccountName } from './names.js';
import { parseTemplateParam } from './owned-objects.js';

/** Drivers whose stored password is a SHA-256 hash of the secret. */
const HASHING_DRIVERS = new Set(['core', 'server_cipher']);
const ONEADMIN_GROUP = 0;
const USERS_GROUP = 1;
const ONEADMIN_USER = 0;
const PROTECTED_USERS = new Set([0, 1]);
/** Maximum number of live login tokens per user, as OpenNebula's `LoginTokenPool::MAX_TOKENS`. */
const MAX_LOGIN_TOKENS = 10;

function storedPassword(driver: string, password: string): string {
  return HASHING_DRIVERS.has(driver) ? hashPassword(password) : password;
}

function checkPassword(password: string, respId = -1): void {
  const reason = invalidPasswordReason(password);
  if (reason) throw Errors.badValue(`Invalid password: ${reason}.`, respId);
}

/** Returns the group of a user created without one: the creator's group, or users (1) for creators in group oneadmin. */
function defaultGroup(requester: Requester): number {
  return requester.gid === ONEADMIN_GROUP ? USERS_GROUP : requester.gid;
}

function sameGroups(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((gid) => b.includes(gid));
}

/**
 * Returns the user's tokens without `token`, or none when `token` is empty. The token
 * may also be given as the digest that one.user.info shows in LOGIN_TOKEN/TOKEN,
 * which is what `oneuser token-delete` sends. Throws when no token matches.
 */
function remainingTokens(user: UserRecord, token: string): UserRecord['loginTokens'] {
  if (token === '') return [];

  const digest = tokenDigest(token);
  const kept = user.loginTokens.filter((t) => t.tokenHash !== digest && t.tokenHash !== token);
  if (kept.length === user.loginTokens.length) {
    throw Errors.badValue(`Could not find the token: user ${user.id} has no such token.`, user.id);
  }
  return kept;
}

/**
 * Checks the group restriction of a new token as OpenNebula does: `egid` must be a
 * group of the user and, for sessions of non-administrators, a group of the session
 * too. A full token (-1) needs a session with all of the user's groups, so a session
 * restricted to one group cannot widen itself.
 */
function checkTokenGroup(requester: Requester, user: UserRecord, egid: number): void {
  if (egid === -1) {
    if (!isAdmin(requester) && !sameGroups(user.groups, requester.groupIds)) {
      throw Errors.badValue(
        'Cannot create a full token from a session restricted to one group. Log in with the password, or pass that group as EGID.',
        user.id,
      );
    }
    return;
  }

  if (!user.groups.includes(egid)) {
    throw Errors.badValue(`EGID ${egid} is not in the group list of user ${user.id}. Use one of ${user.groups.join(', ')} or -1.`, user.id);
  }
  if (!isAdmin(requester) && !requester.groupIds.includes(egid)) {
    throw Errors.badValue(`EGID ${egid} is not a group of this session. Use ${requester.groupIds.join(', ')}.`, user.id);
  }
}

/** Users: accounts, passwords, group membership and login tokens. */
export class Users {
  constructor(private readonly services: CoreServices) {}

  private get store() {
    return this.services.store;
  }

  async allocate(
    requester: Requester,
    name: string,
    password: string,
    driver: string,
    groupIds: number[],
  ): Promise<number> {
    validateAccountName('user', name);
    const authDriver = driver === '' ? 'core' : driver;
    if (HASHING_DRIVERS.has(authDriver)) checkPassword(password);
    const groups = groupIds.length > 0 ? [...new Set(groupIds)] : [defaultGroup(requester)];

    return this.store.db.transaction(async (tx) => {
      const members = await this.loadGroups(tx, groups);
      // As in OpenNebula, CREATE USER is checked in the requester's own group, and every
      // other group the new user joins needs MANAGE, so that a CREATE rule alone cannot
      // place users in group oneadmin.
      const otherGroups = members.filter((group) => group.id !== requester.gid);
      this.services.authorizer.check(requester, [
        createItem('USER', requester.uid, requester.gid),
        ...otherGroups.map((group) => groupItem(group, 'MANAGE')),
      ]);
      if (await this.store.users.findByName(tx, name)) {
        throw Errors.allocate('user', `NAME is already taken by another user: ${name}.`);
      }

      const id = await this.store.users.nextId(tx);
      await this.store.users.insert(tx, {
        id,
        gid: groups[0],
        groups,
        gname: members[0].name,
        name,
        password: storedPassword(authDriver, password),
        authDriver,
        enabled: true,
        loginTokens: [],
        template: new Template(),
      });

      for (const group of members) await this.addMember(tx, group, id);
      return id;
    });
  }

  /** Deletes the user, its group memberships and the ACL rules for `#id`. */
  async delete(requester: Requester, id: number): Promise<number> {
    const removedRules = await this.store.db.transaction(async (tx) => {
      const user = await this.store.users.require(tx, id);
      this.services.authorizer.check(requester, [userItem(user, 'ADMIN')], id);
      if (PROTECTED_USERS.has(id)) {
        throw Errors.action(`User ${user.name} [${id}] is needed by the system and cannot be deleted.`, id);
      }

      for (const gid of user.groups) {
        const group = await this.store.groups.get(tx, gid);
        if (group) await this.removeMember(tx, group, id);
      }
      await this.store.users.delete(tx, id);
      return this.services.acl.removeMatching(tx, rulesForUser(id));
    });

    for (const ruleId of removedRules) this.services.acl.commitRemoved(ruleId);
    return id;
  }

  async info(requester: Requester, id: number): Promise<string> {
    const target = id === -1 ? requester.uid : id;
    const user = await this.store.users.require(this.store.db, target);
    this.services.authorizer.check(requester, [userItem(user, 'USE')], target);
    return userDocument(user);
  }

  async pool(requester: Requester): Promise<string> {
    const users = await this.store.users.list(this.store.db);
    const canUse = this.services.authorizer.usePredicate(requester, 'USER');
    return userPoolDocument(users.filter((user) => canUse(userItem(user, 'USE'))));
  }

  /** Sets a new password, which ends every login token of the user, as in OpenNebula. */
  async passwd(requester: Requester, id: number, password: string): Promise<number> {
    return this.modify(requester, id, 'MANAGE', (user) => {
      checkPassword(password, id);
      user.password = storedPassword(user.authDriver, password);
      user.loginTokens = [];
    });
  }

  async update(requester: Requester, id: number, text: string, type: number): Promise<number> {
    if (type !== 0 && type !== 1) {
      throw Errors.badValue(`Wrong update type ${type}: use 0 to replace the template or 1 to merge into it.`, id);
    }
    const incoming = parseTemplateParam(text, id);
    return this.modify(requester, id, 'MANAGE', (user) => {
      if (type === 0) user.template = incoming;
      else user.template.merge(incoming);
    });
  }

  async chauth(requester: Requester, id: number, driver: string, password: string): Promise<number> {
    if (driver === '') throw Errors.badValue('Invalid authentication driver: it cannot be empty.', id);

    return this.modify(requester, id, 'ADMIN', (user) => {
      user.authDriver = driver;
      if (password === '') return;
      checkPassword(password, id);
      user.password = storedPassword(driver, password);
      user.loginTokens = [];
    });
  }

  async enable(requester: Requester, id: number, enabled: boolean): Promise<number> {
    return this.modify(requester, id, 'ADMIN', (user) => {
      if (!enabled && id === 0) throw Errors.action('User oneadmin [0] cannot be disabled.', id);
      user.enabled = enabled;
    });
  }

  /**
   * Makes `gid` the primary group, which needs MANAGE on the user and USE on the group,
   * so users may switch among their own groups. As in OpenNebula, the previous primary
   * group is left unless `gid` already was a secondary group; then both stay.
   */
  async chgrp(requester: Requester, id: number, gid: number): Promise<number> {
    if (gid < 0) throw Errors.badValue(`Wrong group ID ${gid}: give the id of an existing group.`, id);

    return this.modify(requester, id, 'MANAGE', async (user, tx) => {
      const group = await this.store.groups.require(tx, gid);
      if (id === ONEADMIN_USER) {
        throw Errors.action('User oneadmin [0] cannot be moved out of group oneadmin [0].', id);
      }
      this.services.authorizer.check(requester, [groupItem(group, 'USE')], id);
      if (user.gid === gid) return;

      if (!user.groups.includes(gid)) {
        const previous = await this.store.groups.get(tx, user.gid);
        if (previous) await this.removeMember(tx, previous, id);
        user.groups = [...user.groups.filter((member) => member !== user.gid), gid];
        await this.addMember(tx, group, id);
      }
      user.gid = gid;
      user.gname = group.name;
    });
  }

  async addgroup(requester: Requester, id: number, gid: number): Promise<number> {
    return this.modify(requester, id, 'MANAGE', async (user, tx) => {
      const group = await this.store.groups.require(tx, gid);
      this.services.authorizer.check(requester, [groupItem(group, 'MANAGE')], id);
      if (user.groups.includes(gid)) {
        throw Errors.action(`User ${id} is already in group ${gid}.`, id);
      }
      user.groups = [...user.groups, gid];
      await this.addMember(tx, group, id);
    });
  }

  async delgroup(requester: Requester, id: number, gid: number): Promise<number> {
    return this.modify(requester, id, 'MANAGE', async (user, tx) => {
      const group = await this.store.groups.require(tx, gid);
      this.services.authorizer.check(requester, [groupItem(group, 'MANAGE')], id);
      if (user.gid === gid) {
        throw Errors.action(`Group ${gid} is the primary group of user ${id}; change it with chgrp first.`, id);
      }
      if (!user.groups.includes(gid)) throw Errors.action(`User ${id} is not in group ${gid}.`, id);
      user.groups = user.groups.filter((g) => g !== gid);
      await this.removeMember(tx, group, id);
    });
  }

  /**
   * Creates a login token for `username` (a random one when `token` is empty) and
   * returns it. `validSeconds` 0 removes the token, or every token when `token` is
   * empty; -1 makes it last until the configured maximum. `egid` restricts sessions
   * of the token to one group of the user.
   */
  async login(requester: Requester, username: string, token: string, validSeconds: number, egid: number): Promise<string> {
    return this.store.db.transaction(async (tx) => {
      const user = await this.store.users.findByName(tx, username);
      if (!user) {
        throw new ApiError(ErrorCode.NO_EXISTS, `Error getting user ${JSON.stringify(username)}: no user has this name.`);
      }
      this.services.authorizer.check(requester, [userItem(user, 'MANAGE')], user.id);

      if (validSeconds === 0) {
        user.loginTokens = remainingTokens(user, token);
      } else if (validSeconds > 0 || validSeconds === -1) {
        checkTokenGroup(requester, user, egid);
        token = this.addToken(user, token, validSeconds, egid);
      } else {
        throw Errors.badValue(`Invalid token lifetime ${validSeconds}: use seconds, 0 to remove or -1 for the maximum.`, user.id);
      }

      await this.store.users.update(tx, user);
      return token;
    });
  }

  /** Adds a token after dropping expired ones, and returns its value. */
  private addToken(user: UserRecord, token: string, validSeconds: number, egid: number): string {
    const now = this.services.now();
    const live = user.loginTokens.filter((t) => t.expirationTime === -1 || t.expirationTime > now);
    if (live.length >= MAX_LOGIN_TOKENS) {
      throw Errors.badValue(
        `Max number of tokens limit reached: user ${user.id} has ${MAX_LOGIN_TOKENS}. Remove one with 0 seconds first.`,
        user.id,
      );
    }

    const maxSeconds = this.services.settings.auth.maxTokenSeconds;
    const seconds = validSeconds === -1 ? maxSeconds : Math.min(validSeconds, maxSeconds);
    const value = token === '' ? randomSecret() : token;
    const digest = tokenDigest(value);
    user.loginTokens = [
      ...live.filter((t) => t.tokenHash !== digest),
      { tokenHash: digest, expirationTime: now + seconds, egid },
    ];
    return value;
  }

  private async modify(
    requester: Requester,
    id: number,
    operation: 'USE' | 'MANAGE' | 'ADMIN',
    change: (user: UserRecord, tx: SqlRunner) => Promise<void> | void,
  ): Promise<number> {
    await this.store.db.transaction(async (tx) => {
      const user = await this.store.users.require(tx, id);
      this.services.authorizer.check(requester, [userItem(user, operation)], id);
      await change(user, tx);
      await this.store.users.update(tx, user);
    });
    return id;
  }

  /** Loads the groups of a new user; a missing one is NO_EXISTS, as in OpenNebula. */
  private async loadGroups(tx: SqlRunner, ids: number[]): Promise<GroupRecord[]> {
    const groups: GroupRecord[] = [];
    for (const gid of ids) groups.push(await this.store.groups.require(tx, gid));
    return groups;
  }

  private async addMember(tx: SqlRunner, group: GroupRecord, uid: number): Promise<void> {
    if (group.users.includes(uid)) return;
    group.users = [...group.users, uid].sort((a, b) => a - b);
    await this.store.groups.update(tx, group);
  }

  private async removeMember(tx: SqlRunner, group: GroupRecord, uid: number): Promise<void> {
    group.users = group.users.filter((member) => member !== uid);
    group.admins = group.admins.filter((member) => member !== uid);
    await this.store.groups.update(tx, group);
  }
}
