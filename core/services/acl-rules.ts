import {
  ACL_ID_MASK,
  ACL_SELECTOR_FLAGS,
  aclRuleToText,
  AclRuleError,
  makeAclPart,
  parseAclRuleHex,
  resourceTypeBit,
  toAclHex,
  validateAclRule,
  type AclRule,
  type AclRuleSpec,
} from '../acl/index.js';
import { isAdmin, type Requester } from '../auth/requester.js';
import { element } from '../documents/xml.js';
import { Errors } from '../errors/catalogue.js';
import type { CoreServices } from './core-services.js';

const SELECTOR_AND_ID_MASK = 0xf00000000n | ACL_ID_MASK;

/**
 * Selects the rules that OpenNebula 6.10 deletes with user `uid`: rules for `#uid`,
 * and rules whose resource is exactly `USER/#uid`.
 */
export function rulesForUser(uid: number): (rule: AclRule) => boolean {
  const user = makeAclPart('#', uid);
  const resource = resourceTypeBit('USER') | user;
  return (rule) => rule.user === user || rule.resource === resource;
}

/**
 * Selects the rules that OpenNebula 6.10 deletes with group `gid`: rules for `@gid`,
 * rules on objects of `@gid`, and rules whose resource is exactly `GROUP/#gid`.
 */
export function rulesForGroup(gid: number): (rule: AclRule) => boolean {
  const group = ACL_SELECTOR_FLAGS['@'] | BigInt(gid);
  const resource = resourceTypeBit('GROUP') | makeAclPart('#', gid);
  return (rule) => rule.user === group || (rule.resource & SELECTOR_AND_ID_MASK) === group || rule.resource === resource;
}

/** ACL rules: only members of group `oneadmin` may read or change them. */
export class AclRules {
  constructor(private readonly services: CoreServices) {}

  private requireAdmin(requester: Requester, action: string): void {
    if (!isAdmin(requester)) {
      throw Errors.notAuthorized(requester.uid, `Not authorized to ${action} ACL rules; only group oneadmin may.`);
    }
  }

  /**
   * Adds a rule given in the hex wire form that OpenNebula's CLI sends, such as
   * `('200000001', '9100000005', '3')`. Without a zone the rule applies to zone #0.
   */
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
