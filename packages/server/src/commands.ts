import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import { migrateToLatest, openDatabase, type DatabaseHandle } from './db/database.ts';
import { createLogger } from './http/logger.ts';
import { issueSuperadminToken } from './services/admin-service.ts';
import { retentionSettings, runRetention as runRetentionService, type RetentionResult } from './services/retention-service.ts';
import { createStorageDriver } from './storage/create-storage-driver.ts';

/**
 * Creates (or finds) the SUPERADMIN user for `email` and returns a new token.
 * The token is shown only here: the database keeps its SHA-256.
 */
export async function createSuperadmin(config: Config, email: string, options: { logger?: Logger } = {}): Promise<{ userId: string; token: string }> {
  const logger = options.logger ?? createLogger(config.logLevel);
  return withDatabase(config, logger, async (database) => {
    const result = await issueSuperadminToken(database.db, email);
    logger.info({ userId: result.userId }, 'superadmin token issued');
    return result;
  });
}

/**
 * Runs one retention pass outside the HTTP server, as `backup-sync retention
 * run` does. It takes the same lock as the server, so it raises AppError
 * `RETENTION_RUNNING` while a server instance runs retention.
 */
export async function runRetention(
  config: Config,
  options: { now?: Date; dryRun?: boolean; logger?: Logger } = {},
): Promise<RetentionResult> {
  const logger = options.logger ?? createLogger(config.logLevel);
  return withDatabase(config, logger, async (database) => {
    const storage = createStorageDriver(config, () => {
      throw new Error('Retention never issues storage URLs');
    });
    await storage.ensureReady();
    return runRetentionService(
      { database, storage, logger, settings: retentionSettings(config) },
      { now: options.now ?? new Date(), dryRun: options.dryRun === true },
    );
  });
}

async function withDatabase<T>(config: Config, logger: Logger, work: (database: DatabaseHandle) => Promise<T>): Promise<T> {
  const database = openDatabase(config.database, logger);
  try {
    await migrateToLatest(database.db, logger);
    return await work(database);
  } finally {
    await database.db.destroy();
  }
}
