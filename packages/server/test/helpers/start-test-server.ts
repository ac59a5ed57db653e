import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { createSuperadmin, loadConfig, startServer, type Config } from '../../src/index.ts';
import { createLogger } from '../../src/http/logger.ts';
import { createPgDatabase } from './create-pg-database.ts';
import { startS3rver, type S3rverInstance } from './start-s3rver.ts';

export type TestDatabaseKind = 'sqlite' | 'postgres';
export type TestStorageKind = 'filesystem' | 's3';

export interface TestServerOptions {
  database?: TestDatabaseKind;
  storage?: TestStorageKind;
  /** Extra environment variables, e.g. CRON_SECRET or BACKUP_MAX_COUNT. */
  env?: Record<string, string>;
  /** ICU locale of the PostgreSQL database's default collation (see createPgDatabase). */
  pgIcuLocale?: string;
  /** Logger for the server; silent by default. */
  logger?: Logger;
  /** Returns the lifetime of each presigned URL in seconds; a negative value issues an already expired URL. */
  presignedUrlTtlSeconds?: () => number;
}

export interface TestServer {
  /** Base URL of the listening server, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** A SUPERADMIN bearer token (user superadmin@example.com). */
  token: string;
  config: Config;
  /** The temporary DATA_DIR, removed by close(). */
  dataDir: string;
  /** The s3rver instance when storage is 's3'. */
  s3: S3rverInstance | undefined;
  /** Stops the server, then drops the PostgreSQL database, stops s3rver and removes DATA_DIR. */
  close(): Promise<void>;
}

/**
 * Starts a real server on 127.0.0.1 with a free port, a temporary DATA_DIR,
 * a fresh database (SQLite file or new PostgreSQL database) and the chosen
 * storage (filesystem, or a fresh s3rver), plus one SUPERADMIN token.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const cleanups: Array<() => Promise<void>> = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cbs-server-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));

    const env: Record<string, string> = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...options.env };
    if (options.database === 'postgres') {
      const database = await createPgDatabase(options.pgIcuLocale === undefined ? {} : { icuLocale: options.pgIcuLocale });
      cleanups.push(database.drop);
      env['DATABASE_URL'] = database.url;
    }

    let s3: S3rverInstance | undefined;
    if (options.storage === 's3') {
      s3 = await startS3rver();
      cleanups.push(s3.close);
      Object.assign(env, s3.env);
    }

    const config = loadConfig(env);
    const logger = options.logger ?? createLogger('silent');
    const { token } = await createSuperadmin(config, 'superadmin@example.com', { logger });
    const server = await startServer(config, { logger, presignedUrlTtlSeconds: options.presignedUrlTtlSeconds });
    cleanups.push(server.close);

    return { url: server.url, token, config, dataDir, s3, close: cleanUp };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** Every database × storage combination, for suites that loop over all of them. */
export const BACKENDS: ReadonlyArray<{ database: TestDatabaseKind; storage: TestStorageKind }> = [
  { database: 'sqlite', storage: 'filesystem' },
  { database: 'postgres', storage: 'filesystem' },
  { database: 'sqlite', storage: 's3' },
  { database: 'postgres', storage: 's3' },
];
