import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FailureLimiter } from '../../src/http/failure-limiter.ts';

function limiterAt(start: number, options: { limit: number; windowMs: number; maxKeys?: number }) {
  const clock = { now: start };
  const limiter = new FailureLimiter({ ...options, now: () => clock.now });
  return { limiter, clock };
}

test('failures up to limit pass', () => {
  const { limiter } = limiterAt(0, { limit: 3, windowMs: 60_000 });
  assert.equal(limiter.recordFailure(['a']), undefined);
  assert.equal(limiter.recordFailure(['a']), undefined);
  assert.equal(limiter.recordFailure(['a']), undefined);
  assert.equal(limiter.recordFailure(['a']), 60);
});

test('retry-after counts from oldest failure', () => {
  const { limiter, clock } = limiterAt(0, { limit: 2, windowMs: 60_000 });
  limiter.recordFailure(['a']);
  clock.now = 20_000;
  limiter.recordFailure(['a']);
  clock.now = 30_000;
  // The oldest counted failure (t=0) leaves the window at t=60 s, 30 s from now.
  assert.equal(limiter.recordFailure(['a']), 30);
});

test('failures leave the window', () => {
  const { limiter, clock } = limiterAt(0, { limit: 2, windowMs: 60_000 });
  limiter.recordFailure(['a']);
  limiter.recordFailure(['a']);
  clock.now = 60_001;
  assert.equal(limiter.recordFailure(['a']), undefined);
});

test('keys are counted separately', () => {
  const { limiter } = limiterAt(0, { limit: 1, windowMs: 60_000 });
  assert.equal(limiter.recordFailure(['address:1', 'token:x']), undefined);
  assert.equal(limiter.recordFailure(['address:2', 'token:y']), undefined);
  assert.equal(typeof limiter.recordFailure(['address:3', 'token:x']), 'number', 'token x is over the limit');
  assert.equal(typeof limiter.recordFailure(['address:1']), 'number', 'address 1 is over the limit');
  assert.equal(limiter.recordFailure(['address:4']), undefined);
});

test('key count stays bounded', () => {
  const { limiter } = limiterAt(0, { limit: 5, windowMs: 60_000, maxKeys: 100 });
  for (let index = 0; index < 1000; index += 1) limiter.recordFailure([`address:${index}`]);
  assert.ok(limiter.size <= 100, `tracked ${limiter.size} keys`);
});
