import type { CoreApi } from '../../core/services/core-api.js';
import { MethodTable } from '../server/method-table.js';
import { registerAccountMethods } from './account-methods.js';
import { registerImageAndTemplateMethods } from './image-methods.js';
import { registerInfrastructureMethods } from './infrastructure-methods.js';
import { registerSystemMethods } from './system-methods.js';
import { registerVmMethods } from './vm-methods.js';

/** Builds the table of every XML-RPC method stratusd serves. */
export function buildMethodTable(api: CoreApi): MethodTable {
  const table = new MethodTable();
  registerSystemMethods(table, api);
  registerAccountMethods(table, api);
  registerInfrastructureMethods(table, api);
  registerImageAndTemplateMethods(table, api);
  registerVmMethods(table, api);
  return table;
}
