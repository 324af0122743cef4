import type { Database } from './database.js';
import type { Migration } from './migrations/index.js';

/**
 * Applies every migration newer than the database's schema version, each in its own
 * transaction, and returns the resulting version. A database written by a newer
 * Stratus is refused rather than modified.
 */
export async function migrate(db: Database, migrations: readonly Migration[]): Promise<number> {
  await db.transaction((tx) =>
    tx.run(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
    ),
  );

  const row = await db.get<{ version: number | null }>(
    'SELECT MAX(version) AS version FROM schema_migrations',
  );
  const current = row?.version ?? 0;
  const newest = migrations.reduce((max, m) => Math.max(max, m.version), 0);

  if (current > newest) {
    throw new Error(
      `the database schema is version ${current} but this stratusd knows only up to ${newest}; ` +
        'run a newer stratusd or restore a backup of the data directory',
    );
  }

  const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  for (const migration of pending) {
    await db.transaction(async (tx) => {
      for (const statement of splitStatements(migration.sql)) {
        await tx.run(statement);
      }
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        Math.floor(Date.now() / 1000),
      ]);
    });
  }

  return Math.max(current, newest);
}

/** Splits a migration script at semicolons that end a line; the scripts hold no triggers. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}
