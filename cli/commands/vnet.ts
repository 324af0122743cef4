import type { Command } from 'commander';
import { quoteTextValue } from '../../core/template/index.js';
import { parseInteger } from '../arguments.js';
import type { CliContext } from '../context.js';
import { asList, asObject, idsOf, textAt } from '../documents.js';
import { usageError } from '../errors.js';
import { VNET } from '../object-types.js';
import type { Column } from '../output/table.js';
import { resolveId } from '../resolve.js';
import { readTemplateInput, type TemplateOptions } from '../template-input.js';
import { addCreateFromTemplateCommand } from './create-command.js';
import { addOwnedObjectCommands } from './edit-commands.js';
import { addListCommand, addShowCommand } from './read-commands.js';

const VNET_COLUMNS: Column[] = [
  { header: 'ID', value: (vnet) => textAt(vnet, 'ID'), align: 'right' },
  { header: 'USER', value: (vnet) => textAt(vnet, 'UNAME') },
  { header: 'GROUP', value: (vnet) => textAt(vnet, 'GNAME') },
  { header: 'NAME', value: (vnet) => textAt(vnet, 'NAME') },
  { header: 'CLUSTERS', value: (vnet) => idsOf(vnet.CLUSTERS).join(',') },
  { header: 'BRIDGE', value: (vnet) => textAt(vnet, 'BRIDGE') },
  { header: 'DRIVER', value: (vnet) => textAt(vnet, 'VN_MAD') },
  { header: 'ARS', value: (vnet) => String(asList(asObject(vnet.AR_POOL).AR).length), align: 'right' },
  { header: 'LEASES', value: (vnet) => textAt(vnet, 'USED_LEASES'), align: 'right' },
];

interface AddressRangeOptions extends TemplateOptions {
  type?: string;
  ip?: string;
  mac?: string;
  size?: string;
}

/** Returns the AR template: from FILE or --template, or an `AR = [ ... ]` vector built from the options. */
async function addressRangeTemplate(ctx: CliContext, file: string | undefined, options: AddressRangeOptions): Promise<string> {
  const inline: Array<[string, string | undefined]> = [
    ['TYPE', options.type ?? (options.ip === undefined ? undefined : 'IP4')],
    ['IP', options.ip],
    ['MAC', options.mac],
    ['SIZE', options.size],
  ];
  const attributes = inline.filter((entry): entry is [string, string] => entry[1] !== undefined);

  if (file !== undefined || options.template !== undefined) {
    if (attributes.length > 0) throw usageError('give an address range FILE (or --template) or the --ip/--size options, not both');
    return readTemplateInput(ctx.io, file, options);
  }
  if (options.size === undefined) {
    throw usageError('missing address range: give a FILE, --template TEXT, or --size with --ip or --mac');
  }
  return `AR=[ ${attributes.map(([name, value]) => `${name}=${quoteTextValue(value)}`).join(', ')} ]\n`;
}

function addAddressRangeCommands(vnet: Command, ctx: CliContext): void {
  vnet
    .command('addar <vnet> [file]')
    .description('add an address range, from a FILE with AR = [ ... ] or from options')
    .option('--template <text>', 'the AR template as text instead of a FILE')
    .option('--type <type>', 'IP4, IP6, IP4_6 or ETHER (default IP4 when --ip is given)')
    .option('--ip <address>', 'first IPv4 address')
    .option('--mac <address>', 'first MAC address')
    .option('--size <count>', 'number of addresses')
    .action(async (reference: string, file: string | undefined, options: AddressRangeOptions, self: Command) => {
      const text = await addressRangeTemplate(ctx, file, options);
      await ctx.call(self, 'one.vn.add_ar', await resolveId(ctx, self, VNET, reference), text);
    });

  vnet
    .command('rmar <vnet>')
    .argument('<ar_id>', 'address range id, as AR_ID in `stratus vnet show`', parseInteger)
    .description('remove an address range')
    .action(async (reference: string, rangeId: number, _options: unknown, self: Command) => {
      await ctx.call(self, 'one.vn.rm_ar', await resolveId(ctx, self, VNET, reference), rangeId);
    });

  vnet
    .command('updatear <vnet> [file]')
    .description('change an address range; the AR vector must name its AR_ID')
    .option('--template <text>', 'the AR template as text instead of a FILE')
    .action(async (reference: string, file: string | undefined, options: TemplateOptions, self: Command) => {
      const text = await readTemplateInput(ctx.io, file, options);
      await ctx.call(self, 'one.vn.update_ar', await resolveId(ctx, self, VNET, reference), text);
    });
}

/** `stratus vnet`: virtual networks and their address ranges (one.vn.*). */
export function vnetCommand(program: Command, ctx: CliContext): void {
  const vnet = program.command('vnet').description('manage virtual networks');

  addListCommand(vnet, ctx, VNET, VNET_COLUMNS);
  addShowCommand(vnet, ctx, VNET, (object) => ({ title: `VIRTUAL NETWORK ${textAt(object, 'ID')}` }));
  addCreateFromTemplateCommand(vnet, ctx, VNET, (options) => [options.cluster as number]).option(
    '--cluster <id>',
    'cluster id (-1: the default cluster)',
    parseInteger,
    -1,
  );
  addOwnedObjectCommands(vnet, ctx, VNET);
  addAddressRangeCommands(vnet, ctx);
}
