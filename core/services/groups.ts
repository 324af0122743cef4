import type { Requester } from '../auth/requester.js';
import { groupDocument, groupPoolDocument } from '../documents/user-documents.js';
import { Errors } from '../errors/catalogue.js';
import { Template } from '../template/index.js';
import { rulesForGroup } from './acl-rules.js';
import { createItem, groupItem } from './account-objects.js';
import type { CoreServices } from './core-services.js';
import { validateAccountName } from './names.js';
import { parseTemplateParam } from './owned-objects.js';

const PROTECTED_GROUPS = new Set([0, 1]);

/** Groups of users. Membership is changed through the user calls. */
export class Groups {
  constructor(private readonly services: CoreServices) {}

  private get store() {
    return this.services.store;
  }

  async allocate(requester: Requester, name: string): Promise<number> {
    validateAccountName('group', name);

    return this.store.db.transaction(async (tx) => {
      this.services.authorizer.check(requester, [createItem('GROUP', requester.uid, requester.gid)]);
      if (await this.store.groups.findByName(tx, name)) {
        throw Errors.allocate('group', `NAME is already taken by another group: ${name}.`);
      }

      const id = await this.store.groups.nextId(tx);
      await this.store.groups.insert(tx, { id, name, users: [], admins: [], template: new Template() });
      return id;
    });
  }

  /** Deletes an empty group and the ACL rules for `@id` or on objects of `@id`. */
  async delete(requester: Requester, id: number): Promise<number> {
    const removedRules = await this.store.db.transaction(async (tx) => {
      const group = await this.store.groups.require(tx, id);
      this.services.authorizer.check(requester, [groupItem(group, 'ADMIN')], id);
      if (PROTECTED_GROUPS.has(id)) {
        throw Errors.action(`Group ${group.name} [${id}] is needed by the system and cannot be deleted.`, id);
      }
      if (group.users.length > 0) {
        throw Errors.action(
          `Group ${id} still has users (${group.users.join(', ')}); move or delete them first.`,
          id,
        );
      }

      await this.store.groups.delete(tx, id);
      return this.services.acl.removeMatching(tx, rulesForGroup(id));
    });

    for (const ruleId of removedRules) this.services.acl.commitRemoved(ruleId);
    return id;
  }

  async info(requester: Requester, id: number): Promise<string> {
    const target = id === -1 ? requester.gid : id;
    const group = await this.store.groups.require(this.store.db, target);
    this.services.authorizer.check(requester, [groupItem(group, 'USE')], target);
    return groupDocument(group);
  }

  async pool(requester: Requester): Promise<string> {
    const groups = await this.store.groups.list(this.store.db);
    const canUse = this.services.authorizer.usePredicate(requester, 'GROUP');
    return groupPoolDocument(groups.filter((group) => canUse(groupItem(group, 'USE'))));
  }

  async update(requester: Requester, id: number, text: string, type: number): Promise<number> {
    if (type !== 0 && type !== 1) {
      throw Errors.badValue(`Wrong update type ${type}: use 0 to replace the template or 1 to merge into it.`, id);
    }
    const incoming = parseTemplateParam(text, id);

    await this.store.db.transaction(async (tx) => {
      const group = await this.store.groups.require(tx, id);
      this.services.authorizer.check(requester, [groupItem(group, 'MANAGE')], id);
      if (type === 0) group.template = incoming;
      else group.template.merge(incoming);
      await this.store.groups.update(tx, group);
    });
    return id;
  }
}
