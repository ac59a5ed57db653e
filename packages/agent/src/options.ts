import { statSync } from 'node:fs';
import path from 'node:path';
import { idSchema, translate, type Locale } from '@cloud-backup-sync/protocol';
import { pino, type Logger } from 'pino';
import { agentMessages, type AgentMessageKey } from './agent-messages.ts';
import { BACKOFF_DELAYS_MS } from './retry-policy.ts';
import type { CloudSyncProgressEvent } from './sync-events.ts';

/** Default time between automatic passes: 15 minutes, the documented sync interval. */
export const DEFAULT_INTERVAL_MS = 15 * 60_000;
/** Default wait between the two looks at a backup's size and mtime. */
export const DEFAULT_SETTLE_MS = 2_000;
/** Default quiet time after `triggerAfterBackup()` before the pass starts. */
export const DEFAULT_TRIGGER_DELAY_MS = 5_000;
/**
 * Default time a `.zip` without an End Of Central Directory must stay unchanged before it is
 * reported as invalid instead of waited for. The POS application writes a backup in seconds,
 * so 10 minutes of silence means the writer stopped, not that it is still writing.
 */
export const DEFAULT_CORRUPT_AFTER_MS = 10 * 60_000;

const MAX_TIMER_MS = 2_147_483_647;

export interface CloudBackupSyncOptions {
  /** Folder where the POS application writes its `.zip` backups; `cloud-sync.json` lives here too. */
  backupsDir: string;
  /** Store that new backups belong to; 1 to 64 letters, digits, "-" or "_". */
  storeId: string;
  /** Base URL of the cloud API (http or https). Without it and `token`, passes only scan and hash. */
  apiUrl?: string;
  /** Device token or SUPERADMIN token sent as `Authorization: Bearer`. */
  token?: string;
  /** pino logger; defaults to a pino logger at info level on stdout. */
  logger?: Logger;
  /** Language of stored error texts and of API error messages; default "es". */
  locale?: Locale;
  /** Milliseconds between automatic passes; default 15 minutes. */
  intervalMs?: number;
  /** Milliseconds a backup's size and mtime must hold still before it counts as complete; default 2 000. */
  settleMs?: number;
  /** Milliseconds of quiet after the last `triggerAfterBackup()` call before its pass starts; default 5 000. */
  triggerDelayMs?: number;
  /** Milliseconds without upload progress before a PUT is abandoned; default 120 000. */
  uploadIdleTimeoutMs?: number;
  /**
   * Milliseconds a `.zip` without a zip End Of Central Directory must keep the same size and
   * mtime before it is reported in the pass summary's `invalid`. Default 10 minutes.
   */
  corruptAfterMs?: number;
  /**
   * Milliseconds to wait after the 1st, 2nd, … failed attempt of a backup; the last value
   * repeats. Default 1, 5, 15 and 60 minutes (`BACKOFF_DELAYS_MS`). Tests pass short ones.
   */
  backoffDelaysMs?: readonly number[];
  /** Clock for timestamps and backoff; tests pass a fake one. Timers still use real time. */
  now?: () => Date;
  /** Receives hashing and upload progress and per-backup outcomes, for progress bars. */
  onProgress?: (event: CloudSyncProgressEvent) => void;
}

export interface ResolvedOptions {
  backupsDir: string;
  storeId: string;
  auth: { apiUrl: string; token: string } | undefined;
  logger: Logger;
  locale: Locale;
  intervalMs: number;
  settleMs: number;
  triggerDelayMs: number;
  uploadIdleTimeoutMs: number | undefined;
  corruptAfterMs: number;
  backoffDelaysMs: readonly number[];
  now: () => Date;
  onProgress: ((event: CloudSyncProgressEvent) => void) | undefined;
}

/** An invalid constructor option or `setAuth` argument; `option` names it. */
export class InvalidOptionError extends Error {
  readonly option: string;

  constructor(option: string, message: string) {
    super(message);
    this.name = 'InvalidOptionError';
    this.option = option;
  }
}

/** Validates every option and fills in the defaults; throws `InvalidOptionError` naming the first bad one. */
export function resolveOptions(options: CloudBackupSyncOptions): ResolvedOptions {
  const locale = resolveLocale(options.locale);
  const message = (key: AgentMessageKey, params: Record<string, string | number>): string =>
    translate(agentMessages, key, locale, params);

  const backupsDir = path.resolve(String(options.backupsDir));
  let isFolder: boolean;
  try {
    isFolder = statSync(backupsDir).isDirectory();
  } catch (cause) {
    const error = new InvalidOptionError('backupsDir', message('OPTION_BACKUPS_DIR_MISSING', { value: backupsDir }));
    error.cause = cause;
    throw error;
  }
  if (!isFolder) throw new InvalidOptionError('backupsDir', message('OPTION_BACKUPS_DIR_NOT_FOLDER', { value: backupsDir }));

  if (!idSchema.safeParse(options.storeId).success) {
    throw new InvalidOptionError('storeId', message('OPTION_STORE_ID', { value: String(options.storeId) }));
  }

  const auth =
    options.apiUrl === undefined && options.token === undefined
      ? undefined
      : validateAuth(options.apiUrl, options.token, locale);

  return {
    backupsDir,
    storeId: options.storeId,
    auth,
    logger: options.logger ?? pino({ name: 'cloud-backup-sync' }),
    locale,
    intervalMs: resolveDuration('intervalMs', options.intervalMs, DEFAULT_INTERVAL_MS, 1, locale),
    settleMs: resolveDuration('settleMs', options.settleMs, DEFAULT_SETTLE_MS, 0, locale),
    triggerDelayMs: resolveDuration('triggerDelayMs', options.triggerDelayMs, DEFAULT_TRIGGER_DELAY_MS, 0, locale),
    uploadIdleTimeoutMs:
      options.uploadIdleTimeoutMs === undefined
        ? undefined
        : resolveDuration('uploadIdleTimeoutMs', options.uploadIdleTimeoutMs, 0, 1, locale),
    corruptAfterMs: resolveDuration('corruptAfterMs', options.corruptAfterMs, DEFAULT_CORRUPT_AFTER_MS, 0, locale),
    backoffDelaysMs: resolveBackoffDelays(options.backoffDelaysMs, locale),
    now: options.now ?? (() => new Date()),
    onProgress: options.onProgress,
  };
}

/**
 * Validates an API URL and token, from options, `setAuth` or the renderer over IPC.
 * Takes `unknown` because IPC arguments arrive untyped. The URL must be http(s) and
 * the token a non-empty string.
 */
export function validateAuth(apiUrl: unknown, token: unknown, locale: Locale): { apiUrl: string; token: string } {
  if (typeof apiUrl !== 'string' || !isHttpUrl(apiUrl)) {
    throw new InvalidOptionError('apiUrl', translate(agentMessages, 'OPTION_API_URL', locale, { value: String(apiUrl) }));
  }
  if (typeof token !== 'string' || token.trim() === '') {
    throw new InvalidOptionError('token', translate(agentMessages, 'OPTION_TOKEN', locale));
  }
  return { apiUrl, token };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    // new URL throws TypeError for anything unparsable; that is exactly "not an http(s) URL".
    return false;
  }
}

function resolveLocale(value: unknown): Locale {
  if (value === undefined) return 'es';
  if (value === 'es' || value === 'en') return value;
  throw new InvalidOptionError('locale', translate(agentMessages, 'OPTION_LOCALE', 'es', { value: String(value) }));
}

function resolveDuration(option: string, value: unknown, fallback: number, min: number, locale: Locale): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_TIMER_MS) return value;
  throw new InvalidOptionError(
    option,
    translate(agentMessages, 'OPTION_DURATION', locale, { option, value: String(value), min, max: MAX_TIMER_MS }),
  );
}

function resolveBackoffDelays(value: unknown, locale: Locale): readonly number[] {
  if (value === undefined) return BACKOFF_DELAYS_MS;
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidOptionError(
      'backoffDelaysMs',
      translate(agentMessages, 'OPTION_BACKOFF_DELAYS', locale, { value: JSON.stringify(value) ?? String(value), max: MAX_TIMER_MS }),
    );
  }
  return value.map((delay: unknown, index) => resolveDuration(`backoffDelaysMs[${index}]`, delay, 0, 0, locale));
}
