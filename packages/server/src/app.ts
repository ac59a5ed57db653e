import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import type { DatabaseHandle } from './db/database.ts';
import { registerErrorHandlers, sendFrameworkError } from './http/error-handler.ts';
import { FailureLimiter } from './http/failure-limiter.ts';
import { addSecurityHeaders } from './http/security-headers.ts';
import { pathOnly } from './http/logger.ts';
import { AuditRepository } from './repositories/audit-repository.ts';
import { BackupRepository } from './repositories/backup-repository.ts';
import { DeviceRepository } from './repositories/device-repository.ts';
import { StoreRepository } from './repositories/store-repository.ts';
import { TokenRepository } from './repositories/token-repository.ts';
import { registerAuditRoutes } from './routes/audit-routes.ts';
import { registerBackupRoutes } from './routes/backup-routes.ts';
import { registerDeviceRoutes } from './routes/device-routes.ts';
import { registerHealthRoutes } from './routes/health-routes.ts';
import { registerRetentionRoutes } from './routes/retention-routes.ts';
import { registerStorageRoutes } from './routes/storage-routes.ts';
import { registerStoreRoutes } from './routes/store-routes.ts';
import { AuditService } from './services/audit-service.ts';
import { AuthService } from './services/auth-service.ts';
import { BackupService } from './services/backup-service.ts';
import { DeviceService } from './services/device-service.ts';
import { retentionSettings, runRetention } from './services/retention-service.ts';
import { StoreService } from './services/store-service.ts';
import { FilesystemDriver } from './storage/filesystem/filesystem-driver.ts';
import type { StorageDriver } from './storage/storage-driver.ts';
import { SERVER_VERSION } from './version.ts';

/** Largest JSON request body, in bytes; every API body is a few hundred bytes. */
export const JSON_BODY_LIMIT_BYTES = 64 * 1024;

export interface AppDependencies {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  storage: StorageDriver;
  /** Test hook: returns the lifetime of the next presigned URL, in seconds (600 when unset). */
  presignedUrlTtlSeconds?: () => number;
}

/** Wires repositories, services and routes into a Fastify instance that is not listening yet. */
export async function buildApp(dependencies: AppDependencies): Promise<FastifyInstance> {
  const { config, logger, database, storage, presignedUrlTtlSeconds } = dependencies;

  // Typed as Fastify's logger interface so that routes take a plain FastifyInstance.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    // Fastify's request logs include the full URL with its query string,
    // where presigned signatures live; `logRequests` below logs the path only.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: JSON_BODY_LIMIT_BYTES,
    frameworkErrors: (error, request, reply) => sendFrameworkError(error, request, reply),
  });
  app.decorateRequest('principal', null);
  addSecurityHeaders(app);
  registerErrorHandlers(app, { bodyLimit: JSON_BODY_LIMIT_BYTES });
  logRequests(app);

  // Only JSON bodies are accepted; Fastify's text/plain parser would hand
  // strings to the validators and hide a client's wrong Content-Type.
  app.removeContentTypeParser('text/plain');
  acceptEmptyDeleteBodies(app);

  const backups = new BackupRepository(database.db);
  const stores = new StoreRepository(database.db);
  const devices = new DeviceRepository(database.db);
  const audit = new AuditRepository(database.db);
  const failures = new FailureLimiter({ limit: config.authFailures.limit, windowMs: config.authFailures.windowSeconds * 1000 });
  const auth = new AuthService(new TokenRepository(database.db), devices, failures);

  registerHealthRoutes(app, { version: SERVER_VERSION, database: database.kind, storage: storage.kind });
  registerStoreRoutes(app, { auth, stores: new StoreService(stores) });
  registerBackupRoutes(app, { auth, backups: new BackupService({ backups, stores, audit, storage, logger, presignedUrlTtlSeconds }) });
  registerDeviceRoutes(app, { auth, devices: new DeviceService({ devices, stores, logger }) });
  registerAuditRoutes(app, { auth, audit: new AuditService(audit) });
  registerRetentionRoutes(app, {
    cronSecret: config.cronSecret,
    failures,
    run: ({ dryRun }) => runRetention({ database, storage, logger, settings: retentionSettings(config) }, { now: new Date(), dryRun }),
  });
  if (storage instanceof FilesystemDriver) await registerStorageRoutes(app, storage);

  return app;
}

/**
 * Lets DELETE carry `Content-Type: application/json` with an empty body, as
 * generic HTTP clients often send. Other methods keep Fastify's JSON parser
 * unchanged, including its rejection of empty bodies and prototype poisoning.
 */
function acceptEmptyDeleteBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (request.method === 'DELETE' && text === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

/** Logs each finished request with its path only, never the query or headers. */
function logRequests(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, path: pathOnly(request.url), statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime) },
      'request completed',
    );
  });
}
