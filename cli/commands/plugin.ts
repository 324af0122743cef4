import type { Command } from 'commander';
import path from 'node:path';
import { formatVerifyReport, verifyPlugin } from '../../core/plugins/verify.js';
import { parseInteger } from '../arguments.js';
import type { CliContext } from '../context.js';
import { asList, asObject, parseRoot, textAt, type XmlObject } from '../documents.js';
import { CliError } from '../errors.js';
import { formatJson } from '../output/json.js';
import { renderTable, type Column } from '../output/table.js';

const XML_HELP = 'print the document exactly as the server returned it';

/** Formats the state column: `loaded`, or `rejected (CODE)`. */
function stateText(plugin: XmlObject): string {
  const code = textAt(plugin, 'CODE');
  return code === '' ? textAt(plugin, 'STATE') : `${textAt(plugin, 'STATE')} (${code})`;
}

const PLUGIN_COLUMNS: Column[] = [
  { header: 'KIND', value: (plugin) => textAt(plugin, 'KIND') || '-' },
  { header: 'NAME', value: (plugin) => textAt(plugin, 'NAME') || '-' },
  { header: 'STATE', value: stateText },
  { header: 'PROTO', value: (plugin) => textAt(plugin, 'PROTOCOL') || '-', align: 'right' },
  { header: 'DIR', value: (plugin) => textAt(plugin, 'DIR') },
];

/** The fields `plugin show` prints, in order; empty ones are left out. */
const SHOW_FIELDS = ['KIND', 'NAME', 'STATE', 'CODE', 'DIR', 'PROTOCOL', 'ENTRY', 'ACTIONS', 'DESCRIPTION', 'REASON'];

async function fetchPlugins(ctx: CliContext, command: Command): Promise<{ xml: string; plugins: XmlObject[] }> {
  const xml = await ctx.call<string>(command, 'stratus.plugin.list');
  return { xml, plugins: asList(parseRoot(xml, 'PLUGIN_POOL').PLUGIN).map(asObject) };
}

/** Renders one plugin as `KEY : value` lines; a value's further lines are indented under it. */
function renderPlugin(plugin: XmlObject): string {
  const lines = [`PLUGIN ${textAt(plugin, 'KIND')}/${textAt(plugin, 'NAME')}`];
  const width = Math.max(...SHOW_FIELDS.map((field) => field.length));

  for (const field of SHOW_FIELDS) {
    const [first, ...rest] = textAt(plugin, field).split('\n');
    if (first === '' && rest.length === 0) continue;
    lines.push(`${field.padEnd(width)} : ${first}`);
    for (const line of rest) lines.push(`${' '.repeat(width)}   ${line}`);
  }
  return lines.join('\n');
}

/** Selects the plugins a `show` argument names: `NAME`, or `KIND/NAME` when two kinds share a name. */
function selectPlugins(plugins: XmlObject[], reference: string): XmlObject[] {
  const [kind, name] = reference.includes('/') ? reference.split('/', 2) : [undefined, reference];
  return plugins.filter((plugin) => textAt(plugin, 'NAME') === name && (kind === undefined || textAt(plugin, 'KIND') === kind));
}

function addListAndShow(plugin: Command, ctx: CliContext): void {
  plugin
    .command('list')
    .description('list the plugin folders the daemon found, loaded or rejected (stratus.plugin.list, group oneadmin only)')
    .option('--xml', XML_HELP)
    .action(async (_options: unknown, self: Command) => {
      const format = ctx.format(self);
      const { xml, plugins } = await fetchPlugins(ctx, self);
      if (format === 'xml') ctx.print(xml);
      else if (format === 'json') ctx.io.stdout(formatJson(plugins));
      else ctx.print(renderTable(PLUGIN_COLUMNS, plugins, { now: ctx.io.now() }));
    });

  plugin
    .command('show <name>')
    .description('show a plugin by NAME, or KIND/NAME such as vmm/dummy, with the reason when it was rejected')
    .action(async (reference: string, _options: unknown, self: Command) => {
      const format = ctx.format(self);
      const matches = selectPlugins((await fetchPlugins(ctx, self)).plugins, reference);
      if (matches.length === 0) throw new CliError(`no plugin named '${reference}'; 'stratus plugin list' shows the plugins the daemon found`);

      if (format === 'json') ctx.io.stdout(formatJson(matches));
      else ctx.print(matches.map(renderPlugin).join('\n\n'));
    });
}

function addVerify(plugin: Command, ctx: CliContext): void {
  plugin
    .command('verify <dir>')
    .description(
      'check a plugin folder with the daemon\'s own loader: manifest, entry, protocol, INIT, one example request per claimed action, FINALIZE. ' +
        'Needs no daemon. The driver acts on the example requests (VM 42 on host node1, and so on), so run it on a test machine.',
    )
    .option('--timeout <ms>', 'deadline for INIT and for each action\'s reply, in milliseconds', parseInteger, 5000)
    .action(async (dir: string, options: { timeout: number }, self: Command) => {
      const format = ctx.format(self);
      const folder = path.resolve(ctx.io.cwd, dir);
      const report = await verifyPlugin(folder, { runtime: { initTimeoutMs: options.timeout }, probeTimeoutMs: options.timeout });

      if (format === 'json') ctx.io.stdout(formatJson(report));
      else ctx.io.stdout(formatVerifyReport(report));

      if (!report.ok) {
        const reason = report.rejection === undefined ? 'some checks failed' : `the daemon would reject it (${report.rejection.code})`;
        throw new CliError(`plugin ${folder} failed verification: ${reason}`);
      }
    });
}

/** `stratus plugin`: the driver plugins the daemon found, and a local verifier for plugin authors. */
export function pluginCommand(program: Command, ctx: CliContext): void {
  const plugin = program.command('plugin').description('list and show the daemon\'s driver plugins, or verify a plugin folder');
  addListAndShow(plugin, ctx);
  addVerify(plugin, ctx);
}
