import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { PresignedUpload, StorageDriver } from '../storage/storage-driver.ts';
import type { DoctorChecks } from './doctor-report.ts';

/** Size of the doctor's test object: small, but more than one TCP packet. */
const TEST_OBJECT_BYTES = 64 * 1024;

/** Clock difference above which presigned URLs may be rejected as not yet valid or expired early. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/** Prefix of every object the doctor writes, so a leftover is easy to recognise. */
export const DOCTOR_KEY_PREFIX = 'doctor-check';

const URL_TTL_SECONDS = 300;

/**
 * Runs the checks every driver supports through its own presigned URLs:
 * PUT with the signed checksum header, a PUT of altered bytes, GET, delete,
 * and the deletion of every object written. Records the provider's `Date`
 * header in `dates` for the clock check.
 */
export async function runRoundTripChecks(
  driver: StorageDriver,
  checks: DoctorChecks,
  options: { logger: Logger; dates: Date[] },
): Promise<void> {
  const runId = randomUUID();
  const objectKey = `${DOCTOR_KEY_PREFIX}/${runId}.bin`;
  const alteredKey = `${DOCTOR_KEY_PREFIX}/${runId}-altered.bin`;
  const bytes = randomBytes(TEST_OBJECT_BYTES);
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  try {
    const stored = await checkPut(driver, checks, { objectKey, bytes, sha256, dates: options.dates });
    await checkAlteredBytes(driver, checks, { objectKey: alteredKey, bytes, sha256 });
    if (stored) {
      await checkGet(driver, checks, { objectKey, sha256, dates: options.dates });
      await checkDelete(driver, checks, objectKey);
    }
  } finally {
    await cleanUp(driver, checks, [objectKey, alteredKey], options.logger);
  }
}

/** Presigns a PUT bound to the test object's size and SHA-256, with the checksum signed as a header. */
function presignTestUpload(driver: StorageDriver, test: { objectKey: string; bytes: Buffer; sha256: string }): Promise<PresignedUpload> {
  return driver.presignUpload({
    objectKey: test.objectKey,
    sizeBytes: test.bytes.length,
    sha256: test.sha256,
    expiresIn: URL_TTL_SECONDS,
    checksumHeader: true,
  });
}

async function checkPut(
  driver: StorageDriver,
  checks: DoctorChecks,
  test: { objectKey: string; bytes: Buffer; sha256: string; dates: Date[] },
): Promise<boolean> {
  const presigned = await presignTestUpload(driver, test);

  let response: Response;
  try {
    response = await fetch(presigned.url, { method: 'PUT', body: test.bytes, headers: presigned.headers });
  } catch (error) {
    checks.record('put', 'fail', 'put-failed', { detail: describeError(error) });
    return false;
  }
  const body = await response.text();
  recordDate(response, test.dates);

  if (!response.ok) {
    checks.record('put', 'fail', 'put-rejected', { status: response.status, code: errorCodeOf(body) });
    return false;
  }
  checks.record('put', 'ok', 'put-accepted', { bytes: test.bytes.length });
  return true;
}

/** Sends bytes that differ from the signed SHA-256; a provider that checks the signed header rejects them. */
async function checkAlteredBytes(
  driver: StorageDriver,
  checks: DoctorChecks,
  test: { objectKey: string; bytes: Buffer; sha256: string },
): Promise<void> {
  const altered = Buffer.from(test.bytes);
  altered[0] = (altered[0] ?? 0) ^ 0xff;
  const presigned = await presignTestUpload(driver, test);

  let response: Response;
  try {
    response = await fetch(presigned.url, { method: 'PUT', body: altered, headers: presigned.headers });
  } catch (error) {
    checks.record('altered-bytes', 'fail', 'altered-failed', { detail: describeError(error) });
    return;
  }
  const body = await response.text();

  if (response.status >= 400 && response.status < 500) {
    checks.record('altered-bytes', 'ok', 'altered-rejected', { status: response.status, code: errorCodeOf(body) });
  } else if (response.ok) {
    checks.record('altered-bytes', 'warn', 'altered-not-checked', { status: response.status });
  } else {
    checks.record('altered-bytes', 'fail', 'altered-failed', { detail: `HTTP ${response.status} ${errorCodeOf(body)}` });
  }
}

async function checkGet(driver: StorageDriver, checks: DoctorChecks, test: { objectKey: string; sha256: string; dates: Date[] }): Promise<void> {
  const url = await driver.presignDownload({ objectKey: test.objectKey, fileName: 'doctor-check.bin', expiresIn: URL_TTL_SECONDS });

  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    checks.record('get', 'fail', 'get-rejected', { status: 0, code: describeError(error) });
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  recordDate(response, test.dates);

  if (!response.ok) {
    checks.record('get', 'fail', 'get-rejected', { status: response.status, code: errorCodeOf(body.toString('utf8')) });
    return;
  }
  const actual = createHash('sha256').update(body).digest('hex');
  if (actual !== test.sha256) {
    checks.record('get', 'fail', 'get-different', { expected: test.sha256, actual });
    return;
  }
  checks.record('get', 'ok', 'get-same', { bytes: body.length });
}

async function checkDelete(driver: StorageDriver, checks: DoctorChecks, objectKey: string): Promise<void> {
  try {
    await driver.deleteObject(objectKey);
    const after = await driver.stat(objectKey);
    if (after === null) checks.record('delete', 'ok', 'delete-removed');
    else checks.record('delete', 'fail', 'delete-still-there', { objectKey });
  } catch (error) {
    checks.record('delete', 'fail', 'delete-failed', { detail: describeError(error) });
  }
}

/** Deletes every key the doctor may have written, whatever happened before, and reports any that remain. */
async function cleanUp(driver: StorageDriver, checks: DoctorChecks, objectKeys: string[], logger: Logger): Promise<void> {
  const remaining: string[] = [];
  for (const objectKey of objectKeys) {
    try {
      await driver.deleteObject(objectKey);
      if ((await driver.stat(objectKey)) !== null) remaining.push(objectKey);
    } catch (error) {
      logger.warn({ err: error, objectKey }, 'doctor could not delete its test object');
      remaining.push(objectKey);
    }
  }

  if (remaining.length === 0) checks.record('cleanup', 'ok', 'cleanup-done', { count: objectKeys.length });
  else checks.record('cleanup', 'fail', 'cleanup-failed', { keys: remaining.join(', ') });
}

function recordDate(response: Response, dates: Date[]): void {
  const header = response.headers.get('date');
  if (header === null) return;
  const date = new Date(header);
  if (!Number.isNaN(date.getTime())) dates.push(date);
}

/** Extracts the code of an S3 XML error or of this API's JSON error; the HTTP status alone otherwise. */
function errorCodeOf(body: string): string {
  const xmlCode = /<Code>([^<]{1,100})<\/Code>/.exec(body)?.[1];
  if (xmlCode !== undefined) return xmlCode;
  const jsonCode = /"code"\s*:\s*"([A-Z_]{1,60})"/.exec(body)?.[1];
  return jsonCode ?? '-';
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
