import { access, constants } from 'node:fs/promises';
import type { Logger } from 'pino';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/config.ts';
import { registerErrorHandlers } from '../http/error-handler.ts';
import { registerStorageRoutes } from '../routes/storage-routes.ts';
import { FilesystemDriver } from '../storage/filesystem/filesystem-driver.ts';
import { createS3Client, S3Driver, type S3StorageConfig } from '../storage/s3/s3-driver.ts';
import { DoctorChecks, type DoctorReport } from './doctor-report.ts';
import { describeError, MAX_CLOCK_SKEW_SECONDS, runRoundTripChecks } from './round-trip-checks.ts';
import { checkCors, checkCredentialsAndBucket, checkLifecycle } from './s3-bucket-checks.ts';

/**
 * Checks the configured storage end to end, as `backup-sync doctor` does:
 * it writes, reads and deletes a test object through presigned URLs, then
 * reads the bucket's CORS and lifecycle rules. Every object it writes is
 * deleted before it returns, and a leftover is reported as a failed check.
 */
export async function runStorageDoctor(config: Config, options: { logger: Logger; now?: () => Date }): Promise<DoctorReport> {
  const now = options.now ?? (() => new Date());
  if (config.storage.kind === 's3') return runS3Doctor(config.storage, options.logger, now);
  return runFilesystemDoctor(config, config.storage.objectsDir, options.logger);
}

async function runS3Doctor(storage: S3StorageConfig, logger: Logger, now: () => Date): Promise<DoctorReport> {
  const checks = new DoctorChecks();
  const client = createS3Client(storage);
  const driver = new S3Driver(storage);

  try {
    await checkCredentialsAndBucket(client, storage.bucket, checks);
    if (!checks.isOk('bucket')) return { storage: 's3', checks: checks.toList(checks.isOk('credentials') ? 'bucket' : 'credentials') };

    const dates: Date[] = [];
    const startedAt = now();
    await runRoundTripChecks(driver, checks, { logger, dates });
    checkClockSkew(checks, dates, startedAt, now());

    await checkCors(client, storage.bucket, checks);
    await checkLifecycle(client, storage.bucket, checks);
    return { storage: 's3', checks: checks.toList('put') };
  } finally {
    client.destroy();
    driver.destroy();
  }
}

/**
 * Checks the filesystem driver. Its URLs are served by the API server, so the
 * doctor serves them itself from a temporary server on 127.0.0.1 that has only the
 * storage routes, with the same data folder and signing key.
 */
async function runFilesystemDoctor(config: Config, objectsDir: string, logger: Logger): Promise<DoctorReport> {
  const checks = new DoctorChecks();
  checks.record('credentials', 'not-applicable', 'filesystem-only');

  let baseUrl = '';
  const driver = new FilesystemDriver({ objectsDir, dataDir: config.dataDir, baseUrl: () => baseUrl });
  try {
    await driver.ensureReady();
    await access(objectsDir, constants.W_OK);
    checks.record('bucket', 'ok', 'folder-writable', { path: objectsDir });
  } catch (error) {
    checks.record('bucket', 'fail', 'folder-failed', { path: objectsDir, detail: describeError(error) });
    return { storage: 'filesystem', checks: checks.toList('bucket') };
  }

  // Typed as Fastify's logger interface, as in app.ts, so the routes take a plain FastifyInstance.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({ loggerInstance });
  registerErrorHandlers(app, { bodyLimit: 0 });
  await registerStorageRoutes(app, driver);
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error(`Doctor server is not on a TCP port (address: ${String(address)})`);
    baseUrl = `http://127.0.0.1:${address.port}`;

    await runRoundTripChecks(driver, checks, { logger, dates: [] });
  } finally {
    await app.close();
  }

  checks.record('cors', 'not-applicable', 'filesystem-only');
  checks.record('clock-skew', 'not-applicable', 'filesystem-only');
  checks.record('lifecycle', 'not-applicable', 'filesystem-only');
  return { storage: 'filesystem', checks: checks.toList('put') };
}

/** Compares the provider's `Date` header with the middle of the local time span of the requests. */
function checkClockSkew(checks: DoctorChecks, dates: Date[], startedAt: Date, finishedAt: Date): void {
  const providerDate = dates[0];
  if (providerDate === undefined) {
    checks.record('clock-skew', 'warn', 'skew-no-date');
    return;
  }

  // The Date header has 1-second resolution, so skews under a few seconds are noise.
  const localMidpoint = (startedAt.getTime() + finishedAt.getTime()) / 2;
  const seconds = Math.round(Math.abs(providerDate.getTime() - localMidpoint) / 1000);
  if (seconds > MAX_CLOCK_SKEW_SECONDS) checks.record('clock-skew', 'warn', 'skew-high', { seconds, limit: MAX_CLOCK_SKEW_SECONDS });
  else checks.record('clock-skew', 'ok', 'skew-ok', { seconds });
}
