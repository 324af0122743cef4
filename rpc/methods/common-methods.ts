import type { Requester } from '../../core/auth/requester.js';
import type { OwnedObjects } from '../../core/services/owned-objects.js';
import type { PoolQuery } from '../../core/services/pool-listing.js';
import type { ObjectHeader } from '../../core/pools/object-header.js';
import type { MethodTable } from '../server/method-table.js';
import type { ParamReader } from '../server/params.js';

type Service = OwnedObjects<ObjectHeader> & { info(requester: Requester, id: number): Promise<string> };

/** Which of the shared calls an object type has in OpenNebula's API. */
export interface CommonCalls {
  chown?: boolean;
  chmod?: boolean;
}

/** Registers `<prefix>.info`, `.update`, `.rename` and, where the type has them, `.chown` and `.chmod`. */
export function registerCommonMethods(table: MethodTable, prefix: string, service: Service, calls: CommonCalls = {}): void {
  table.register(`${prefix}.info`, (ctx, p) => service.info(ctx.requester, p.int(1, 'id')));

  table.register(`${prefix}.update`, (ctx, p) =>
    service.update(ctx.requester, p.int(1, 'id'), p.string(2, 'template'), p.optionalInt(3, 'type', 0)),
  );

  table.register(`${prefix}.rename`, (ctx, p) => service.rename(ctx.requester, p.int(1, 'id'), p.string(2, 'name')));

  if (calls.chown !== false) {
    table.register(`${prefix}.chown`, (ctx, p) =>
      service.chown(ctx.requester, p.int(1, 'id'), p.int(2, 'user id'), p.int(3, 'group id')),
    );
  }

  if (calls.chmod !== false) {
    table.register(`${prefix}.chmod`, (ctx, p) => service.chmod(ctx.requester, p.int(1, 'id'), readChmod(p)));
  }
}

const CHMOD_NAMES = ['owner use', 'owner manage', 'owner admin', 'group use', 'group manage', 'group admin', 'other use', 'other manage', 'other admin'];

/** The nine permission arguments of `*.chmod`, after the id. */
export function readChmod(params: ParamReader): number[] {
  return CHMOD_NAMES.map((name, index) => params.int(2 + index, name));
}

/** The `filter, start, end` arguments of a pool call. */
export function readPoolQuery(params: ParamReader): PoolQuery {
  return {
    filter: params.int(1, 'filter'),
    start: params.int(2, 'start'),
    end: params.int(3, 'end'),
  };
}
