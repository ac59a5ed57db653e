import { createLogger, readEnv, type Config } from '@cloud-backup-sync/server';
import { pino, type Logger } from 'pino';

/**
 * Creates the server logger of a one-shot command (`admin create-superadmin`, `retention run`)
 * on standard error. Its level is warn unless LOG_LEVEL is set (in the environment or .env),
 * because the command prints its own result and info records such as "database migrated"
 * would only bury it.
 */
export function createOneShotLogger(config: Config): Logger {
  const levelGiven = (readEnv().LOG_LEVEL ?? '') !== '';
  return createLogger(levelGiven ? config.logLevel : 'warn', pino.destination(2));
}
