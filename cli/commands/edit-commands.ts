import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { GROUP, type ObjectType, USER } from '../object-types.js';
import { parseOctalMode } from '../permissions.js';
import { resolveId } from '../resolve.js';
import { readTemplateInput, type TemplateOptions } from '../template-input.js';

/** Adds `delete`, which sends `<prefix>.delete(id)`. */
export function addDeleteCommand(parent: Command, ctx: CliContext, type: ObjectType): void {
  parent
    .command(`delete <${type.command}>`)
    .description(`delete a ${type.label}`)
    .action(async (reference: string, _options: unknown, self: Command) => {
      const id = await resolveId(ctx, self, type, reference);
      await ctx.call(self, `${type.prefix}.delete`, id);
    });
}

/** Adds `update`: replaces the template (update type 0) or, with --append, merges into it (type 1). */
export function addUpdateCommand(parent: Command, ctx: CliContext, type: ObjectType): void {
  parent
    .command(`update <${type.command}> [file]`)
    .description(`replace the ${type.label}'s template with FILE (- reads standard input)`)
    .option('--template <text>', 'the template as text instead of a FILE')
    .option('--append', 'merge into the current template instead of replacing it')
    .action(async (reference: string, file: string | undefined, options: TemplateOptions & { append?: boolean }, self: Command) => {
      const text = await readTemplateInput(ctx.io, file, options);
      const id = await resolveId(ctx, self, type, reference);
      await ctx.call(self, `${type.prefix}.update`, id, text, options.append ? 1 : 0);
    });
}

/** Adds `chown OBJECT USER [GROUP]` and `chgrp OBJECT GROUP`. The part not given is sent as -1 (unchanged). */
export function addOwnershipCommands(parent: Command, ctx: CliContext, type: ObjectType): void {
  parent
    .command(`chown <${type.command}> <user> [group]`)
    .description(`change the owner, and optionally the group, of a ${type.label}`)
    .action(async (reference: string, user: string, group: string | undefined, _options: unknown, self: Command) => {
      const id = await resolveId(ctx, self, type, reference);
      const uid = await resolveId(ctx, self, USER, user);
      const gid = group === undefined ? -1 : await resolveId(ctx, self, GROUP, group);
      await ctx.call(self, `${type.prefix}.chown`, id, uid, gid);
    });

  parent
    .command(`chgrp <${type.command}> <group>`)
    .description(`change the group of a ${type.label}`)
    .action(async (reference: string, group: string, _options: unknown, self: Command) => {
      const id = await resolveId(ctx, self, type, reference);
      const gid = await resolveId(ctx, self, GROUP, group);
      await ctx.call(self, `${type.prefix}.chown`, id, -1, gid);
    });
}

/** Adds `chmod OBJECT OCTAL`, sending the nine 0/1 values `*.chmod` takes. */
export function addChmodCommand(parent: Command, ctx: CliContext, type: ObjectType): void {
  parent
    .command(`chmod <${type.command}>`)
    .argument('<octal>', 'three digits for owner, group, other; in each, use=4 manage=2 admin=1 (e.g. 640)', parseOctalMode)
    .description(`change the permissions of a ${type.label}`)
    .action(async (reference: string, values: number[], _options: unknown, self: Command) => {
      const id = await resolveId(ctx, self, type, reference);
      await ctx.call(self, `${type.prefix}.chmod`, id, ...values);
    });
}

/** Adds `rename OBJECT NAME`. */
export function addRenameCommand(parent: Command, ctx: CliContext, type: ObjectType): void {
  parent
    .command(`rename <${type.command}> <name>`)
    .description(`rename a ${type.label}`)
    .action(async (reference: string, name: string, _options: unknown, self: Command) => {
      const id = await resolveId(ctx, self, type, reference);
      await ctx.call(self, `${type.prefix}.rename`, id, name);
    });
}

/** Adds delete, update, chown, chgrp, chmod and rename: the calls every owned object has. */
export function addOwnedObjectCommands(parent: Command, ctx: CliContext, type: ObjectType): void {
  addDeleteCommand(parent, ctx, type);
  addUpdateCommand(parent, ctx, type);
  addOwnershipCommands(parent, ctx, type);
  addChmodCommand(parent, ctx, type);
  addRenameCommand(parent, ctx, type);
}
