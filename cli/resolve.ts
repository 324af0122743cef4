import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { parsePool, textAt } from './documents.js';
import { CliError } from './errors.js';
import type { ObjectType } from './object-types.js';

const OBJECT_ID = /^\d+$/;

/**
 * Turns an object argument into an id. Digits are taken as the id; anything else is
 * looked up by NAME in the pool listing of everything the caller may use. Throws
 * CliError when no object or more than one has that name.
 */
export async function resolveId(ctx: CliContext, command: Command, type: ObjectType, reference: string): Promise<number> {
  if (OBJECT_ID.test(reference)) return Number(reference);

  const xml = await ctx.call<string>(command, type.poolMethod, ...type.poolArgs({ mine: false }));
  const matches = parsePool(xml, type.poolRoot, type.element).filter((entry) => textAt(entry, 'NAME') === reference);

  if (matches.length === 0) {
    throw new CliError(`no ${type.label} named '${reference}'; 'stratus ${type.command} list' shows the names and ids`);
  }
  if (matches.length > 1) {
    const ids = matches.map((entry) => textAt(entry, 'ID')).join(', ');
    throw new CliError(`the ${type.label} name '${reference}' is ambiguous (ids ${ids}); give the id instead`);
  }
  return Number(textAt(matches[0], 'ID'));
}

/** Resolves an optional argument, returning `fallback` when it is absent. */
export async function resolveOptionalId(
  ctx: CliContext,
  command: Command,
  type: ObjectType,
  reference: string | undefined,
  fallback: number,
): Promise<number> {
  return reference === undefined ? fallback : resolveId(ctx, command, type, reference);
}
