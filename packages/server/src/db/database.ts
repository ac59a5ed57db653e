import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import type { Logger } from 'pino';
import type { DatabaseConfig } from '../config/config.ts';
import { migrationProvider } from './migrations.ts';
import type { DatabaseSchema } from './schema.ts';

export type Database = Kysely<DatabaseSchema>;

/** An open database and the dialect behind it. */
export interface DatabaseHandle {
  db: Database;
  kind: DatabaseConfig['kind'];
}

/** Milliseconds a SQLite writer waits for another writer's lock before SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

export function openDatabase(config: DatabaseConfig, logger?: Logger): DatabaseHandle {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: config.url });
    // An idle pooled connection that breaks (server restart, network cut)
    // emits 'error' on the pool, which would crash the process unhandled.
    // The pool discards that connection and opens a new one when needed.
    pool.on('error', (error) => logger?.error({ err: error }, 'idle PostgreSQL connection failed'));
    return { db: new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) }), kind: 'postgres' };
  }

  mkdirSync(path.dirname(config.file), { recursive: true });
  const sqlite = new BetterSqlite3(config.file);
  // WAL lets readers run while one writer commits; SQLite leaves foreign keys
  // off unless each connection turns them on.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  return { db: new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: sqlite }) }), kind: 'sqlite' };
}

/** Runs every pending migration; raises with the failing migration's name. */
export async function migrateToLatest(db: Database, logger: Logger): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results = [] } = await migrator.migrateToLatest();

  for (const result of results) {
    if (result.status === 'Success') logger.info({ migration: result.migrationName }, 'database migration applied');
    if (result.status === 'Error') logger.error({ migration: result.migrationName }, 'database migration failed');
  }
  if (error !== undefined) {
    throw new Error('Database migration failed; the schema was left at the last successful migration', { cause: error });
  }
}
