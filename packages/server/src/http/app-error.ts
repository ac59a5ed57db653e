import { errorStatus, type ErrorCode } from '@cloud-backup-sync/protocol';

export type ErrorParams = Record<string, string | number>;

/**
 * An error with a stable API code. The HTTP status comes from the protocol's
 * code table, and the error handler renders the message from the catalogue
 * with `params`, in the request's language.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;

  constructor(code: ErrorCode, params: ErrorParams = {}, options?: { cause?: unknown }) {
    super(`${code} ${JSON.stringify(params)}`, options);
    this.name = 'AppError';
    this.code = code;
    this.params = params;
  }

  get statusCode(): number {
    return errorStatus[this.code];
  }
}
