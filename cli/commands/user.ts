import type { Command } from 'commander';
import { parseInteger } from '../arguments.js';
import type { CliContext } from '../context.js';
import { idsOf, parseRoot, textAt } from '../documents.js';
import { GROUP, USER } from '../object-types.js';
import { formatJson } from '../output/json.js';
import type { Column } from '../output/table.js';
import { resolveId } from '../resolve.js';
import { printId } from '../output/print.js';
import { addUpdateCommand } from './edit-commands.js';
import { addListCommand, addShowCommand } from './read-commands.js';

const yesNo = (value: string) => (value === '1' ? 'yes' : 'no');

const USER_COLUMNS: Column[] = [
  { header: 'ID', value: (user) => textAt(user, 'ID'), align: 'right' },
  { header: 'NAME', value: (user) => textAt(user, 'NAME') },
  { header: 'GROUP', value: (user) => textAt(user, 'GNAME') },
  { header: 'GROUPS', value: (user) => idsOf(user.GROUPS).join(',') },
  { header: 'AUTH', value: (user) => textAt(user, 'AUTH_DRIVER') },
  { header: 'ENABLED', value: (user) => yesNo(textAt(user, 'ENABLED')) },
];

/** Token lifetime that `user login` requests when --time is not given, in seconds: ten hours. */
const DEFAULT_TOKEN_SECONDS = 36000;

function addAccountCommands(user: Command, ctx: CliContext): void {
  user
    .command('create <name> <password>')
    .description('create a user; the first --group is the primary group (default: users)')
    .option('--driver <driver>', 'authentication driver', 'core')
    .option('--group <group...>', 'groups by id or name')
    .action(async (name: string, password: string, options: { driver: string; group?: string[] }, self: Command) => {
      const groupIds: number[] = [];
      for (const group of options.group ?? []) groupIds.push(await resolveId(ctx, self, GROUP, group));
      const id = await ctx.call<number>(self, 'one.user.allocate', name, password, options.driver, groupIds);
      printId(ctx, self, id);
    });

  user
    .command('delete <user>')
    .description('delete a user')
    .action(async (reference: string, _options: unknown, self: Command) => {
      await ctx.call(self, 'one.user.delete', await resolveId(ctx, self, USER, reference));
    });

  user
    .command('passwd <user> <password>')
    .description("change a user's password")
    .action(async (reference: string, password: string, _options: unknown, self: Command) => {
      await ctx.call(self, 'one.user.passwd', await resolveId(ctx, self, USER, reference), password);
    });

  user
    .command('chauth <user> <driver> [password]')
    .description("change a user's authentication driver, and optionally the password")
    .action(async (reference: string, driver: string, password: string | undefined, _options: unknown, self: Command) => {
      await ctx.call(self, 'one.user.chauth', await resolveId(ctx, self, USER, reference), driver, password ?? '');
    });
}

function addGroupMembershipCommands(user: Command, ctx: CliContext): void {
  const membership: Array<[string, string, string]> = [
    ['chgrp', 'one.user.chgrp', "change a user's primary group"],
    ['addgroup', 'one.user.addgroup', 'add a user to a secondary group'],
    ['delgroup', 'one.user.delgroup', 'remove a user from a secondary group'],
  ];

  for (const [name, method, description] of membership) {
    user
      .command(`${name} <user> <group>`)
      .description(description)
      .action(async (reference: string, group: string, _options: unknown, self: Command) => {
        const id = await resolveId(ctx, self, USER, reference);
        await ctx.call(self, method, id, await resolveId(ctx, self, GROUP, group));
      });
  }
}

/** one.user.login takes a user name, so an id given on the command line is looked up first. */
async function userName(ctx: CliContext, command: Command, reference: string): Promise<string> {
  if (!/^\d+$/.test(reference)) return reference;
  const xml = await ctx.call<string>(command, 'one.user.info', Number(reference), false);
  return textAt(parseRoot(xml, 'USER'), 'NAME');
}

function addStatusCommands(user: Command, ctx: CliContext): void {
  for (const [name, enabled] of [['enable', true], ['disable', false]] as const) {
    user
      .command(`${name} <user>`)
      .description(`${name} a user's account`)
      .action(async (reference: string, _options: unknown, self: Command) => {
        await ctx.call(self, 'one.user.enable', await resolveId(ctx, self, USER, reference), enabled);
      });
  }

  user
    .command('login <user>')
    .description('create a login token for a user and print it; use it as the password in ONE_AUTH')
    .option('--time <seconds>', 'token lifetime in seconds (-1: the server maximum)', parseInteger, DEFAULT_TOKEN_SECONDS)
    .option('--group <group>', 'restrict sessions with this token to one group')
    .action(async (reference: string, options: { time: number; group?: string }, self: Command) => {
      const name = await userName(ctx, self, reference);
      const egid = options.group === undefined ? -1 : await resolveId(ctx, self, GROUP, options.group);
      const token = await ctx.call<string>(self, 'one.user.login', name, '', options.time, egid);
      ctx.io.stdout(ctx.format(self) === 'json' ? formatJson({ token }) : `${token}\n`);
    });
}

/** `stratus user`: accounts, passwords, groups and login tokens (one.user.*). */
export function userCommand(program: Command, ctx: CliContext): void {
  const user = program.command('user').description('manage users');

  addListCommand(user, ctx, USER, USER_COLUMNS);
  addShowCommand(user, ctx, USER, (object) => ({ title: `USER ${textAt(object, 'ID')}`, labels: { ENABLED: yesNo } }), -1);
  addAccountCommands(user, ctx);
  addUpdateCommand(user, ctx, USER);
  addGroupMembershipCommands(user, ctx);
  addStatusCommands(user, ctx);
}
