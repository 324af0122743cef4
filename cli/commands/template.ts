import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { textAt } from '../documents.js';
import { usageError } from '../errors.js';
import { readFileArgument } from '../io.js';
import { TEMPLATE } from '../object-types.js';
import { printId } from '../output/print.js';
import type { Column } from '../output/table.js';
import { formatTimestamp } from '../output/units.js';
import { resolveId } from '../resolve.js';
import { addCreateFromTemplateCommand } from './create-command.js';
import { addOwnedObjectCommands } from './edit-commands.js';
import { addListCommand, addShowCommand } from './read-commands.js';
import { addWaitOptions, waitForVm, type WaitOptions } from './vm-lifecycle.js';

const TEMPLATE_COLUMNS: Column[] = [
  { header: 'ID', value: (template) => textAt(template, 'ID'), align: 'right' },
  { header: 'USER', value: (template) => textAt(template, 'UNAME') },
  { header: 'GROUP', value: (template) => textAt(template, 'GNAME') },
  { header: 'NAME', value: (template) => textAt(template, 'NAME') },
  { header: 'REGTIME', value: (template) => formatTimestamp(textAt(template, 'REGTIME')) },
];

interface InstantiateOptions extends WaitOptions {
  name?: string;
  hold?: boolean;
  extra?: string;
  extraTemplate?: string;
}

/** Returns the extra template merged into the VM: from --extra FILE or --extra-template TEXT, or empty. */
async function extraTemplate(ctx: CliContext, options: InstantiateOptions): Promise<string> {
  if (options.extra !== undefined && options.extraTemplate !== undefined) {
    throw usageError('give --extra FILE or --extra-template TEXT, not both');
  }
  if (options.extra !== undefined) return readFileArgument(ctx.io, options.extra);
  return options.extraTemplate ?? '';
}

function addTemplateActions(template: Command, ctx: CliContext): void {
  template
    .command('clone <template> <name>')
    .description('copy a template under a new name (the images it uses are not copied)')
    .action(async (reference: string, name: string, _options: unknown, self: Command) => {
      const id = await resolveId(ctx, self, TEMPLATE, reference);
      printId(ctx, self, await ctx.call<number>(self, 'one.template.clone', id, name, false));
    });

  addInstantiateCommand(template, ctx);
}

/** Adds `instantiate <template>` to `parent`: `stratus template instantiate` and its alias `stratus vm instantiate`. */
export function addInstantiateCommand(parent: Command, ctx: CliContext): void {
  const instantiate = parent
    .command('instantiate <template>')
    .description('create a VM from a template (one.template.instantiate) and print the new VM id')
    .option('--name <name>', 'VM name (default: the template name and the VM id)')
    .option('--hold', 'create the VM in HOLD, so the scheduler leaves it until released')
    .option('--extra <file>', 'template FILE whose attributes replace the template\'s (e.g. MEMORY, CPU)')
    .option('--extra-template <text>', 'the same as --extra, given as text');
  addWaitOptions(instantiate, 'RUNNING (HOLD with --hold)').action(async (reference: string, options: InstantiateOptions, self: Command) => {
    const extra = await extraTemplate(ctx, options);
    const id = await resolveId(ctx, self, TEMPLATE, reference);
    const vmId = await ctx.call<number>(self, 'one.template.instantiate', id, options.name ?? '', options.hold === true, extra);
    printId(ctx, self, vmId, 'VM ID');
    if (options.wait) await waitForVm(ctx, self, vmId, options.hold ? 'HOLD' : 'RUNNING', { timeoutSeconds: options.timeout });
  });
}

/** `stratus template`: VM templates (one.template.*). */
export function templateCommand(program: Command, ctx: CliContext): void {
  const template = program.command('template').description('manage VM templates');

  addListCommand(template, ctx, TEMPLATE, TEMPLATE_COLUMNS);
  addShowCommand(template, ctx, TEMPLATE, (object) => ({ title: `TEMPLATE ${textAt(object, 'ID')}` }));
  addCreateFromTemplateCommand(template, ctx, TEMPLATE, () => []);
  addOwnedObjectCommands(template, ctx, TEMPLATE);
  addTemplateActions(template, ctx);
}
