import { ApiError, ErrorCode } from '../../core/errors/api-error.js';
import type { CoreApi } from '../../core/services/core-api.js';
import type { ParamReader } from '../server/params.js';
import type { MethodTable } from '../server/method-table.js';
import { readPoolQuery, registerCommonMethods } from './common-methods.js';

/** VMs as objects; the life-cycle calls are registered by the life-cycle manager. */
export function registerVmMethods(table: MethodTable, api: CoreApi): void {
  const { vms } = api;

  registerCommonMethods(table, 'one.vm', vms);
  table.register('one.vm.allocate', (ctx, p) =>
    vms.allocateFromText(ctx.requester, p.string(1, 'template'), p.optionalBool(2, 'hold', false)),
  );

  table.register('one.vmpool.info', (ctx, p) =>
    vms.poolInfo(ctx.requester, readPoolQuery(p), readState(p), false),
  );
  table.register('one.vmpool.infoextended', (ctx, p) =>
    vms.poolInfo(ctx.requester, readPoolQuery(p), readState(p), true),
  );
}

/**
 * Reads the state filter. OpenNebula answers a key-value search (`kv_filter`) only
 * on MySQL, with the same INTERNAL error on other backends.
 */
function readState(p: ParamReader): number {
  const search = p.optionalString(5, 'kv_filter', '');
  if (search !== '') {
    throw new ApiError(ErrorCode.INTERNAL, 'JSON query search is not supported; pass an empty kv_filter.');
  }
  return p.optionalInt(4, 'state', -1);
}
