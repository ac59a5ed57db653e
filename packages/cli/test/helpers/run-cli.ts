import type { Locale } from '@cloud-backup-sync/protocol';
import { main } from '../../src/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `backup-sync` in-process with captured output and a clean environment. */
export async function runCli(
  argv: string[],
  options: { locale?: Locale; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? {},
    locale: options.locale ?? 'en',
    signal: options.signal ?? new AbortController().signal,
  });
  return { code, stdout, stderr };
}
