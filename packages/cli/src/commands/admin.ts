import { createSuperadmin } from '@cloud-backup-sync/server';
import { EXIT_FAILURE, EXIT_OK, message, printLine, type CliContext } from '../cli-context.ts';
import { parseFlags, requireEmail, UsageError } from '../flags.ts';
import { createOneShotLogger } from '../one-shot-logger.ts';
import { loadConfigOrReport } from './serve.ts';

export async function runAdmin(context: CliContext, args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'create-superadmin') {
    throw new UsageError(message(context, 'usage.unknownSubcommand', { command: subcommand ?? '', parent: 'admin' }));
  }

  const values = parseFlags(context, 'admin', rest, { email: { type: 'string' }, json: { type: 'boolean' } });
  const email = requireEmail(context, values);
  const config = loadConfigOrReport(context);
  if (!config) return EXIT_FAILURE;

  // The server's log goes to standard error so that --json leaves only the JSON on standard output.
  const logger = createOneShotLogger(config);
  const { token } = await createSuperadmin(config, email, { logger });

  if (values.json) {
    printLine(context.stdout, JSON.stringify({ token }));
  } else {
    printLine(context.stderr, message(context, 'admin.created', { email }));
    printLine(context.stdout, token);
  }
  return EXIT_OK;
}
