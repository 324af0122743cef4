import { Template, type AttributeEntry } from '../../template/index.js';
import type { PoolDefinition, RecordCodec } from '../object-pool.js';

export interface GroupRecord {
  id: number;
  name: string;
  /** Members, kept in step with the users' group lists in the same transaction. */
  users: number[];
  admins: number[];
  template: Template;
}

const groupCodec: RecordCodec<GroupRecord> = {
  toBody: (record) => ({ ...record, id: undefined, template: record.template.toJSON() }),
  fromBody: (id, body) => {
    const stored = body as Omit<GroupRecord, 'id' | 'template'> & { template: unknown };
    return { ...stored, id, template: Template.fromStoredJSON(stored.template as AttributeEntry[]) };
  },
  columns: () => ({}),
};

export const GROUP_POOL: PoolDefinition<GroupRecord> = {
  table: 'group_pool',
  sequence: 'group',
  objectName: 'group',
  resourceType: 'GROUP',
  codec: groupCodec,
};
