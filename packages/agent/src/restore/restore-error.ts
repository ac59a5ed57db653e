import { translate, type Locale } from '@cloud-backup-sync/protocol';
import { restoreMessages, type RestoreErrorCode } from './restore-messages.ts';

/**
 * A restore that stopped before anything was put in the target folder.
 * `code` is stable for callers and tests; `params` holds the values named in
 * the message (entry name, sizes, hashes), and the message is in `locale`.
 */
export class RestoreError extends Error {
  readonly code: RestoreErrorCode;
  readonly params: Record<string, string | number>;

  constructor(
    code: RestoreErrorCode,
    params: Record<string, string | number>,
    locale: Locale,
    options?: { cause?: unknown },
  ) {
    super(translate(restoreMessages, code, locale, params), options);
    this.name = 'RestoreError';
    this.code = code;
    this.params = params;
  }
}
