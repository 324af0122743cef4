import type { ResourceTypeName } from '../acl/index.js';
import { itemFor } from '../auth/authorizer.js';
import { isAdmin, type Requester } from '../auth/requester.js';
import type { SqlValue } from '../db/database.js';
import { Errors } from '../errors/catalogue.js';
import type { ObjectHeader } from '../pools/object-header.js';
import type { ListOptions, ObjectPool } from '../pools/object-pool.js';
import type { CoreServices } from './core-services.js';

/** The filter, id range or page of a pool call, as OpenNebula's `*pool.info` take them. */
export interface PoolQuery {
  /** -4 primary group, -3 mine, -2 all I may use, -1 mine and my groups', n ≥ 0 that user's. */
  filter: number;
  start: number;
  end: number;
  /** An extra SQL condition on the pool's columns, with its parameters. */
  where?: string;
  params?: SqlValue[];
}

function ownershipCondition(requester: Requester, filter: number): { where?: string; params: SqlValue[] } {
  if (filter === -4) return { where: 'gid = ?', params: [requester.gid] };
  if (filter === -3) return { where: 'uid = ?', params: [requester.uid] };
  if (filter === -2) return { params: [] };
  if (filter === -1) {
    const marks = requester.groupIds.map(() => '?').join(', ');
    return { where: `uid = ? OR gid IN (${marks})`, params: [requester.uid, ...requester.groupIds] };
  }
  if (filter >= 0) return { where: 'uid = ?', params: [filter] };
  throw Errors.badValue(`Incorrect filter_flag ${filter}: use -4, -3, -2, -1 or a user id.`);
}

function combine(a: string | undefined, b: string | undefined): string | undefined {
  if (a && b) return `(${a}) AND (${b})`;
  return a ?? b;
}

/**
 * Lists the objects a pool call requests, reduced to those the requester may USE plus
 * the requester's own objects, which OpenNebula 6.10 lists even when their owner USE
 * bit is cleared (`PoolSQL::usr_filter`). With `end ≥ -1`, start and end are an id
 * range (-1 open). With `end < -1`, start is an offset and -end the page size,
 * counted over the visible objects.
 */
export async function listVisible<R extends ObjectHeader>(
  services: CoreServices,
  requester: Requester,
  pool: ObjectPool<R>,
  type: ResourceTypeName,
  query: PoolQuery,
): Promise<R[]> {
  const ownership = ownershipCondition(requester, query.filter);
  const options: ListOptions = {
    where: combine(ownership.where, query.where),
    params: [...ownership.params, ...(query.params ?? [])],
    descending: services.settings.listOrder === 'DESC',
  };

  const paged = query.end < -1;
  if (!paged) {
    options.fromId = query.start;
    options.toId = query.end;
  }

  const admin = isAdmin(requester);
  if (paged && admin) {
    options.offset = Math.max(0, query.start);
    options.limit = -query.end;
  }

  // NOTE: for other users a page is cut after filtering, so every object that the
  // ownership filter selects is read and decoded, not only one page of them.
  const records = await pool.list(services.store.db, options);
  if (admin) return records;

  const canUse = services.authorizer.usePredicate(requester, type);
  const visible = records.filter((record) => record.uid === requester.uid || canUse(itemFor(type, record, 'USE', false)));

  if (paged) {
    const offset = Math.max(0, query.start);
    return visible.slice(offset, offset + -query.end);
  }
  return visible;
}
