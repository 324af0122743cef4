import {
  aclRuleToText,
  AclRuleError,
  parseAclRuleHex,
  toAclHex,
  validateAclRule,
  type AclRuleSpec,
} from '../acl/index.js';
import { isAdmin, type Requester } from '../auth/requester.js';
import { element } from '../documents/xml.js';
import { Errors } from '../errors/catalogue.js';
import type { CoreServices } from './core-services.js';

/** ACL rules: only members of group `oneadmin` may read or change them. */
export class AclRules {
  constructor(private readonly services: CoreServices) {}

  private requireAdmin(requester: Requester, action: string): void {
    if (!isAdmin(requester)) {
      throw Errors.notAuthorized(requester.uid, `Not authorized to ${action} ACL rules; only group oneadmin may.`);
    }
  }

  /** Adds a rule given in the hex wire form; a rule given in text form is accepted too. */
  async add(requester: Requester, user: string, resource: string, rights: string, zone?: string): Promise<number> {
    this.requireAdmin(requester, 'add');

    let spec: AclRuleSpec;
    try {
      spec = parseAclRuleHex(user, resource, rights, zone);
      validateAclRule(spec);
    } catch (error) {
      if (error instanceof AclRuleError) throw Errors.badValue(`Error creating ACL rule: ${error.message}`);
      throw error;
    }

    const rule = await this.services.store.db.transaction(async (tx) => {
      if (await this.services.acl.exists(tx, spec)) {
        throw Errors.action(`Rule "${aclRuleToText(spec)}" already exists.`);
      }
      const row = await tx.get<{ id: number }>(
        "UPDATE sequences SET next_id = next_id + 1 WHERE pool = 'acl' RETURNING next_id - 1 AS id",
      );
      if (!row) throw new Error('sequence acl is missing from the database');
      return this.services.acl.insert(tx, row.id, spec);
    });
    this.services.acl.commitAdded(rule);
    return rule.id;
  }

  async delete(requester: Requester, id: number): Promise<number> {
    this.requireAdmin(requester, 'delete');

    const removed = await this.services.store.db.transaction((tx) => this.services.acl.remove(tx, id));
    if (!removed) throw Errors.notFound('ACL', id);
    this.services.acl.commitRemoved(id);
    return id;
  }

  info(requester: Requester): string {
    this.requireAdmin(requester, 'read');

    const rules = this.services.acl.all().map(
      (rule) =>
        '<ACL>' +
        element('ID', rule.id) +
        element('USER', toAclHex(rule.user)) +
        element('RESOURCE', toAclHex(rule.resource)) +
        element('RIGHTS', toAclHex(rule.rights)) +
        element('ZONE', toAclHex(rule.zone)) +
        element('STRING', aclRuleToText(rule)) +
        '</ACL>',
    );
    return rules.length > 0 ? `<ACL_POOL>${rules.join('')}</ACL_POOL>` : '<ACL_POOL/>';
  }
}
