import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/config.ts';

/**
 * Creates the server's logger. Headers are never logged, and the request
 * serializer drops the query string, which carries presigned-URL signatures.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-cron-secret"]', 'headers.authorization', 'headers["x-cron-secret"]'],
      censor: '[redacted]',
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** Returns the path of a request URL without its query string. */
export function pathOnly(url: string): string {
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? url : url.slice(0, queryStart);
}
