import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { buildApp } from './app.ts';
import type { Config } from './config/config.ts';
import { migrateToLatest, openDatabase } from './db/database.ts';
import { createLogger } from './http/logger.ts';
import { startRetentionScheduler, type RetentionScheduler } from './services/retention-scheduler.ts';
import { retentionSettings, runRetention } from './services/retention-service.ts';
import { createStorageDriver } from './storage/create-storage-driver.ts';

export interface RunningServer {
  /** Base URL the server listens on, with the real port even when PORT is 0. */
  url: string;
  close(): Promise<void>;
}

/**
 * Runs migrations, checks storage, listens on HOST:PORT and starts the
 * retention schedule (RETENTION_SCHEDULE). The filesystem driver's URLs use
 * PUBLIC_URL, or this listening URL when it is unset.
 */
export async function startServer(
  config: Config,
  options: { logger?: Logger; presignedUrlTtlSeconds?: () => number } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = openDatabase(config.database, logger);
  let listeningUrl: string | undefined;

  try {
    await migrateToLatest(database.db, logger);
    const storage = createStorageDriver(config, () => {
      const base = config.publicUrl ?? listeningUrl;
      if (base === undefined) throw new Error('Storage URL requested before the server listens');
      return base;
    });
    await storage.ensureReady();

    const app = await buildApp({ config, logger, database, storage, presignedUrlTtlSeconds: options.presignedUrlTtlSeconds });
    await app.listen({ host: config.host, port: config.port });
    listeningUrl = baseUrlOf(app.server.address(), config.host);

    let scheduler: RetentionScheduler | undefined;
    if (config.retention.schedule !== null) {
      scheduler = startRetentionScheduler({
        schedule: config.retention.schedule,
        logger,
        run: () => runRetention({ database, storage, logger, settings: retentionSettings(config) }, { now: new Date() }),
      });
    }

    logger.info({ url: listeningUrl, database: database.kind, storage: storage.kind }, 'server started');
    return {
      url: listeningUrl,
      async close() {
        await scheduler?.stop();
        await app.close();
        await database.db.destroy();
        logger.info({ url: listeningUrl }, 'server stopped');
      },
    };
  } catch (error) {
    await database.db.destroy();
    throw error;
  }
}

function baseUrlOf(address: string | AddressInfo | null, host: string): string {
  if (address === null || typeof address === 'string') throw new Error(`Server is not listening on a TCP port (address: ${String(address)})`);

  const hostname = host.includes(':') ? `[${host}]` : host;
  return `http://${hostname}:${address.port}`;
}
