import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { textAt } from '../documents.js';
import { usageError } from '../errors.js';
import { DATASTORE, IMAGE } from '../object-types.js';
import { printId } from '../output/print.js';
import type { Column } from '../output/table.js';
import { formatMib } from '../output/units.js';
import { resolveId } from '../resolve.js';
import { imageShortState, imageStateName, imageTypeName } from '../states.js';
import { buildTemplate, readTemplateInput, type TemplateOptions } from '../template-input.js';
import { addOwnedObjectCommands } from './edit-commands.js';
import { addListCommand, addShowCommand } from './read-commands.js';

const IMAGE_COLUMNS: Column[] = [
  { header: 'ID', value: (image) => textAt(image, 'ID'), align: 'right' },
  { header: 'USER', value: (image) => textAt(image, 'UNAME') },
  { header: 'GROUP', value: (image) => textAt(image, 'GNAME') },
  { header: 'NAME', value: (image) => textAt(image, 'NAME') },
  { header: 'DATASTORE', value: (image) => textAt(image, 'DATASTORE') },
  { header: 'SIZE', value: (image) => formatMib(textAt(image, 'SIZE')), align: 'right' },
  { header: 'TYPE', value: (image) => imageTypeName(textAt(image, 'TYPE')) },
  { header: 'PER', value: (image) => (textAt(image, 'PERSISTENT') === '1' ? 'Yes' : 'No') },
  { header: 'STAT', value: (image) => imageShortState(textAt(image, 'STATE')) },
  { header: 'RVMS', value: (image) => textAt(image, 'RUNNING_VMS'), align: 'right' },
];

interface ImageCreateOptions extends TemplateOptions {
  datastore: string;
  name?: string;
  path?: string;
  type?: string;
  size?: string;
  format?: string;
  description?: string;
  persistent?: boolean;
}

/** Returns the image template: from FILE or --template, or built from --name, --path and the other options. */
async function imageTemplate(ctx: CliContext, file: string | undefined, options: ImageCreateOptions): Promise<string> {
  const inline: Array<[string, string | undefined]> = [
    ['NAME', options.name],
    ['PATH', options.path],
    ['TYPE', options.type],
    ['SIZE', options.size],
    ['FORMAT', options.format],
    ['DESCRIPTION', options.description],
    ['PERSISTENT', options.persistent ? 'YES' : undefined],
  ];
  const hasInline = inline.some(([, value]) => value !== undefined);

  if (file !== undefined || options.template !== undefined) {
    if (hasInline) throw usageError('give a template FILE (or --template) or the --name/--path options, not both');
    return readTemplateInput(ctx.io, file, options);
  }
  if (options.name === undefined) {
    throw usageError('missing image template: give a FILE, --template TEXT, or --name with --path (or --size)');
  }
  return buildTemplate(inline);
}

function addCreateCommand(image: Command, ctx: CliContext): void {
  image
    .command('create [file]')
    .description('register an image in a datastore, from a template FILE or from options')
    .requiredOption('--datastore <datastore>', 'image datastore, by id or name (e.g. 1 or default)')
    .option('--template <text>', 'the template as text instead of a FILE')
    .option('--name <name>', 'image name')
    .option('--path <path>', 'file or URL of the image')
    .option('--type <type>', 'OS, CDROM, DATABLOCK, KERNEL, RAMDISK or CONTEXT')
    .option('--size <mib>', 'size in MiB, for an empty DATABLOCK')
    .option('--format <format>', 'disk format, e.g. raw or qcow2')
    .option('--description <text>', 'free-form description')
    .option('--persistent', 'make the image persistent')
    .action(async (file: string | undefined, options: ImageCreateOptions, self: Command) => {
      const text = await imageTemplate(ctx, file, options);
      const datastoreId = await resolveId(ctx, self, DATASTORE, options.datastore);
      printId(ctx, self, await ctx.call<number>(self, 'one.image.allocate', text, datastoreId, false));
    });
}

/** Subcommands that send the image id and one more value. */
const STATE_COMMANDS: Array<[string, string, boolean, string]> = [
  ['enable', 'one.image.enable', true, 'enable a disabled image'],
  ['disable', 'one.image.enable', false, 'disable an image so no new VM uses it'],
  ['persistent', 'one.image.persistent', true, 'make an image persistent: VMs write to it directly'],
  ['nonpersistent', 'one.image.persistent', false, 'make an image non-persistent: VMs get a copy'],
];

function addStateCommands(image: Command, ctx: CliContext): void {
  for (const [name, method, value, description] of STATE_COMMANDS) {
    image
      .command(`${name} <image>`)
      .description(description)
      .action(async (reference: string, _options: unknown, self: Command) => {
        await ctx.call(self, method, await resolveId(ctx, self, IMAGE, reference), value);
      });
  }

  image
    .command('chtype <image> <type>')
    .description("change an image's type: OS, CDROM, DATABLOCK, KERNEL, RAMDISK or CONTEXT")
    .action(async (reference: string, type: string, _options: unknown, self: Command) => {
      await ctx.call(self, 'one.image.chtype', await resolveId(ctx, self, IMAGE, reference), type);
    });

  image
    .command('clone <image> <name>')
    .description('copy an image under a new name')
    .option('--datastore <datastore>', 'target datastore, by id or name (default: the source image\'s)')
    .action(async (reference: string, name: string, options: { datastore?: string }, self: Command) => {
      const id = await resolveId(ctx, self, IMAGE, reference);
      const datastoreId = options.datastore === undefined ? -1 : await resolveId(ctx, self, DATASTORE, options.datastore);
      printId(ctx, self, await ctx.call<number>(self, 'one.image.clone', id, name, datastoreId));
    });
}

/** `stratus image`: disk images in image datastores (one.image.*). */
export function imageCommand(program: Command, ctx: CliContext): void {
  const image = program.command('image').description('manage images');

  addListCommand(image, ctx, IMAGE, IMAGE_COLUMNS);
  addShowCommand(image, ctx, IMAGE, (object) => ({
    title: `IMAGE ${textAt(object, 'ID')}`,
    labels: {
      TYPE: imageTypeName,
      STATE: imageStateName,
      PREV_STATE: imageStateName,
      PERSISTENT: (value) => (value === '1' ? 'Yes' : 'No'),
    },
  }));
  addCreateCommand(image, ctx);
  addOwnedObjectCommands(image, ctx, IMAGE);
  addStateCommands(image, ctx);
}
