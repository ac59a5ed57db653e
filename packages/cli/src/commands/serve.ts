import { ConfigError, loadConfig, readEnv, startServer, type Config } from '@cloud-backup-sync/server';
import { EXIT_FAILURE, EXIT_OK, message, printLine, waitForAbort, type CliContext } from '../cli-context.ts';
import { parseFlags } from '../flags.ts';

export async function runServe(context: CliContext, args: string[]): Promise<number> {
  parseFlags(context, 'serve', args, {});
  const config = loadConfigOrReport(context);
  if (!config) return EXIT_FAILURE;

  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config);
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    printLine(context.stderr, message(context, 'error.prefix', { message: message(context, 'serve.addressInUse', { address: `${host}:${config.port}` }) }));
    return EXIT_FAILURE;
  }
  printLine(context.stdout, message(context, 'serve.listening', { url: server.url }));

  await waitForAbort(context.signal);
  printLine(context.stderr, message(context, 'serve.stopping'));
  await server.close();
  printLine(context.stderr, message(context, 'serve.stopped'));
  return EXIT_OK;
}

/**
 * Loads the server configuration from the environment and `.env`, printing
 * every invalid variable on its own line when it fails. Shared by `serve`
 * and `admin`, so both use the same DATA_DIR or DATABASE_URL.
 */
export function loadConfigOrReport(context: CliContext): Config | undefined {
  try {
    return loadConfig(readEnv());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    printLine(context.stderr, message(context, 'config.invalid'));
    for (const problem of error.problemsIn(context.locale)) printLine(context.stderr, `  ${problem}`);
    return undefined;
  }
}

function isAddressInUse(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EADDRINUSE';
}
