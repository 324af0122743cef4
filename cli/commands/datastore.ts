import type { Command } from 'commander';
import { parseInteger } from '../arguments.js';
import type { CliContext } from '../context.js';
import { idsOf, textAt, type XmlObject } from '../documents.js';
import { DATASTORE } from '../object-types.js';
import type { Column } from '../output/table.js';
import { formatMib } from '../output/units.js';
import { resolveId } from '../resolve.js';
import { datastoreStateName, datastoreTypeName } from '../states.js';
import { addCreateFromTemplateCommand } from './create-command.js';
import { addOwnedObjectCommands } from './edit-commands.js';
import { addListCommand, addShowCommand } from './read-commands.js';

/** Free space as a percentage of the total, or `-` when the total is unknown (0). */
function availablePercent(datastore: XmlObject): string {
  const total = Number(textAt(datastore, 'TOTAL_MB'));
  const free = Number(textAt(datastore, 'FREE_MB'));
  if (!(total > 0)) return '-';
  return `${Math.round((free / total) * 100)}%`;
}

const DATASTORE_COLUMNS: Column[] = [
  { header: 'ID', value: (ds) => textAt(ds, 'ID'), align: 'right' },
  { header: 'USER', value: (ds) => textAt(ds, 'UNAME') },
  { header: 'GROUP', value: (ds) => textAt(ds, 'GNAME') },
  { header: 'NAME', value: (ds) => textAt(ds, 'NAME') },
  { header: 'SIZE', value: (ds) => formatMib(textAt(ds, 'TOTAL_MB')), align: 'right' },
  { header: 'AVAIL', value: availablePercent, align: 'right' },
  { header: 'CLUSTERS', value: (ds) => idsOf(ds.CLUSTERS).join(',') },
  { header: 'IMAGES', value: (ds) => String(idsOf(ds.IMAGES).length), align: 'right' },
  { header: 'TYPE', value: (ds) => datastoreTypeName(textAt(ds, 'TYPE')) },
  { header: 'DS', value: (ds) => textAt(ds, 'DS_MAD') },
  { header: 'TM', value: (ds) => textAt(ds, 'TM_MAD') },
  { header: 'STAT', value: (ds) => (textAt(ds, 'STATE') === '0' ? 'on' : 'off') },
];

/** `stratus datastore`: image, system and file datastores (one.datastore.*). */
export function datastoreCommand(program: Command, ctx: CliContext): void {
  const datastore = program.command('datastore').description('manage datastores');

  addListCommand(datastore, ctx, DATASTORE, DATASTORE_COLUMNS);
  addShowCommand(datastore, ctx, DATASTORE, (object) => ({
    title: `DATASTORE ${textAt(object, 'ID')}`,
    labels: { TYPE: datastoreTypeName, STATE: datastoreStateName },
  }));

  addCreateFromTemplateCommand(datastore, ctx, DATASTORE, (options) => [options.cluster as number]).option(
    '--cluster <id>',
    'cluster id (-1: the default cluster)',
    parseInteger,
    -1,
  );
  addOwnedObjectCommands(datastore, ctx, DATASTORE);

  for (const [name, enabled] of [['enable', true], ['disable', false]] as const) {
    datastore
      .command(`${name} <datastore>`)
      .description(`${name} a system datastore`)
      .action(async (reference: string, _options: unknown, self: Command) => {
        await ctx.call(self, 'one.datastore.enable', await resolveId(ctx, self, DATASTORE, reference), enabled);
      });
  }
}
