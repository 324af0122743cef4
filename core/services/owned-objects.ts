import { Permissions, type ResourceTypeName } from '../acl/index.js';
import { itemFor, type Operation } from '../auth/authorizer.js';
import { isAdmin, type Requester } from '../auth/requester.js';
import type { SqlRunner } from '../db/database.js';
import { Errors } from '../errors/catalogue.js';
import type { ObjectHeader } from '../pools/object-header.js';
import type { ObjectPool } from '../pools/object-pool.js';
import { Template, TemplateError } from '../template/index.js';
import type { CoreServices } from './core-services.js';
import { validateObjectName } from './names.js';
import { listVisible, type PoolQuery } from './pool-listing.js';

/** How names of a kind must be unique: across the pool, per owner, or not at all. */
export type NameScope = 'pool' | 'owner' | 'none';

export interface ObjectKind<R extends ObjectHeader> {
  pool: ObjectPool<R>;
  type: ResourceTypeName;
  nameScope: NameScope;
  /** The template that `update` edits: the VM's user template, or the object's template. */
  editableTemplate: 'template' | 'userTemplate';
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

  async rename(requester: Requester, id: number, name: string): Promise<number> {
    validateObjectName(this.pool.objectName, name);

    return this.modify(requester, id, 'MANAGE', async (record, tx) => {
      if (record.name === name) return;
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

  /** Throws ACTION when the name is taken within the kind's name scope. */
  async checkNameFree(tx: SqlRunner, name: string, uid: number, selfId = -1): Promise<void> {
    if (this.kind.nameScope === 'none') return;

    const scopeUid = this.kind.nameScope === 'owner' ? uid : undefined;
    const existing = await this.pool.findByName(tx, name, scopeUid);
    if (existing && existing.id !== selfId) {
      throw Errors.action(
        `NAME is already taken by ${this.pool.objectName.toUpperCase()} ${existing.id}; choose another name.`,
        selfId,
      );
    }
  }

  /** The permissions of a new object: OpenNebula's base (777 for admins, 666 otherwise) minus the umask. */
  newPermissions(requester: Requester): Permissions {
    const base = isAdmin(requester) ? 0o777 : 0o666;
    return Permissions.fromUmask(this.services.settings.defaultUmask, base);
  }
}
