import { Permissions } from '../../acl/index.js';
import type { SqlValue } from '../../db/database.js';
import { Template, type AttributeEntry } from '../../template/index.js';
import type { ObjectHeader } from '../object-header.js';
import type { RecordCodec } from '../object-pool.js';

/**
 * Builds the codec of a record whose fields are plain JSON apart from its permissions
 * and the Template fields named in `templateFields`. The id is the row key and is not
 * stored in the body.
 */
export function objectCodec<R extends ObjectHeader>(options: {
  templateFields: ReadonlyArray<keyof R & string>;
  columns?: (record: R) => Record<string, SqlValue>;
}): RecordCodec<R> {
  const extraColumns = options.columns ?? (() => ({}));

  return {
    toBody(record: R): unknown {
      const body: Record<string, unknown> = { ...(record as Record<string, unknown>), permissions: record.permissions.toBits() };
      delete body.id;
      for (const field of options.templateFields) {
        body[field] = (record[field] as Template).toJSON();
      }
      return body;
    },

    fromBody(id: number, body: unknown): R {
      const stored = body as Record<string, unknown>;
      const record: Record<string, unknown> = {
        ...stored,
        id,
        permissions: Permissions.fromBits(stored.permissions as number),
        lock: stored.lock ?? null,
      };
      for (const field of options.templateFields) {
        record[field] = Template.fromStoredJSON(stored[field] as AttributeEntry[]);
      }
      return record as R;
    },

    columns(record: R): Record<string, SqlValue> {
      return { uid: record.uid, gid: record.gid, ...extraColumns(record) };
    },
  };
}
