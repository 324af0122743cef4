import type { Command } from 'commander';
import { parseInteger } from '../arguments.js';
import type { CliContext } from '../context.js';
import { textAt } from '../documents.js';
import { HOST } from '../object-types.js';
import { printId } from '../output/print.js';
import type { Column } from '../output/table.js';
import { formatKib } from '../output/units.js';
import { resolveId } from '../resolve.js';
import { hostShortState, hostStateName } from '../states.js';
import { addDeleteCommand, addRenameCommand, addUpdateCommand } from './edit-commands.js';
import { addListCommand, addShowCommand } from './read-commands.js';

const HOST_COLUMNS: Column[] = [
  { header: 'ID', value: (host) => textAt(host, 'ID'), align: 'right' },
  { header: 'NAME', value: (host) => textAt(host, 'NAME') },
  { header: 'CLUSTER', value: (host) => textAt(host, 'CLUSTER') },
  { header: 'RVM', value: (host) => textAt(host, 'HOST_SHARE.RUNNING_VMS'), align: 'right' },
  {
    header: 'ALLOCATED_CPU',
    value: (host) => `${textAt(host, 'HOST_SHARE.CPU_USAGE')} / ${textAt(host, 'HOST_SHARE.MAX_CPU')}`,
    align: 'right',
  },
  {
    header: 'ALLOCATED_MEM',
    value: (host) => `${formatKib(textAt(host, 'HOST_SHARE.MEM_USAGE'))} / ${formatKib(textAt(host, 'HOST_SHARE.MAX_MEM'))}`,
    align: 'right',
  },
  { header: 'IM', value: (host) => textAt(host, 'IM_MAD') },
  { header: 'VM', value: (host) => textAt(host, 'VM_MAD') },
  { header: 'STAT', value: (host) => hostShortState(textAt(host, 'STATE')) },
];

/** The values of one.host.status, one per command. */
const STATUS_COMMANDS: Array<[string, number, string]> = [
  ['enable', 0, 'enable a host, so the scheduler places VMs on it'],
  ['disable', 1, 'disable a host: it is still monitored, but no new VMs are placed on it'],
  ['offline', 2, 'set a host offline: it is neither monitored nor used'],
];

/** `stratus host`: hosts have no owner in OpenNebula's API, so no chown or chmod. */
export function hostCommand(program: Command, ctx: CliContext): void {
  const host = program.command('host').description('manage hypervisor hosts');

  addListCommand(host, ctx, HOST, HOST_COLUMNS);
  addShowCommand(host, ctx, HOST, (object) => ({
    title: `HOST ${textAt(object, 'ID')}`,
    labels: { STATE: hostStateName, PREV_STATE: hostStateName },
  }));

  host
    .command('create <hostname>')
    .description('add a host')
    .requiredOption('--im <driver>', 'information (monitoring) driver, e.g. qemu or dummy')
    .requiredOption('--vm <driver>', 'VM driver, e.g. qemu or dummy')
    .option('--cluster <id>', 'cluster id (-1: the default cluster)', parseInteger, -1)
    .action(async (hostname: string, options: { im: string; vm: string; cluster: number }, self: Command) => {
      const id = await ctx.call<number>(self, 'one.host.allocate', hostname, options.im, options.vm, options.cluster);
      printId(ctx, self, id);
    });

  addDeleteCommand(host, ctx, HOST);
  addUpdateCommand(host, ctx, HOST);
  addRenameCommand(host, ctx, HOST);

  for (const [name, status, description] of STATUS_COMMANDS) {
    host
      .command(`${name} <host>`)
      .description(description)
      .action(async (reference: string, _options: unknown, self: Command) => {
        await ctx.call(self, 'one.host.status', await resolveId(ctx, self, HOST, reference), status);
      });
  }
}
