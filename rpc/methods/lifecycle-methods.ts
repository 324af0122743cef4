import type { LifecycleManager } from '../../core/lifecycle/lifecycle-manager.js';
import type { MethodTable } from '../server/method-table.js';

/** `one.vm.action` and `one.vm.deploy`. */
export function registerLifecycleMethods(table: MethodTable, lifecycle: LifecycleManager): void {
  table.register('one.vm.action', (ctx, p) => lifecycle.action(ctx.requester, p.string(1, 'action'), p.int(2, 'id')));

  table.register('one.vm.deploy', (ctx, p) => lifecycle.deploy(ctx.requester, p.int(1, 'id'), p.int(2, 'host id')));
}
