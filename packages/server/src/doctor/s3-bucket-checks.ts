import {
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  ListObjectsV2Command,
  S3ServiceException,
  type CORSRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CHECKSUM_SHA256_HEADER } from '@cloud-backup-sync/protocol';
import type { DoctorChecks } from './doctor-report.ts';
import { describeError, DOCTOR_KEY_PREFIX } from './round-trip-checks.ts';

/** S3 error codes that mean the access key or its signature is wrong, not the bucket. */
const CREDENTIAL_ERRORS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'AuthorizationHeaderMalformed']);

/**
 * Lists at most one key under the doctor's prefix: the cheapest call that
 * needs valid credentials, an existing bucket and read permission, and whose
 * error body (unlike HeadBucket's) names what is wrong.
 */
export async function checkCredentialsAndBucket(client: S3Client, bucket: string, checks: DoctorChecks): Promise<void> {
  try {
    await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${DOCTOR_KEY_PREFIX}/`, MaxKeys: 1 }));
    checks.record('credentials', 'ok', 'credentials-accepted', { bucket });
    checks.record('bucket', 'ok', 'bucket-reachable', { bucket });
  } catch (error) {
    if (!(error instanceof S3ServiceException)) {
      checks.record('credentials', 'fail', 'storage-unreachable', { detail: describeError(error) });
      return;
    }
    if (CREDENTIAL_ERRORS.has(error.name)) {
      checks.record('credentials', 'fail', 'credentials-rejected', { code: error.name });
      return;
    }

    checks.record('credentials', 'ok', 'credentials-accepted', { bucket });
    if (error.name === 'NoSuchBucket' || error.$metadata.httpStatusCode === 404) checks.record('bucket', 'fail', 'bucket-missing', { bucket });
    else checks.record('bucket', 'fail', 'bucket-denied', { bucket, code: error.name });
  }
}

/**
 * Checks that some CORS rule lets a browser PUT with the signed checksum
 * header and Content-Type, and that some rule lets it GET. Browsers need
 * these only when they reach the bucket directly; the Node.js agent does not.
 */
export async function checkCors(client: S3Client, bucket: string, checks: DoctorChecks): Promise<void> {
  let rules: CORSRule[];
  try {
    rules = (await client.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules ?? [];
  } catch (error) {
    if (error instanceof S3ServiceException && error.name === 'NoSuchCORSConfiguration') checks.record('cors', 'warn', 'cors-missing');
    else checks.record('cors', 'warn', 'cors-unreadable', { code: errorName(error) });
    return;
  }
  if (rules.length === 0) {
    checks.record('cors', 'warn', 'cors-missing');
    return;
  }

  const missing: string[] = [];
  const putHeaders = [CHECKSUM_SHA256_HEADER, 'content-type'];
  if (!rules.some((rule) => allowsMethod(rule, 'PUT') && putHeaders.every((header) => allowsHeader(rule, header)))) {
    missing.push(`PUT + ${putHeaders.join(', ')}`);
  }
  if (!rules.some((rule) => allowsMethod(rule, 'GET'))) missing.push('GET');

  if (missing.length === 0) checks.record('cors', 'ok', 'cors-ok', { rules: rules.length });
  else checks.record('cors', 'warn', 'cors-incomplete', { missing: missing.join('; ') });
}

/** Looks for an enabled rule that aborts incomplete multipart uploads, which otherwise keep costing storage. */
export async function checkLifecycle(client: S3Client, bucket: string, checks: DoctorChecks): Promise<void> {
  try {
    const rules = (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
    const abortRule = rules.find((rule) => rule.Status === 'Enabled' && rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation !== undefined);
    if (abortRule === undefined) checks.record('lifecycle', 'warn', 'lifecycle-no-abort-rule', { rules: rules.length });
    else checks.record('lifecycle', 'ok', 'lifecycle-ok', { days: abortRule.AbortIncompleteMultipartUpload?.DaysAfterInitiation ?? 0 });
  } catch (error) {
    if (error instanceof S3ServiceException && error.name === 'NoSuchLifecycleConfiguration') checks.record('lifecycle', 'warn', 'lifecycle-missing');
    else checks.record('lifecycle', 'warn', 'lifecycle-unreadable', { code: errorName(error) });
  }
}

function allowsMethod(rule: CORSRule, method: string): boolean {
  return (rule.AllowedMethods ?? []).some((allowed) => allowed.toUpperCase() === method) && (rule.AllowedOrigins ?? []).length > 0;
}

/** True when the rule allows `header`, counting `*` and prefix wildcards such as `x-amz-*`. */
function allowsHeader(rule: CORSRule, header: string): boolean {
  return (rule.AllowedHeaders ?? []).some((allowed) => {
    const pattern = allowed.toLowerCase();
    if (pattern.endsWith('*')) return header.startsWith(pattern.slice(0, -1));
    return pattern === header;
  });
}

function errorName(error: unknown): string {
  if (error instanceof S3ServiceException) return `${error.name} (HTTP ${error.$metadata.httpStatusCode ?? '?'})`;
  return describeError(error);
}
