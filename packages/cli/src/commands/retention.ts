import { createLogger, runRetention } from '@cloud-backup-sync/server';
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

  const values = parseFlags(context, 'retention', rest, { json: { type: 'boolean' } });
  const config = loadConfigOrReport(context);
  if (!config) return EXIT_FAILURE;

  const logger = createLogger(config.logLevel, pino.destination(2));
  const result = await runRetention(config, { logger });

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
  };
  printLine(context.stdout, message(context, 'retention.done', params));
  return EXIT_OK;
}
