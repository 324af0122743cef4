import type { CoreApi } from '../../core/services/core-api.js';
import type { MethodTable } from '../server/method-table.js';
import type { ParamReader } from '../server/params.js';

/** Users, groups and ACL rules. */
export function registerAccountMethods(table: MethodTable, api: CoreApi): void {
  const { users, groups, acl } = api;

  table.register('one.user.allocate', (ctx, p) =>
    users.allocate(
      ctx.requester,
      p.string(1, 'name'),
      p.string(2, 'password'),
      p.optionalString(3, 'driver', ''),
      p.has(4) ? p.intArray(4, 'group ids') : [],
    ),
  );
  table.register('one.user.delete', (ctx, p) => users.delete(ctx.requester, p.int(1, 'id')));
  table.register('one.user.info', (ctx, p) => users.info(ctx.requester, p.int(1, 'id')));
  table.register('one.user.passwd', (ctx, p) => users.passwd(ctx.requester, p.int(1, 'id'), p.string(2, 'password')));
  table.register('one.user.login', (ctx, p) =>
    users.login(
      ctx.requester,
      p.string(1, 'user name'),
      p.string(2, 'token'),
      p.int(3, 'valid seconds'),
      p.optionalInt(4, 'egid', -1),
    ),
  );
  table.register('one.user.update', (ctx, p) =>
    users.update(ctx.requester, p.int(1, 'id'), p.string(2, 'template'), p.optionalInt(3, 'type', 0)),
  );
  table.register('one.user.chgrp', (ctx, p) => users.chgrp(ctx.requester, p.int(1, 'id'), p.int(2, 'group id')));
  table.register('one.user.addgroup', (ctx, p) => users.addgroup(ctx.requester, p.int(1, 'id'), p.int(2, 'group id')));
  table.register('one.user.delgroup', (ctx, p) => users.delgroup(ctx.requester, p.int(1, 'id'), p.int(2, 'group id')));
  table.register('one.user.chauth', (ctx, p) =>
    users.chauth(ctx.requester, p.int(1, 'id'), p.string(2, 'driver'), p.optionalString(3, 'password', '')),
  );
  table.register('one.user.enable', (ctx, p) => users.enable(ctx.requester, p.int(1, 'id'), readEnable(p)));
  table.register('one.userpool.info', (ctx) => users.pool(ctx.requester));

  table.register('one.group.allocate', (ctx, p) => groups.allocate(ctx.requester, p.string(1, 'name')));
  table.register('one.group.delete', (ctx, p) => groups.delete(ctx.requester, p.int(1, 'id')));
  table.register('one.group.info', (ctx, p) => groups.info(ctx.requester, p.int(1, 'id')));
  table.register('one.group.update', (ctx, p) =>
    groups.update(ctx.requester, p.int(1, 'id'), p.string(2, 'template'), p.optionalInt(3, 'type', 0)),
  );
  table.register('one.grouppool.info', (ctx) => groups.pool(ctx.requester));

  table.register('one.acl.addrule', (ctx, p) =>
    acl.add(
      ctx.requester,
      p.string(1, 'user'),
      p.string(2, 'resource'),
      p.string(3, 'rights'),
      p.has(4) ? p.string(4, 'zone') : undefined,
    ),
  );
  table.register('one.acl.delrule', (ctx, p) => acl.delete(ctx.requester, p.int(1, 'id')));
  table.register('one.acl.info', async (ctx) => acl.info(ctx.requester));
}

/**
 * Reads the flag of `one.user.enable`: a boolean from OpenNebula 6.10's CLI, or an
 * integer 0 or 1 from older clients. A missing flag or any other type is a fault.
 */
function readEnable(p: ParamReader): boolean {
  try {
    return p.bool(2, 'enable');
  } catch {
    return p.int(2, 'enable') !== 0;
  }
}
