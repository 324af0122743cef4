import type { Command } from 'commander';
import { AclRuleError, aclRuleToHex, parseAclRuleText } from '../../core/acl/index.js';
import type { CallParam } from '../../rpc/client/client.js';
import type { CliContext } from '../context.js';
import { textAt, type XmlObject } from '../documents.js';
import { usageError } from '../errors.js';
import { ACL } from '../object-types.js';
import { printId } from '../output/print.js';
import type { Column } from '../output/table.js';
import { addListCommand } from './read-commands.js';

/** Returns the n-th space-separated field of the rule text in STRING: user, resources, rights, zone. */
function ruleField(rule: XmlObject, index: number): string {
  return textAt(rule, 'STRING').split(/\s+/)[index] ?? '';
}

const ACL_COLUMNS: Column[] = [
  { header: 'ID', value: (rule) => textAt(rule, 'ID'), align: 'right' },
  { header: 'USER', value: (rule) => ruleField(rule, 0) },
  { header: 'RESOURCES', value: (rule) => ruleField(rule, 1) },
  { header: 'RIGHTS', value: (rule) => ruleField(rule, 2) },
  { header: 'ZONE', value: (rule) => ruleField(rule, 3) },
];

/**
 * Converts rule text into one.acl.addrule's hex parameters. The zone is sent only when
 * the rule names one, so the server applies its own zone otherwise.
 */
export function aclRuleParams(text: string): CallParam[] {
  let hex;
  try {
    hex = aclRuleToHex(parseAclRuleText(text));
  } catch (error) {
    if (error instanceof AclRuleError) throw usageError(error.message);
    throw error;
  }

  const hasZone = text.trim().split(/\s+/).length === 4;
  return hasZone ? [hex.user, hex.resource, hex.rights, hex.zone] : [hex.user, hex.resource, hex.rights];
}

/** `stratus acl`: rules in text form such as `@1 VM+IMAGE/#5 USE+MANAGE`, sent as hex. */
export function aclCommand(program: Command, ctx: CliContext): void {
  const acl = program.command('acl').description('manage ACL rules (members of group oneadmin only)');

  addListCommand(acl, ctx, ACL, ACL_COLUMNS);

  acl
    .command('create <rule...>')
    .description('add a rule given as "USER RESOURCES RIGHTS [ZONE]", e.g. "@1 VM+IMAGE/#5 USE+MANAGE"')
    .action(async (words: string[], _options: unknown, self: Command) => {
      const id = await ctx.call<number>(self, 'one.acl.addrule', ...aclRuleParams(words.join(' ')));
      printId(ctx, self, id);
    });

  acl
    .command('delete <id>')
    .description('delete a rule by id')
    .action(async (reference: string, _options: unknown, self: Command) => {
      if (!/^\d+$/.test(reference)) throw usageError(`invalid ACL rule id '${reference}': rules have no names, give the id from 'stratus acl list'`);
      await ctx.call(self, 'one.acl.delrule', Number(reference));
    });
}
