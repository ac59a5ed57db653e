import { AppError, createLogger, runRetention, type RetentionResult } from '@cloud-backup-sync/server';
import { pino } from 'pino';
import { EXIT_FAILURE, EXIT_OK, message, printLine, type CliContext } from '../cli-context.ts';
import { parseFlags, UsageError } from '../flags.ts';
import { loadConfigOrReport } from './serve.ts';

/** Runs one retention pass against the configured database and storage, without the HTTP endpoint. */
export async function runRetentionCommand(context: CliContext, args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'run') {
    throw new UsageError(message(context, 'usage.unknownSubcommand', { command: subcommand ?? '', parent: 'retention' }));
  }

  const values = parseFlags(context, 'retention', rest, { json: { type: 'boolean' }, 'dry-run': { type: 'boolean' } });
  const config = loadConfigOrReport(context);
  if (!config) return EXIT_FAILURE;

  const dryRun = values['dry-run'] === true;
  const logger = createLogger(config.logLevel, pino.destination(2));
  let result: RetentionResult;
  try {
    result = await runRetention(config, { logger, dryRun });
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'RETENTION_RUNNING')) throw error;
    printLine(context.stderr, message(context, 'error.prefix', { message: message(context, 'retention.running') }));
    return EXIT_FAILURE;
  }

  if (values.json) {
    printLine(context.stdout, JSON.stringify({ success: true, ...result }));
    return EXIT_OK;
  }
  const params = {
    deleted: result.deleted,
    byAge: result.details.byAge,
    byCount: result.details.byCount,
    remaining: result.remaining,
    days: config.retention.days,
    maxCount: config.retention.maxCount,
    minKeep: config.retention.minKeep,
  };
  printLine(context.stdout, message(context, dryRun ? 'retention.dryRun' : 'retention.done', params));
  for (const backup of result.wouldDelete ?? []) {
    printLine(context.stdout, message(context, 'retention.wouldDelete', { ...backup, uploadedAt: backup.uploadedAt ?? '-' }));
  }
  return EXIT_OK;
}
