import type { CoreApi } from '../../core/services/core-api.js';
import type { MethodTable } from '../server/method-table.js';
import { readPoolQuery, registerCommonMethods } from './common-methods.js';

/** Hosts, datastores and virtual networks. */
export function registerInfrastructureMethods(table: MethodTable, api: CoreApi): void {
  const { hosts, datastores, vnets } = api;

  registerCommonMethods(table, 'one.host', hosts, { chown: false, chmod: false });
  table.register('one.host.allocate', (ctx, p) =>
    hosts.allocate(
      ctx.requester,
      p.string(1, 'hostname'),
      p.string(2, 'information driver'),
      p.string(3, 'VM driver'),
      p.optionalInt(4, 'cluster id', -1),
    ),
  );
  table.register('one.host.delete', (ctx, p) => hosts.delete(ctx.requester, p.int(1, 'id')));
  table.register('one.host.status', (ctx, p) => hosts.status(ctx.requester, p.int(1, 'id'), p.int(2, 'status')));
  table.register('one.hostpool.info', (ctx) => hosts.poolInfo(ctx.requester));

  registerCommonMethods(table, 'one.datastore', datastores);
  table.register('one.datastore.allocate', (ctx, p) =>
    datastores.allocate(ctx.requester, p.string(1, 'template'), p.optionalInt(2, 'cluster id', -1)),
  );
  table.register('one.datastore.delete', (ctx, p) => datastores.delete(ctx.requester, p.int(1, 'id')));
  table.register('one.datastore.enable', (ctx, p) =>
    datastores.enable(ctx.requester, p.int(1, 'id'), p.bool(2, 'enable')),
  );
  table.register('one.datastorepool.info', (ctx) => datastores.poolInfo(ctx.requester));

  registerCommonMethods(table, 'one.vn', vnets);
  table.register('one.vn.allocate', (ctx, p) =>
    vnets.allocate(ctx.requester, p.string(1, 'template'), p.optionalInt(2, 'cluster id', -1)),
  );
  table.register('one.vn.delete', (ctx, p) => vnets.delete(ctx.requester, p.int(1, 'id')));
  table.register('one.vn.add_ar', (ctx, p) =>
    vnets.addAddressRange(ctx.requester, p.int(1, 'id'), p.string(2, 'address range template')),
  );
  table.register('one.vn.rm_ar', (ctx, p) =>
    vnets.removeAddressRange(ctx.requester, p.int(1, 'id'), p.int(2, 'address range id')),
  );
  table.register('one.vn.update_ar', (ctx, p) =>
    vnets.updateAddressRange(ctx.requester, p.int(1, 'id'), p.string(2, 'address range template')),
  );
  table.register('one.vn.hold', (ctx, p) => vnets.hold(ctx.requester, p.int(1, 'id'), p.string(2, 'lease template')));
  table.register('one.vn.release', (ctx, p) => vnets.release(ctx.requester, p.int(1, 'id'), p.string(2, 'lease template')));
  table.register('one.vnpool.info', (ctx, p) => vnets.poolInfo(ctx.requester, readPoolQuery(p)));
}
