import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { VM } from '../object-types.js';
import { formatJson } from '../output/json.js';
import { resolveId } from '../resolve.js';

/** Adds `vm log`: the VM's log of driver messages and errors (stratus.vm.log). */
export function addVmLogCommand(vm: Command, ctx: CliContext): void {
  vm.command('log <vm>')
    .description("print a VM's log: what its drivers reported and the errors of its operations (stratus.vm.log)")
    .action(async (reference: string, _options: unknown, self: Command) => {
      const format = ctx.format(self);
      const id = await resolveId(ctx, self, VM, reference);
      const text = await ctx.call<string>(self, 'stratus.vm.log', id);

      if (format === 'json') ctx.io.stdout(formatJson({ id, log: text }));
      else if (text !== '') ctx.io.stdout(text.endsWith('\n') ? text : `${text}\n`);
    });
}
