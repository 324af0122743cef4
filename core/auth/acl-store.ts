import { parseAclRuleHex, toAclHex, type AclRule, type AclRuleSpec } from '../acl/index.js';
import type { SqlRunner } from '../db/database.js';

interface AclRow {
  oid: number;
  user_part: string;
  resource_part: string;
  rights_part: string;
  zone_part: string;
}

/**
 * The ACL rules, stored in the `acl` table and mirrored in memory, because every call
 * is checked against all of them. The mirror changes only after the transaction that
 * changed the table has committed.
 */
export class AclStore {
  private rules: AclRule[] = [];

  all(): readonly AclRule[] {
    return this.rules;
  }

  async load(runner: SqlRunner): Promise<void> {
    this.rules = await this.read(runner);
  }

  private async read(runner: SqlRunner): Promise<AclRule[]> {
    const rows = await runner.all<AclRow>('SELECT * FROM acl ORDER BY oid');
    return rows.map((row) => ({
      id: row.oid,
      ...parseAclRuleHex(row.user_part, row.resource_part, row.rights_part, row.zone_part),
    }));
  }

  async exists(runner: SqlRunner, spec: AclRuleSpec): Promise<boolean> {
    const row = await runner.get(
      'SELECT oid FROM acl WHERE user_part = ? AND resource_part = ? AND rights_part = ? AND zone_part = ?',
      [toAclHex(spec.user), toAclHex(spec.resource), toAclHex(spec.rights), toAclHex(spec.zone)],
    );
    return row !== undefined;
  }

  /** Inserts the rule inside `tx`; call `commitAdded` once the transaction has committed. */
  async insert(tx: SqlRunner, id: number, spec: AclRuleSpec): Promise<AclRule> {
    await tx.run(
      'INSERT INTO acl (oid, user_part, resource_part, rights_part, zone_part) VALUES (?, ?, ?, ?, ?)',
      [id, toAclHex(spec.user), toAclHex(spec.resource), toAclHex(spec.rights), toAclHex(spec.zone)],
    );
    return { id, ...spec };
  }

  async remove(tx: SqlRunner, id: number): Promise<boolean> {
    const result = await tx.run('DELETE FROM acl WHERE oid = ?', [id]);
    return result.changes === 1;
  }

  /**
   * Deletes inside `tx` every rule that `matches` selects and returns their ids; call
   * `commitRemoved` with each id once the transaction has committed.
   */
  async removeMatching(tx: SqlRunner, matches: (rule: AclRule) => boolean): Promise<number[]> {
    // Reads the table because a rule that the previous transaction added may not be in the mirror yet.
    const ids = (await this.read(tx)).filter(matches).map((rule) => rule.id);
    for (const id of ids) await this.remove(tx, id);
    return ids;
  }

  commitAdded(rule: AclRule): void {
    this.rules = [...this.rules, rule].sort((a, b) => a.id - b.id);
  }

  commitRemoved(id: number): void {
    this.rules = this.rules.filter((rule) => rule.id !== id);
  }
}
