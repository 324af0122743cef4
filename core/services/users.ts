import { createHash } from 'node:crypto';
import { hashPassword, randomSecret } from '../auth/password.js';
import { isAdmin, type Requester } from '../auth/requester.js';
import type { SqlRunner } from '../db/database.js';
import { userDocument, userPoolDocument } from '../documents/user-documents.js';
import { Errors } from '../errors/catalogue.js';
import type { GroupRecord } from '../pools/records/group-record.js';
import type { UserRecord } from '../pools/records/user-record.js';
import { Template } from '../template/index.js';
import { createItem, groupItem, userItem } from './account-objects.js';
import type { CoreServices } from './core-services.js';
import { validateAccountName } from './names.js';
import { parseTemplateParam } from './owned-objects.js';

/** Drivers whose stored password is a SHA-256 hash of the secret. */
const HASHING_DRIVERS = new Set(['core', 'server_cipher']);
const USERS_GROUP = 1;
const PROTECTED_USERS = new Set([0, 1]);

function storedPassword(driver: string, password: string): string {
  return HASHING_DRIVERS.has(driver) ? hashPassword(password) : password;
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
    if (HASHING_DRIVERS.has(authDriver) && password === '') {
      throw Errors.badValue('Invalid password: it cannot be empty for the core driver.');
    }
    const groups = groupIds.length > 0 ? [...new Set(groupIds)] : [USERS_GROUP];

    return this.store.db.transaction(async (tx) => {
      this.services.authorizer.check(requester, [createItem('USER', requester.uid, groups[0])]);
      if (await this.store.users.findByName(tx, name)) {
        throw Errors.allocate('user', `NAME is already taken by another user: ${name}.`);
      }

      const members = await this.loadGroups(tx, groups);
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

  async delete(requester: Requester, id: number): Promise<number> {
    return this.store.db.transaction(async (tx) => {
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
      return id;
    });
  }

  async info(requester: Requester, id: number): Promise<string> {
    const target = id === -1 ? requester.uid : id;
    const user = await this.store.users.require(this.store.db, target);
    this.services.authorizer.check(requester, [userItem(user, 'USE')], target);
    return userDocument(user);
  }

  async pool(requester: Requester): Promise<string> {
    const users = await this.store.users.list(this.store.db);
    const visible = isAdmin(requester)
      ? users
      : users.filter((user) => this.services.authorizer.allows(requester, [userItem(user, 'USE')]));
    return userPoolDocument(visible);
  }

  async passwd(requester: Requester, id: number, password: string): Promise<number> {
    return this.modify(requester, id, 'MANAGE', (user) => {
      if (HASHING_DRIVERS.has(user.authDriver) && password === '') {
        throw Errors.badValue('Invalid password: it cannot be empty.', id);
      }
      user.password = storedPassword(user.authDriver, password);
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
      if (password !== '') user.password = storedPassword(driver, password);
    });
  }

  async enable(requester: Requester, id: number, enabled: boolean): Promise<number> {
    return this.modify(requester, id, 'ADMIN', (user) => {
      if (!enabled && id === 0) throw Errors.action('User oneadmin [0] cannot be disabled.', id);
      user.enabled = enabled;
    });
  }

  /** Makes `gid` the primary group; the previous primary group is left. */
  async chgrp(requester: Requester, id: number, gid: number): Promise<number> {
    return this.modify(requester, id, 'MANAGE', async (user, tx) => {
      const group = await this.store.groups.require(tx, gid);
      this.services.authorizer.check(requester, [groupItem(group, 'MANAGE')], id);
      if (user.gid === gid) return;

      const previous = await this.store.groups.get(tx, user.gid);
      if (previous) await this.removeMember(tx, previous, id);
      user.groups = [gid, ...user.groups.filter((g) => g !== gid && g !== user.gid)];
      user.gid = gid;
      user.gname = group.name;
      await this.addMember(tx, group, id);
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
   * returns it. `validSeconds` 0 removes the token (or every token when none is given);
   * -1 makes it last until the configured maximum.
   */
  async login(requester: Requester, username: string, token: string, validSeconds: number, egid: number): Promise<string> {
    return this.store.db.transaction(async (tx) => {
      const user = await this.store.users.findByName(tx, username);
      if (!user) throw Errors.notFound('user', -1);
      this.services.authorizer.check(requester, [userItem(user, 'MANAGE')], user.id);
      if (!isAdmin(requester) && requester.uid !== user.id) {
        throw Errors.notAuthorized(requester.uid, `Not authorized to log in as user [${user.id}].`, user.id);
      }
      if (egid >= 0 && !user.groups.includes(egid)) {
        throw Errors.badValue(`EGID ${egid} is not a group of user ${user.id}; use one of ${user.groups.join(', ')} or -1.`, user.id);
      }

      const hash = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
      if (validSeconds === 0) {
        user.loginTokens = token === '' ? [] : user.loginTokens.filter((t) => t.tokenHash !== hash(token));
        await this.store.users.update(tx, user);
        return token;
      }
      if (validSeconds < -1) {
        throw Errors.badValue(`Invalid token lifetime ${validSeconds}: use seconds, 0 to remove or -1 for the maximum.`, user.id);
      }

      const maxSeconds = this.services.settings.auth.maxTokenSeconds;
      const seconds = validSeconds === -1 ? maxSeconds : Math.min(validSeconds, maxSeconds);
      const value = token === '' ? randomSecret() : token;
      const now = this.services.now();
      user.loginTokens = [
        ...user.loginTokens.filter((t) => t.expirationTime === -1 || t.expirationTime > now),
        { tokenHash: hash(value), expirationTime: now + seconds, egid },
      ];
      await this.store.users.update(tx, user);
      return value;
    });
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

  private async loadGroups(tx: SqlRunner, ids: number[]): Promise<GroupRecord[]> {
    const groups: GroupRecord[] = [];
    for (const gid of ids) {
      const group = await this.store.groups.get(tx, gid);
      if (!group) throw Errors.allocate('user', `Group ${gid} does not exist; create it or pick another.`);
      groups.push(group);
    }
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
