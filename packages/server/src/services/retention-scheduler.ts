import type { Logger } from 'pino';
import { AppError } from '../http/app-error.ts';
import { nextFireTime, type CronExpression } from '../schedule/cron-expression.ts';

/** Maximum delay `setTimeout` accepts (2^31 - 1 ms, about 24.8 days). Longer waits re-arm the timer. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

export interface RetentionScheduler {
  /** Stops future runs and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Calls `run` at every time `schedule` matches (UTC). Every server instance
 * runs its own scheduler, and the retention lock lets only one of them
 * delete while the others log that they skipped. A failed run is logged and
 * the schedule continues.
 */
export function startRetentionScheduler(options: {
  schedule: CronExpression;
  run: () => Promise<unknown>;
  logger: Logger;
  clock?: () => Date;
}): RetentionScheduler {
  const { schedule, run, logger } = options;
  const clock = options.clock ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const fire = async (): Promise<void> => {
    try {
      await run();
    } catch (error) {
      if (error instanceof AppError && error.code === 'RETENTION_RUNNING') {
        logger.info({ schedule: schedule.source }, 'scheduled retention skipped because another run holds the lock');
      } else {
        logger.error({ err: error, schedule: schedule.source }, 'scheduled retention run failed');
      }
    }
  };

  const arm = (): void => {
    if (stopped) return;

    const now = clock();
    const next = nextFireTime(schedule, now);
    // parseCronExpression rejects expressions that never match, so null means a clock beyond year 9999.
    if (next === null) {
      logger.error({ schedule: schedule.source }, 'retention schedule has no next run time, so scheduled retention stopped');
      return;
    }

    const delay = next.getTime() - now.getTime();
    timer = setTimeout(
      () => {
        if (delay > MAX_TIMER_DELAY_MS) {
          arm();
          return;
        }
        running = fire().finally(() => {
          running = undefined;
          arm();
        });
      },
      Math.min(delay, MAX_TIMER_DELAY_MS),
    );
    // A pending schedule alone must not keep the process alive.
    timer.unref();
    logger.debug({ schedule: schedule.source, nextRunAt: next.toISOString() }, 'retention run scheduled');
  };

  arm();
  logger.info({ schedule: schedule.source, timeZone: 'UTC' }, 'retention schedule started');

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      logger.info({ schedule: schedule.source }, 'retention schedule stopped');
    },
  };
}
