import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../src/api-client.ts';
import { BACKOFF_DELAYS_MS, MAX_ATTEMPTS, backoffDelayMs, decideRetry } from '../src/retry-policy.ts';
import { ShortReadError, UploadError } from '../src/uploader.ts';

const MINUTE = 60_000;

describe('backoffDelayMs', () => {
  it('follows 1, 5, 15, 60 minutes then stays at 60', () => {
    const delays = [1, 2, 3, 4, 5, 6, 9].map((failures) => backoffDelayMs(failures));
    assert.deepEqual(delays, [1 * MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE, 60 * MINUTE, 60 * MINUTE, 60 * MINUTE]);
    assert.deepEqual(BACKOFF_DELAYS_MS, [MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE]);
  });
});

describe('decideRetry', () => {
  const network = new ApiError('NETWORK_ERROR', 0, 'connect ECONNREFUSED');

  it('retries transient failures later with the backoff of the attempt', () => {
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt += 1) {
      const decision = decideRetry(network, { attempt, canRetryNow: true });
      assert.equal(decision.action, 'retry-later', `attempt ${attempt}`);
      assert.equal(decision.action === 'retry-later' && decision.delayMs, backoffDelayMs(attempt));
    }
  });

  it('fails on the tenth attempt', () => {
    assert.equal(MAX_ATTEMPTS, 10);
    const decision = decideRetry(network, { attempt: 10, canRetryNow: true });
    assert.equal(decision.action, 'fail');
    assert.equal(decision.action === 'fail' && decision.exhausted, true);
  });

  it('treats 5xx, 429 and 408 as transient', () => {
    for (const [code, status] of [['INTERNAL_ERROR', 500], ['STORAGE_UNAVAILABLE', 503], ['RATE_LIMITED', 429], ['TIMEOUT', 408]] as const) {
      const decision = decideRetry(new ApiError(code, status, 'x'), { attempt: 1, canRetryNow: true });
      assert.equal(decision.action, 'retry-later', code);
    }
  });

  it('fails errors about the file at once', () => {
    for (const [code, status] of [
      ['INVALID_FILE_NAME', 400],
      ['SIZE_TOO_LARGE', 413],
    ] as const) {
      const decision = decideRetry(new ApiError(code, status, 'x'), { attempt: 1, canRetryNow: true });
      assert.equal(decision.action, 'fail', code);
      assert.equal(decision.action === 'fail' && decision.exhausted, undefined, code);
    }
  });

  it('keeps configuration errors pending without limit', () => {
    for (const [code, status] of [
      ['STORE_NOT_FOUND', 404],
      ['INVALID_TOKEN', 401],
      ['UNAUTHENTICATED', 401],
      ['FORBIDDEN', 403],
      ['STORE_FORBIDDEN', 403],
    ] as const) {
      const first = decideRetry(new ApiError(code, status, 'x'), { attempt: 1, canRetryNow: true });
      assert.deepEqual(first.action === 'retry-later' && first.delayMs, backoffDelayMs(1), code);
      const late = decideRetry(new ApiError(code, status, 'x'), { attempt: MAX_ATTEMPTS + 5, canRetryNow: true });
      assert.deepEqual(late.action === 'retry-later' && late.delayMs, backoffDelayMs(MAX_ATTEMPTS + 5), code);
    }
  });

  it('uses injected backoff delays', () => {
    const network = new ApiError('NETWORK_ERROR', 0, 'x');
    const delays = [10, 20];
    const decisions = [1, 2, 3].map((attempt) => decideRetry(network, { attempt, canRetryNow: true, backoffDelaysMs: delays }));
    assert.deepEqual(decisions.map((decision) => decision.action === 'retry-later' && decision.delayMs), [10, 20, 20]);
  });

  it('rehashes after checksum or size mismatch', () => {
    for (const code of ['CHECKSUM_MISMATCH', 'SIZE_MISMATCH']) {
      const decision = decideRetry(new ApiError(code, 422, 'x'), { attempt: 1, canRetryNow: true });
      assert.deepEqual({ action: decision.action, rehash: decision.action === 'retry-now' && decision.rehash }, { action: 'retry-now', rehash: true });
    }
  });

  it('retries the PUT after UPLOAD_INCOMPLETE', () => {
    const decision = decideRetry(new ApiError('UPLOAD_INCOMPLETE', 409, 'x'), { attempt: 1, canRetryNow: true });
    assert.equal(decision.action, 'retry-now');
    assert.equal(decision.action === 'retry-now' && decision.rehash, false);
  });

  it('requests a new URL after a 403 on the PUT', () => {
    const decision = decideRetry(new UploadError('url-rejected', 403, 'URL_EXPIRED', 'x'), { attempt: 1, canRetryNow: true });
    assert.equal(decision.action, 'retry-now');
    assert.equal(decision.action === 'retry-now' && decision.rehash, false);
  });

  it('rehashes after storage rejects the content', () => {
    for (const error of [
      new UploadError('content-rejected', 400, 'BadDigest', 'x'),
      new UploadError('content-changed', 200, 'CONTENT_CHANGED', 'x'),
      new ShortReadError('/tmp/a.zip', 10, 20),
    ]) {
      const decision = decideRetry(error, { attempt: 1, canRetryNow: true });
      assert.equal(decision.action, 'retry-now', error.message);
      assert.equal(decision.action === 'retry-now' && decision.rehash, true, error.message);
    }
  });

  it('waits for backoff once the immediate retry is used', () => {
    const decision = decideRetry(new UploadError('url-rejected', 403, 'URL_EXPIRED', 'x'), { attempt: 2, canRetryNow: false });
    assert.equal(decision.action, 'retry-later');
    assert.equal(decision.action === 'retry-later' && decision.delayMs, 5 * MINUTE);
  });

  it('fails uploads storage will never accept', () => {
    assert.equal(decideRetry(new UploadError('too-large', 413, 'EntityTooLarge', 'x'), { attempt: 1, canRetryNow: true }).action, 'fail');
    assert.equal(decideRetry(new UploadError('rejected', 404, 'NoSuchBucket', 'x'), { attempt: 1, canRetryNow: true }).action, 'fail');
  });

  it('retries storage network failures later', () => {
    for (const kind of ['network', 'server', 'timeout'] as const) {
      assert.equal(decideRetry(new UploadError(kind, 0, undefined, 'x'), { attempt: 1, canRetryNow: true }).action, 'retry-later', kind);
    }
  });

  it('retries local file errors later', () => {
    const busy = Object.assign(new Error('resource busy'), { code: 'EBUSY' });
    assert.equal(decideRetry(busy, { attempt: 1, canRetryNow: true }).action, 'retry-later');
  });
});
