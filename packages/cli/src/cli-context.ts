import { translate, type Locale } from '@cloud-backup-sync/protocol';
import { cliMessages, type CliMessageKey } from './messages.ts';

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Everything a command touches outside its arguments, so tests can run commands in-process. */
export interface CliContext {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  locale: Locale;
  /** Aborted on SIGINT or SIGTERM; long-running commands stop cleanly when it fires. */
  signal: AbortSignal;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function message(context: CliContext, key: CliMessageKey, params: Record<string, string | number> = {}): string {
  return translate(cliMessages, key, context.locale, params);
}

/** Base names of the `count.*` catalogue entries, each with a `.one` and an `.other` form. */
type CountKey = CliMessageKey extends infer K ? (K extends `count.${infer Base}.one` ? Base : never) : never;

/** Formats `count` with the singular entry for 1 and the plural one otherwise, as Spanish and English both do. */
export function countMessage(context: CliContext, key: CountKey, count: number): string {
  const form = count === 1 ? 'one' : 'other';
  return translate(cliMessages, `count.${key}.${form}`, context.locale, { count });
}

export function printLine(stream: OutputStream, text: string): void {
  stream.write(`${text}\n`);
}

/** Resolves when `signal` aborts (SIGINT or SIGTERM in the real command). */
export function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
