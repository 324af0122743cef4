import type { LifecycleManager } from '../../core/lifecycle/lifecycle-manager.js';
import type { CoreApi } from '../../core/services/core-api.js';
import { MethodTable } from '../server/method-table.js';
import { registerAccountMethods } from './account-methods.js';
import { registerImageAndTemplateMethods } from './image-methods.js';
import { registerInfrastructureMethods } from './infrastructure-methods.js';
import { registerLifecycleMethods } from './lifecycle-methods.js';
import { registerPluginMethods, type PluginListing } from './plugin-methods.js';
import { registerSystemMethods } from './system-methods.js';
import { registerVmLogMethods, type VmLogReader } from './vm-log-methods.js';
import { registerVmMethods } from './vm-methods.js';

/** The daemon's parts besides the core API that some methods read. */
export interface MethodSources {
  plugins: PluginListing;
  vmLog: VmLogReader;
  lifecycle: LifecycleManager;
}

/** Builds the table of every XML-RPC method stratusd serves. */
export function buildMethodTable(api: CoreApi, sources: MethodSources): MethodTable {
  const table = new MethodTable();
  registerSystemMethods(table, api);
  registerAccountMethods(table, api);
  registerInfrastructureMethods(table, api);
  registerImageAndTemplateMethods(table, api);
  registerVmMethods(table, api);
  registerPluginMethods(table, sources.plugins);
  registerVmLogMethods(table, api, sources.vmLog);
  registerLifecycleMethods(table, sources.lifecycle);
  return table;
}
