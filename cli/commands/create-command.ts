import type { Command } from 'commander';
import type { CallParam } from '../../rpc/client/client.js';
import type { CliContext } from '../context.js';
import type { ObjectType } from '../object-types.js';
import { printId } from '../output/print.js';
import { readTemplateInput, type TemplateOptions } from '../template-input.js';

/** Adds a `create [file]` command that sends the template text to `<prefix>.allocate`. */
export function addCreateFromTemplateCommand(
  parent: Command,
  ctx: CliContext,
  type: ObjectType,
  /** Arguments sent after the template, computed from the command's options. */
  extraArgs: (options: Record<string, unknown>) => CallParam[],
): Command {
  return parent
    .command('create [file]')
    .description(`create a ${type.label} from a template FILE in OpenNebula syntax (- reads standard input)`)
    .option('--template <text>', 'the template as text instead of a FILE')
    .action(async (file: string | undefined, options: TemplateOptions & Record<string, unknown>, self: Command) => {
      const text = await readTemplateInput(ctx.io, file, options);
      const id = await ctx.call<number>(self, `${type.prefix}.allocate`, text, ...extraArgs(options));
      printId(ctx, self, id);
    });
}
