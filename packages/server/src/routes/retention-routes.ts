import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../http/app-error.ts';
import type { FailureLimiter } from '../http/failure-limiter.ts';
import { parseRequest } from '../http/validation.ts';
import type { RetentionResult } from '../services/retention-service.ts';

const retentionQuerySchema = z.object({
  dryRun: z.enum(['true', 'false'], { message: 'use true or false' }).optional(),
});

/**
 * `POST /api/cloud-backups/retention-run`, protected by `X-Cron-Secret`
 * instead of a token so that a plain cron job can call it. `?dryRun=true`
 * changes nothing and adds `wouldDelete` to the response.
 */
export function registerRetentionRoutes(
  app: FastifyInstance,
  options: {
    cronSecret: string | undefined;
    failures: FailureLimiter;
    run: (options: { dryRun: boolean }) => Promise<RetentionResult>;
  },
): void {
  app.post('/api/cloud-backups/retention-run', async (request) => {
    try {
      checkCronSecret(request, options.cronSecret);
    } catch (error) {
      // A wrong secret counts as a failed authentication of the source address.
      if (!(error instanceof AppError && error.code === 'INVALID_CRON_SECRET')) throw error;
      const retryAfter = options.failures.recordFailure([`address:${request.ip}`]);
      if (retryAfter !== undefined) throw new AppError('TOO_MANY_ATTEMPTS', { retryAfter }, { cause: error });
      throw error;
    }
    const query = parseRequest(retentionQuerySchema, request.query, 'query');

    const result = await options.run({ dryRun: query.dryRun === 'true' });
    return { success: true, ...result };
  });
}

function checkCronSecret(request: FastifyRequest, cronSecret: string | undefined): void {
  if (cronSecret === undefined) throw new AppError('RETENTION_DISABLED');

  const header = request.headers['x-cron-secret'];
  const sent = typeof header === 'string' ? header : '';
  // Comparing fixed-length digests keeps the comparison constant-time and
  // does not reveal the secret's length.
  const expectedDigest = createHash('sha256').update(cronSecret).digest();
  const sentDigest = createHash('sha256').update(sent).digest();
  if (sent === '' || !timingSafeEqual(sentDigest, expectedDigest)) throw new AppError('INVALID_CRON_SECRET');
}
