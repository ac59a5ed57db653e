/**
 * Stable error codes of the cloud API. Clients and tests match on `code`;
 * the HTTP status is fixed per code and the message comes from the catalogue
 * in `messages.ts`, in Spanish or English.
 */
export const errorStatus = {
  // 400: the request itself is wrong and changed nothing.
  MALFORMED_JSON: 400,
  INVALID_BODY: 400,
  INVALID_QUERY: 400,
  INVALID_ID: 400,
  INVALID_SHA256: 400,
  INVALID_SIZE: 400,
  INVALID_FILE_NAME: 400,
  INVALID_STORE_NAME: 400,
  INVALID_DEVICE_NAME: 400,
  SHA256_MISMATCH: 400,
  // 401/403: authentication and authorization.
  UNAUTHENTICATED: 401,
  INVALID_TOKEN: 401,
  INVALID_CRON_SECRET: 401,
  FORBIDDEN: 403,
  STORE_FORBIDDEN: 403,
  INVALID_SIGNATURE: 403,
  URL_EXPIRED: 403,
  // 404: unknown resource.
  NOT_FOUND: 404,
  STORE_NOT_FOUND: 404,
  BACKUP_NOT_FOUND: 404,
  DEVICE_NOT_FOUND: 404,
  // 409: the resource is in a state that does not allow the operation.
  STORE_EXISTS: 409,
  BACKUP_NOT_AVAILABLE: 409,
  BACKUP_DELETED: 409,
  UPLOAD_INCOMPLETE: 409,
  RETENTION_RUNNING: 409,
  // 413/415: transport limits.
  SIZE_TOO_LARGE: 413,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  // 429: too many failed authentication attempts from one address or with one token.
  TOO_MANY_ATTEMPTS: 429,
  // 422: the uploaded bytes failed verification; the backup is now FAILED.
  CHECKSUM_MISMATCH: 422,
  SIZE_MISMATCH: 422,
  // 5xx: the server or its storage failed.
  RETENTION_DISABLED: 503,
  STORAGE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
  // 400: the request URL itself cannot be decoded (bad percent-encoding).
  MALFORMED_URL: 400,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorStatus, value);
}
