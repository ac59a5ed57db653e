import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Returns the process environment merged over a `.env` file in the working
 * directory, when one exists. Variables already set in the real environment
 * win over the file. This and `loadConfig` are the only readers of the
 * environment.
 */
export function readEnv(cwd: string = process.cwd()): Record<string, string | undefined> {
  const file = path.join(cwd, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}
