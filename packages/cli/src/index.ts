export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliContext, type OutputStream } from './cli-context.ts';
export { main } from './main.ts';
export { cliMessages, localeFromEnv, type CliMessageKey } from './messages.ts';
export { createProgress, formatBytes, type ProgressReporter } from './progress.ts';
