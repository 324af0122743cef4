import { isAdmin } from '../../core/auth/requester.js';
import type { CoreApi } from '../../core/services/core-api.js';
import { element } from '../../core/documents/xml.js';
import type { MethodTable } from '../server/method-table.js';
import { STRATUS_VERSION, ONE_API_VERSION } from '../../core/version.js';

/** `one.system.version` and `one.system.config`, plus Stratus's own `stratus.system.version`. */
export function registerSystemMethods(table: MethodTable, api: CoreApi): void {
  table.register('one.system.version', async () => ONE_API_VERSION);

  table.register('stratus.system.version', async () => STRATUS_VERSION);

  table.register('one.system.config', async (ctx) => {
    const settings = api.services.settings;
    const shared =
      element('DEFAULT_UMASK', settings.defaultUmask.toString(8)) +
      element('API_LIST_ORDER', settings.listOrder) +
      element('VERSION', ONE_API_VERSION) +
      element('STRATUS_VERSION', STRATUS_VERSION);
    if (!isAdmin(ctx.requester)) return `<OPENNEBULA_CONFIGURATION>${shared}</OPENNEBULA_CONFIGURATION>`;

    const admin =
      element('LISTEN_ADDRESS', settings.listenAddress) +
      element('PORT', settings.port) +
      '<DB>' + element('BACKEND', 'sqlite') + element('SYNCHRONOUS', settings.db.synchronous) + '</DB>' +
      element('MESSAGE_SIZE', settings.rpc.maxBodyBytes) +
      element('MAX_CONN', settings.rpc.maxConnections) +
      element('TIMEOUT', Math.round(settings.rpc.requestTimeoutMs / 1000)) +
      element('MAX_TOKEN_TIME', settings.auth.maxTokenSeconds);
    return `<OPENNEBULA_CONFIGURATION>${shared}${admin}</OPENNEBULA_CONFIGURATION>`;
  });
}
