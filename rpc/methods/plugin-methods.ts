import { isAdmin } from '../../core/auth/requester.js';
import { element } from '../../core/documents/xml.js';
import { Errors } from '../../core/errors/catalogue.js';
import type { PluginRegistry, PluginStatus } from '../../core/plugins/index.js';
import type { MethodTable } from '../server/method-table.js';

/** The plugin registry methods that the plugin calls read. */
export type PluginListing = Pick<PluginRegistry, 'list' | 'resolve'>;

/** Returns the actions a loaded plugin serves, or none when it is not the loaded owner of its kind and name. */
async function servedActions(plugins: PluginListing, status: PluginStatus): Promise<readonly string[]> {
  if (status.state !== 'loaded') return [];
  const lookup = await plugins.resolve(status.kind, status.name);
  return lookup.status === 'loaded' && lookup.driver.dir === status.dir ? lookup.driver.actions : [];
}

/**
 * Renders one plugin folder. PROTOCOL (the version agreed at INIT) and ACTIONS are
 * empty unless the plugin is loaded; CODE and REASON are empty unless it is rejected.
 */
async function pluginElement(plugins: PluginListing, status: PluginStatus): Promise<string> {
  const actions = await servedActions(plugins, status);
  const loaded = status.state === 'loaded' ? status : undefined;
  const rejected = status.state === 'rejected' ? status : undefined;

  return (
    '<PLUGIN>' +
    element('NAME', status.name ?? '') +
    element('KIND', status.kind ?? '') +
    element('DIR', status.dir) +
    element('STATE', status.state) +
    element('CODE', rejected?.code ?? '') +
    element('REASON', rejected?.reason ?? '') +
    element('PROTOCOL', loaded?.version ?? '') +
    element('ENTRY', loaded?.entry ?? '') +
    element('ACTIONS', actions.join(',')) +
    element('DESCRIPTION', loaded?.description ?? '') +
    '</PLUGIN>'
  );
}

/** Renders every plugin folder in the registry, in the configured order. */
export async function pluginPoolDocument(plugins: PluginListing): Promise<string> {
  const entries = await Promise.all(plugins.list().map((status) => pluginElement(plugins, status)));
  return `<PLUGIN_POOL>${entries.join('')}</PLUGIN_POOL>`;
}

/** `stratus.plugin.list`: every plugin folder, loaded or rejected with the reason; oneadmin only. */
export function registerPluginMethods(table: MethodTable, plugins: PluginListing): void {
  table.register('stratus.plugin.list', async (ctx) => {
    if (!isAdmin(ctx.requester)) {
      throw Errors.notAuthorized(ctx.requester.uid, 'Not authorized to list plugins; only group oneadmin may.');
    }
    return pluginPoolDocument(plugins);
  });
}
