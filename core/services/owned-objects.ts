import { Permissions, type ResourceTypeName } from '../acl/index.js';
import { itemFor, type Operation } from '../auth/authorizer.js';
import { isAdmin, type Requester } from '../auth/requester.js';
import type { SqlRunner } from '../db/database.js';
import { Errors } from '../errors/catalogue.js';
import type { ObjectHeader } from '../pools/object-header.js';
import type { ObjectPool } from '../pools/object-pool.js';
import { Template, TemplateError } from '../template/index.js';
import type { CoreServices } from './core-services.js';
import { checkRenamedObjectName, type NameRule } from './names.js';
import { listVisible, type PoolQuery } from './pool-listing.js';

/** How names of a kind must be unique: across the pool, per owner, or not at all. */
export type NameScope = 'pool' | 'owner' | 'none';

export interface ObjectKind<R extends ObjectHeader> {
  pool: ObjectPool<R>;
  type: ResourceTypeName;
  nameScope: NameScope;
  /** The template that `update` edits: the VM's user template, or the object's template. */
  editableTemplate: 'template' | 'userTemplate';
  /** The rule for names of this kind, when stricter than the rule for every object. */
  nameRule?: NameRule;
}

/** Parses a template parameter, turning syntax errors into the API's XML_RPC_API error. */
export function parseTemplateParam(text: string, respId = -1): Template {
  try {
    return Template.parse(text);
  } catch (error) {
    if (error instanceof TemplateError) {
      throw Errors.badValue(`Parse error in the template: ${error.message}`, respId);
    }
    throw error;
  }
}

/**
 * The operations every owned object shares: info, rename, chmod, chown, update and
 * listing, each authorised and run as one transaction.
 */
export class OwnedObjects<R extends ObjectHeader> {
  constructor(
    protected readonly services: CoreServices,
    readonly kind: ObjectKind<R>,
  ) {}

  get pool(): ObjectPool<R> {
    return this.kind.pool;
  }

  /** Reads the object for `info`: USE is needed, locks do not block reading. */
  async read(requester: Requester, id: number): Promise<R> {
    const record = await this.pool.require(this.services.store.db, id);
    this.services.authorizer.check(requester, [itemFor(this.kind.type, record, 'USE', false)], id);
    return record;
  }

  /**
   * Loads the object inside a transaction, checks `operation` on it, lets `change`
   * modify it and stores the result. Returns the object id.
   */
  async modify(
    requester: Requester,
    id: number,
    operation: Operation,
    change: (record: R, tx: SqlRunner) => Promise<void> | void,
  ): Promise<number> {
    await this.services.store.db.transaction(async (tx) => {
      const record = await this.pool.require(tx, id);
      this.services.authorizer.check(requester, [itemFor(this.kind.type, record, operation)], id);
      await change(record, tx);
      await this.pool.update(tx, record);
    });
    return id;
  }

  /** Renames the object. As in OpenNebula, MANAGE is checked before the name. */
  async rename(requester: Requester, id: number, name: string): Promise<number> {
    return this.modify(requester, id, 'MANAGE', async (record, tx) => {
      if (record.name === name) return;
      checkRenamedObjectName(this.pool.objectName, name, id, this.kind.nameRule);
      await this.checkNameFree(tx, name, record.uid, id);
      record.name = name;
    });
  }

  async chmod(requester: Requester, id: number, values: number[]): Promise<number> {
    return this.modify(requester, id, 'MANAGE', (record) => {
      let updated: Permissions;
      try {
        updated = record.permissions.applyChmod(values);
      } catch (error) {
        throw Errors.badValue((error as Error).message, id);
      }

      const adminBitsChanged =
        updated.ownerA !== record.permissions.ownerA ||
        updated.groupA !== record.permissions.groupA ||
        updated.otherA !== record.permissions.otherA;
      if (adminBitsChanged) {
        this.services.authorizer.check(requester, [itemFor(this.kind.type, record, 'ADMIN')], id);
      }
      record.permissions = updated;
    });
  }

  async chown(requester: Requester, id: number, uid: number, gid: number): Promise<number> {
    return this.modify(requester, id, 'MANAGE', async (record, tx) => {
      if (uid >= 0) {
        const user = await this.services.store.users.get(tx, uid);
        if (!user) throw Errors.notFound('user', uid);
        if (!isAdmin(requester) && uid !== requester.uid) {
          throw Errors.notAuthorized(requester.uid, `Not authorized to perform MANAGE USER [${uid}].`, id);
        }
        if (uid !== record.uid) await this.checkNameFree(tx, record.name, uid, id);
        record.uid = user.id;
        record.uname = user.name;
      }

      if (gid >= 0) {
        const group = await this.services.store.groups.get(tx, gid);
        if (!group) throw Errors.notFound('group', gid);
        if (!isAdmin(requester) && !requester.groupIds.includes(gid)) {
          throw Errors.notAuthorized(requester.uid, `Not authorized to perform USE GROUP [${gid}].`, id);
        }
        record.gid = group.id;
        record.gname = group.name;
      }
    });
  }

  /** Replaces (type 0) or merges into (type 1) the editable template. */
  async update(requester: Requester, id: number, text: string, type: number): Promise<number> {
    if (type !== 0 && type !== 1) {
      throw Errors.badValue(`Wrong update type ${type}: use 0 to replace the template or 1 to merge into it.`, id);
    }
    const incoming = parseTemplateParam(text, id);

    return this.modify(requester, id, 'MANAGE', (record) => {
      const field = this.kind.editableTemplate as keyof R;
      if (type === 0) {
        (record[field] as unknown as Template) = incoming;
      } else {
        (record[field] as unknown as Template).merge(incoming);
      }
    });
  }

  async list(requester: Requester, query: PoolQuery): Promise<R[]> {
    return listVisible(this.services, requester, this.pool, this.kind.type, query);
  }

  /**
   * Returns the object that already has `name` within the kind's name scope (the
   * whole pool, or the objects of user `uid`), or undefined when the name is free.
   */
  async findNameHolder(tx: SqlRunner, name: string, uid: number): Promise<R | undefined> {
    if (this.kind.nameScope === 'none') return undefined;

    const scopeUid = this.kind.nameScope === 'owner' ? uid : undefined;
    return this.pool.findByName(tx, name, scopeUid);
  }

  /** Throws ALLOCATE when a new object of user `uid` cannot take `name`. */
  async checkNewNameFree(tx: SqlRunner, name: string, uid: number): Promise<void> {
    const holder = await this.findNameHolder(tx, name, uid);
    if (holder) {
      throw Errors.allocate(this.pool.objectName, `NAME ${JSON.stringify(name)} is already taken by ${this.ownedBy(holder)}.`);
    }
  }

  /** Throws ACTION when object `selfId` cannot take `name` as owned by user `uid`. */
  async checkNameFree(tx: SqlRunner, name: string, uid: number, selfId: number): Promise<void> {
    const holder = await this.findNameHolder(tx, name, uid);
    if (holder && holder.id !== selfId) {
      throw Errors.action(`NAME ${JSON.stringify(name)} is already taken by ${this.ownedBy(holder)}; choose another name.`, selfId);
    }
  }

  private ownedBy(holder: R): string {
    const owner = this.kind.nameScope === 'owner' ? ` of user ${holder.uid}` : '';
    return `${this.pool.objectName} ${holder.id}${owner}`;
  }

  /** The permissions of a new object: OpenNebula's base (777 for admins, 666 otherwise) minus the umask. */
  newPermissions(requester: Requester): Permissions {
    const base = isAdmin(requester) ? 0o777 : 0o666;
    return Permissions.fromUmask(this.services.settings.defaultUmask, base);
  }
}
