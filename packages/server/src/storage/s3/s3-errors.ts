import { S3ServiceException } from '@aws-sdk/client-s3';
import { AppError } from '../../http/app-error.ts';

/** True for HeadObject's bare 404 (`NotFound`) and GetObject's `NoSuchKey`. */
export function isObjectNotFound(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.name === 'NotFound' || error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404;
}

const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);

/**
 * Converts failures to reach the provider (connection errors, timeouts,
 * 5xx responses such as 503 SlowDown) into STORAGE_UNAVAILABLE, and returns
 * every other error unchanged for the caller to rethrow.
 */
export function translateS3Error(error: unknown, operation: string): unknown {
  if (error instanceof S3ServiceException) {
    const status = error.$metadata.httpStatusCode ?? 0;
    if (status >= 500) return new AppError('STORAGE_UNAVAILABLE', { detail: `${operation}: HTTP ${status} ${error.name}` }, { cause: error });
    return error;
  }

  if (error instanceof Error && (error.name === 'TimeoutError' || hasNetworkCode(error) || hasNetworkCode(error.cause))) {
    return new AppError('STORAGE_UNAVAILABLE', { detail: `${operation}: ${error.message}` }, { cause: error });
  }
  return error;
}

function hasNetworkCode(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(hasNetworkCode);
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && NETWORK_ERROR_CODES.has(error.code);
}

/**
 * Turns HeadBucket's bare 404 and 403 (HEAD responses have no error body)
 * into start-up errors that name the variables to fix; undefined for others.
 */
export function describeBucketError(error: unknown, bucket: string): Error | undefined {
  if (!(error instanceof S3ServiceException)) return undefined;

  const status = error.$metadata.httpStatusCode;
  if (status === 404) {
    return new Error(`S3 bucket "${bucket}" does not exist at this endpoint: check S3_BUCKET_NAME, S3_ENDPOINT and S3_REGION`, { cause: error });
  }
  if (status === 403 || status === 401) {
    return new Error(
      `S3 denied access to bucket "${bucket}": check S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and the key's permissions on the bucket`,
      { cause: error },
    );
  }
  return undefined;
}
