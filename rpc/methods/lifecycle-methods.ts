import type { LifecycleManager } from '../../core/lifecycle/lifecycle-manager.js';
import type { MethodTable } from '../server/method-table.js';

/** `one.vm.action`, `one.vm.deploy`, `one.vm.migrate` and `one.vm.recover`. */
export function registerLifecycleMethods(table: MethodTable, lifecycle: LifecycleManager): void {
  table.register('one.vm.action', (ctx, p) => lifecycle.action(ctx.requester, p.string(1, 'action'), p.int(2, 'id')));

  table.register('one.vm.deploy', (ctx, p) =>
    lifecycle.deploy(ctx.requester, p.int(1, 'id'), p.int(2, 'host id'), p.optionalBool(3, 'enforce', false), p.optionalInt(4, 'datastore id', -1)),
  );

  table.register('one.vm.migrate', (ctx, p) =>
    lifecycle.migrate(ctx.requester, {
      vmId: p.int(1, 'id'),
      hostId: p.int(2, 'host id'),
      live: p.bool(3, 'live'),
      enforce: p.optionalBool(4, 'enforce', false),
      datastoreId: p.optionalInt(5, 'datastore id', -1),
      migrationType: p.optionalInt(6, 'migration type', 0),
    }),
  );

  table.register('one.vm.recover', (ctx, p) => lifecycle.recover(ctx.requester, p.int(1, 'id'), p.int(2, 'operation')));
}
