import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pino, type Logger } from 'pino';
import yazl from 'yazl';

/** Creates a temporary folder and returns it with a function that removes it. */
export async function makeTempDir(prefix = 'agent-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a real zip archive holding one entry of `contentBytes` random bytes (stored, not compressed). */
export async function writeZip(filePath: string, contentBytes = 4096, entryName = 'data.bin'): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(randomBytes(contentBytes), entryName, { compress: false });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(filePath));
  return readFile(filePath);
}

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** Creates a pino logger that keeps every record in memory, for asserting warnings. */
export function captureLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        records.push(JSON.parse(line) as LogRecord);
      },
    },
  );
  return { logger, records };
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** pino's numeric level for warn. */
export const WARN = 40;
