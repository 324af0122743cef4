import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { XmlObject } from '../documents.js';
import type { ObjectType } from '../object-types.js';
import { printDocument, printPool } from '../output/print.js';
import type { ShowView } from '../output/show.js';
import type { Column } from '../output/table.js';
import { resolveId } from '../resolve.js';

const XML_HELP = 'print the document exactly as the server returned it (passwords hidden)';

/** Adds `list`: the pool call with OpenNebula's arguments, printed as a table, JSON or XML. */
export function addListCommand(parent: Command, ctx: CliContext, type: ObjectType, columns: readonly Column[]): void {
  const command = parent
    .command('list')
    .description(`list the ${type.label}s you may use (${type.poolMethod})`)
    .option('--xml', XML_HELP);
  if (type.filterable) command.option('--mine', 'list only the objects you own (pool filter -3)');

  command.action(async (options: { mine?: boolean }, self: Command) => {
    const format = ctx.format(self);
    const xml = await ctx.call<string>(self, type.poolMethod, ...type.poolArgs({ mine: options.mine === true }));
    printPool(ctx, format, type, columns, xml);
  });
}

/** Fetches one object's document by id or name. */
export async function fetchDocument(ctx: CliContext, command: Command, type: ObjectType, reference: string): Promise<string> {
  const id = await resolveId(ctx, command, type, reference);
  return ctx.call<string>(command, `${type.prefix}.info`, id, ...type.infoArgs);
}

/**
 * Adds `show`. With `selfId`, the argument is optional and `selfId` is sent without it,
 * as users (-1: the caller) and groups (-1: the caller's group) allow.
 */
export function addShowCommand(
  parent: Command,
  ctx: CliContext,
  type: ObjectType,
  view: (object: XmlObject) => ShowView,
  selfId?: number,
): void {
  const argument = selfId === undefined ? `<${type.command}>` : `[${type.command}]`;
  const command = parent
    .command(`show ${argument}`)
    .description(`show one ${type.label}, given by id or name`)
    .option('--xml', XML_HELP);

  command.action(async (reference: string | undefined, _options: unknown, self: Command) => {
    const format = ctx.format(self);
    const xml =
      reference === undefined
        ? await ctx.call<string>(self, `${type.prefix}.info`, selfId ?? -1, ...type.infoArgs)
        : await fetchDocument(ctx, self, type, reference);
    printDocument(ctx, format, type, xml, view);
  });
}
