import { INITIAL_SCHEMA } from './001-initial-schema.js';
import { VM_RESCHED_COLUMN } from './002-vm-resched-column.js';

export interface Migration {
  /** Applied in increasing order; never renumber a released migration. */
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: INITIAL_SCHEMA },
  { version: 2, name: 'vm resched column', sql: VM_RESCHED_COLUMN },
];
