import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { idsOf, textAt } from '../documents.js';
import { GROUP } from '../object-types.js';
import { printId } from '../output/print.js';
import type { Column } from '../output/table.js';
import { addDeleteCommand, addUpdateCommand } from './edit-commands.js';
import { addListCommand, addShowCommand } from './read-commands.js';

const GROUP_COLUMNS: Column[] = [
  { header: 'ID', value: (group) => textAt(group, 'ID'), align: 'right' },
  { header: 'NAME', value: (group) => textAt(group, 'NAME') },
  { header: 'USERS', value: (group) => String(idsOf(group.USERS).length), align: 'right' },
  { header: 'ADMINS', value: (group) => idsOf(group.ADMINS).join(',') },
];

/** `stratus group`: groups have no owner, so no chown, chmod or rename. */
export function groupCommand(program: Command, ctx: CliContext): void {
  const group = program.command('group').description('manage groups');

  addListCommand(group, ctx, GROUP, GROUP_COLUMNS);
  addShowCommand(group, ctx, GROUP, (object) => ({ title: `GROUP ${textAt(object, 'ID')}` }), -1);

  group
    .command('create <name>')
    .description('create a group')
    .action(async (name: string, _options: unknown, self: Command) => {
      printId(ctx, self, await ctx.call<number>(self, 'one.group.allocate', name));
    });

  addDeleteCommand(group, ctx, GROUP);
  addUpdateCommand(group, ctx, GROUP);
}
