import { INITIAL_SCHEMA } from './001-initial-schema.js';

export interface Migration {
  /** Applied in increasing order; never renumber a released migration. */
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: INITIAL_SCHEMA },
];
