import path from 'node:path';
import { CronExpressionError, parseCronExpression, type CronExpression } from '../schedule/cron-expression.ts';

/** Storage of the backups: a folder of the server's own, or an S3-compatible bucket. */
export type StorageConfig =
  | { kind: 'filesystem'; objectsDir: string }
  | {
      kind: 's3';
      accessKeyId: string;
      secretAccessKey: string;
      bucket: string;
      region: string;
      /** Custom endpoint for non-AWS providers (R2, B2, MinIO); undefined for AWS itself. */
      endpoint: string | undefined;
      forcePathStyle: boolean;
    };

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The server's whole configuration, parsed and validated once by `loadConfig`. */
export interface Config {
  port: number;
  host: string;
  /**
   * Base URL that clients use to reach this server, for the filesystem
   * driver's signed URLs. Undefined means `http://HOST:PORT` with the port
   * the server actually listens on (so PORT=0 works).
   */
  publicUrl: string | undefined;
  dataDir: string;
  database: DatabaseConfig;
  storage: StorageConfig;
  retention: {
    /** Age in days (since upload) after which retention deletes an AVAILABLE backup. */
    days: number;
    /** Number of newest AVAILABLE backups kept per store. */
    maxCount: number;
    /** Number of newest AVAILABLE backups every store keeps whatever their age; at most `maxCount`. */
    minKeep: number;
    /** When the server runs retention by itself (UTC); null when RETENTION_SCHEDULE is `off`. */
    schedule: CronExpression | null;
  };
  /** Secret of `POST /api/cloud-backups/retention-run`; undefined disables that endpoint. */
  cronSecret: string | undefined;
  authFailures: {
    /** Failed authentications allowed per source address and per presented token within the window. */
    limit: number;
    /** Length of the sliding window, in seconds. */
    windowSeconds: number;
  };
  logLevel: LogLevel;
}

/** One invalid variable, described in English and Spanish. */
export interface ConfigProblem {
  en: string;
  es: string;
}

/** Raised by `loadConfig` with one entry per invalid variable. */
export class ConfigError extends Error {
  /** One line per invalid variable, English then Spanish, for logs. */
  readonly problems: string[];
  readonly localizedProblems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const lines = problems.map((problem) => `${problem.en} / ${problem.es}`);
    super(`Invalid configuration:\n${lines.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = lines;
    this.localizedProblems = problems;
  }

  /** Returns one line per invalid variable in the user's language. */
  problemsIn(locale: 'es' | 'en'): string[] {
    return this.localizedProblems.map((problem) => problem[locale]);
  }
}

export const MIN_CRON_SECRET_LENGTH = 32;

/** Default of BACKUP_MIN_KEEP: newest AVAILABLE backups per store that retention never deletes. */
export const DEFAULT_MIN_KEEP = 3;

/** Daily at 03:00 UTC, the time of the documented crontab example. */
export const DEFAULT_RETENTION_SCHEDULE = '0 3 * * *';

const S3_VARIABLES = [
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_BUCKET_NAME',
  'S3_REGION',
  'S3_ENDPOINT',
  'S3_FORCE_PATH_STYLE',
] as const;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

type Env = Record<string, string | undefined>;

/**
 * Parses and validates the environment into a `Config`. Every problem is
 * collected before raising, so one start-up attempt lists all of them.
 * Empty values count as unset, as in the documented `.env` example
 * (`S3_ENDPOINT=`).
 */
export function loadConfig(env: Env): Config {
  const problems: ConfigProblem[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const port = parseInteger(read('PORT'), 'PORT', { min: 0, max: 65535, fallback: 8080 }, problems);
  const host = read('HOST') ?? '127.0.0.1';
  const publicUrl = parsePublicUrl(read('PUBLIC_URL'), problems);
  const dataDir = path.resolve(read('DATA_DIR') ?? './data');
  const database = parseDatabase(read('DATABASE_URL'), dataDir, problems);
  const storage = parseStorage(read, dataDir, problems);
  const days = parseInteger(read('BACKUP_RETENTION_DAYS'), 'BACKUP_RETENTION_DAYS', { min: 1, max: 36500, fallback: 30 }, problems);
  const maxCount = parseInteger(read('BACKUP_MAX_COUNT'), 'BACKUP_MAX_COUNT', { min: 1, max: 1_000_000, fallback: 100 }, problems);
  const minKeep = parseInteger(read('BACKUP_MIN_KEEP'), 'BACKUP_MIN_KEEP', { min: 1, max: 1_000_000, fallback: DEFAULT_MIN_KEEP }, problems);
  checkMinKeep(minKeep, maxCount, problems);
  const schedule = parseSchedule(read('RETENTION_SCHEDULE'), problems);
  const cronSecret = parseCronSecret(env['CRON_SECRET'], problems);
  const authFailureLimit = parseInteger(read('AUTH_FAILURE_LIMIT'), 'AUTH_FAILURE_LIMIT', { min: 1, max: 1_000_000, fallback: 20 }, problems);
  const authFailureWindowSeconds = parseInteger(
    read('AUTH_FAILURE_WINDOW_SECONDS'),
    'AUTH_FAILURE_WINDOW_SECONDS',
    { min: 1, max: 86_400, fallback: 600 },
    problems,
  );
  const logLevel = parseLogLevel(read('LOG_LEVEL'), problems);

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port,
    host,
    publicUrl,
    dataDir,
    database,
    storage,
    retention: { days, maxCount, minKeep, schedule },
    cronSecret,
    authFailures: { limit: authFailureLimit, windowSeconds: authFailureWindowSeconds },
    logLevel,
  };
}

function parseInteger(
  raw: string | undefined,
  name: string,
  limits: { min: number; max: number; fallback: number },
  problems: ConfigProblem[],
): number {
  if (raw === undefined) return limits.fallback;

  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < limits.min || value > limits.max) {
    problems.push({
      en: `${name}="${raw}" is invalid: use a whole number from ${limits.min} to ${limits.max}.`,
      es: `${name}="${raw}" no es válido: use un número entero de ${limits.min} a ${limits.max}.`,
    });
    return limits.fallback;
  }
  return value;
}

function checkMinKeep(minKeep: number, maxCount: number, problems: ConfigProblem[]): void {
  if (minKeep <= maxCount) return;

  problems.push({
      en: `BACKUP_MIN_KEEP=${minKeep} is greater than BACKUP_MAX_COUNT=${maxCount}: a store cannot keep more than its maximum, so lower BACKUP_MIN_KEEP or raise BACKUP_MAX_COUNT.`,
      es: `BACKUP_MIN_KEEP=${minKeep} es mayor que BACKUP_MAX_COUNT=${maxCount}: una tienda no puede conservar más que su máximo, así que baje BACKUP_MIN_KEEP o suba BACKUP_MAX_COUNT.`,
    });
}

function parseSchedule(raw: string | undefined, problems: ConfigProblem[]): CronExpression | null {
  const text = raw ?? DEFAULT_RETENTION_SCHEDULE;
  if (text.toLowerCase() === 'off') return null;

  try {
    return parseCronExpression(text);
  } catch (error) {
    if (!(error instanceof CronExpressionError)) throw error;
    problems.push({
      en: `RETENTION_SCHEDULE="${text}" is invalid (${error.message}): use five cron fields in UTC such as "0 3 * * *", or "off" to disable the built-in schedule.`,
      es: `RETENTION_SCHEDULE="${text}" no es válida (${error.message}): use cinco campos cron en UTC, por ejemplo "0 3 * * *", u "off" para desactivar la programación interna.`,
    });
    return null;
  }
}

function parsePublicUrl(raw: string | undefined, problems: ConfigProblem[]): string | undefined {
  if (raw === undefined) return undefined;

  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) {
    problems.push({
      en: `PUBLIC_URL="${raw}" is invalid: use an http:// or https:// URL such as https://backups.example.com.`,
      es: `PUBLIC_URL="${raw}" no es válida: use una URL http:// o https://, por ejemplo https://backups.example.com.`,
    });
    return undefined;
  }
  return raw.replace(/\/+$/, '');
}

function parseDatabase(raw: string | undefined, dataDir: string, problems: ConfigProblem[]): DatabaseConfig {
  const sqlite: DatabaseConfig = { kind: 'sqlite', file: path.join(dataDir, 'cloud-backup-sync.db') };
  if (raw === undefined) return sqlite;

  if (/^postgres(ql)?:\/\//.test(raw) && URL.canParse(raw)) return { kind: 'postgres', url: raw };

  // The value may contain a password, so only its scheme is repeated.
  const scheme = raw.split(':')[0] ?? '';
  problems.push({
      en: `DATABASE_URL (scheme "${scheme}") is invalid: use postgres://user:password@host:5432/database, or leave it unset for SQLite in DATA_DIR.`,
      es: `DATABASE_URL (esquema "${scheme}") no es válida: use postgres://usuario:clave@host:5432/base, o déjela vacía para usar SQLite en DATA_DIR.`,
    });
  return sqlite;
}

function parseStorage(read: (name: string) => string | undefined, dataDir: string, problems: ConfigProblem[]): StorageConfig {
  const anyS3 = S3_VARIABLES.some((name) => read(name) !== undefined);
  if (!anyS3) return { kind: 'filesystem', objectsDir: path.join(dataDir, 'objects') };

  const required = (name: string): string => {
    const value = read(name);
    if (value === undefined) {
      problems.push({
      en: `${name} is missing: S3 storage is enabled because another S3_ variable is set, so set ${name} too, or unset every S3_ variable to use the filesystem.`,
      es: `Falta ${name}: el almacenamiento S3 está activo porque hay otra variable S3_, así que defina ${name}, o quite todas las S3_ para usar el disco local.`,
    });
    }
    return value ?? '';
  };

  const accessKeyId = required('S3_ACCESS_KEY_ID');
  const secretAccessKey = required('S3_SECRET_ACCESS_KEY');
  const bucket = required('S3_BUCKET_NAME');
  const region = required('S3_REGION');
  const endpoint = read('S3_ENDPOINT');
  if (endpoint !== undefined && (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol))) {
    problems.push({
      en: `S3_ENDPOINT="${endpoint}" is invalid: use an http:// or https:// URL, or leave it empty for AWS.`,
      es: `S3_ENDPOINT="${endpoint}" no es válida: use una URL http:// o https://, o déjela vacía para AWS.`,
    });
  }
  const forcePathStyle = parseBoolean(read('S3_FORCE_PATH_STYLE'), 'S3_FORCE_PATH_STYLE', problems);

  return { kind: 's3', accessKeyId, secretAccessKey, bucket, region, endpoint, forcePathStyle };
}

function parseBoolean(raw: string | undefined, name: string, problems: ConfigProblem[]): boolean {
  if (raw === undefined) return false;

  const lower = raw.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  problems.push({
      en: `${name}="${raw}" is invalid: use true or false.`,
      es: `${name}="${raw}" no es válido: use true o false.`,
    });
  return false;
}

function parseCronSecret(raw: string | undefined, problems: ConfigProblem[]): string | undefined {
  if (raw === undefined || raw === '') return undefined;

  // The secret itself is never repeated in the message, only its length.
  if (raw.length < MIN_CRON_SECRET_LENGTH) {
    problems.push({
      en: `CRON_SECRET is too short (${raw.length} characters): use at least ${MIN_CRON_SECRET_LENGTH} random characters, e.g. the output of "openssl rand -hex 32", or unset it to disable retention over HTTP.`,
      es: `CRON_SECRET es demasiado corto (${raw.length} caracteres): use al menos ${MIN_CRON_SECRET_LENGTH} caracteres aleatorios, por ejemplo la salida de "openssl rand -hex 32", o quítelo para desactivar la retención por HTTP.`,
    });
    return undefined;
  }
  return raw;
}

function parseLogLevel(raw: string | undefined, problems: ConfigProblem[]): LogLevel {
  if (raw === undefined) return 'info';

  const level = LOG_LEVELS.find((candidate) => candidate === raw.toLowerCase());
  if (level === undefined) {
    problems.push({
      en: `LOG_LEVEL="${raw}" is invalid: use one of ${LOG_LEVELS.join(', ')}.`,
      es: `LOG_LEVEL="${raw}" no es válido: use uno de ${LOG_LEVELS.join(', ')}.`,
    });
    return 'info';
  }
  return level;
}
