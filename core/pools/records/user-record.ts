import { Template, type AttributeEntry } from '../../template/index.js';
import type { PoolDefinition, RecordCodec } from '../object-pool.js';

export interface LoginToken {
  /** SHA-256 of the token, hex; the token itself is shown once, by `one.user.login`. */
  tokenHash: string;
  /** Seconds since the epoch; -1 never expires. */
  expirationTime: number;
  /** The group the token restricts the session to, or -1. */
  egid: number;
}

export interface UserRecord {
  id: number;
  /** Primary group. */
  gid: number;
  /** Every group of the user, the primary one included. */
  groups: number[];
  gname: string;
  name: string;
  /** For the `core` driver, SHA-256 hex of the password. */
  password: string;
  authDriver: string;
  enabled: boolean;
  loginTokens: LoginToken[];
  template: Template;
}

const userCodec: RecordCodec<UserRecord> = {
  toBody: (record) => ({ ...record, id: undefined, template: record.template.toJSON() }),
  fromBody: (id, body) => {
    const stored = body as Omit<UserRecord, 'id' | 'template'> & { template: unknown };
    return { ...stored, id, template: Template.fromStoredJSON(stored.template as AttributeEntry[]) };
  },
  columns: (record) => ({ gid: record.gid }),
};

export const USER_POOL: PoolDefinition<UserRecord> = {
  table: 'user_pool',
  sequence: 'user',
  objectName: 'user',
  resourceType: 'USER',
  codec: userCodec,
};
