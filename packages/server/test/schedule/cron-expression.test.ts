import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { createLogger } from '../../src/http/logger.ts';
import { CronExpressionError, nextFireTime, parseCronExpression } from '../../src/schedule/cron-expression.ts';
import { startRetentionScheduler } from '../../src/services/retention-scheduler.ts';

function next(expression: string, after: string): string | undefined {
  return nextFireTime(parseCronExpression(expression), new Date(after))?.toISOString();
}

test('fields accept lists, ranges and steps', () => {
  const expression = parseCronExpression('0,30 8-10 */10 1-12/6 1,3-5');
  assert.deepEqual([...expression.minutes], [0, 30]);
  assert.deepEqual([...expression.hours], [8, 9, 10]);
  assert.deepEqual([...expression.daysOfMonth], [1, 11, 21, 31]);
  assert.deepEqual([...expression.months], [1, 7]);
  assert.deepEqual([...expression.daysOfWeek], [1, 3, 4, 5]);
});

test('start with step runs to field maximum', () => {
  assert.deepEqual([...parseCronExpression('5/20 * * * *').minutes], [5, 25, 45]);
});

test('day of week 7 means Sunday', () => {
  assert.deepEqual([...parseCronExpression('0 0 * * 7').daysOfWeek], [0]);
});

test('invalid expressions are rejected', () => {
  const cases: Array<[string, RegExp]> = [
    ['* * * *', /expected 5 fields/],
    ['* * * * * *', /expected 5 fields/],
    ['60 * * * *', /invalid minute "60": 60 is outside 0-59/],
    ['* 24 * * *', /invalid hour/],
    ['* * 0 * *', /invalid day of month/],
    ['* * * 13 *', /invalid month/],
    ['* * * * 8', /invalid day of week/],
    ['*/0 * * * *', /step must be at least 1/],
    ['5-1 * * * *', /range start 5 is after its end 1/],
    ['a * * * *', /"a" is not a number/],
    ['1-2-3 * * * *', /a range has one "-"/],
    ['*/2/3 * * * *', /more than one/],
    [', * * * *', /is not a number/],
    ['* * * JAN *', /is not a number/],
    ['0 0 30 2 *', /never matches/],
  ];
  for (const [expression, message] of cases) {
    assert.throws(() => parseCronExpression(expression), (error: unknown) => error instanceof CronExpressionError && message.test(error.message), expression);
  }
});

test('next fire of daily 03:00', () => {
  assert.equal(next('0 3 * * *', '2026-12-04T20:26:07.000Z'), '2026-12-05T03:00:00.000Z');
  assert.equal(next('0 3 * * *', '2026-12-05T02:59:59.999Z'), '2026-12-05T03:00:00.000Z');
  // Strictly after: a run at exactly 03:00 schedules the next day.
  assert.equal(next('0 3 * * *', '2026-12-05T03:00:00.000Z'), '2026-12-06T03:00:00.000Z');
});

test('next fire crosses month and year', () => {
  assert.equal(next('0 0 1 * *', '2026-12-31T23:59:00.000Z'), '2027-01-01T00:00:00.000Z');
  assert.equal(next('30 12 29 2 *', '2026-03-01T00:00:00.000Z'), '2028-02-29T12:30:00.000Z');
});

test('next fire with steps', () => {
  assert.equal(next('*/15 * * * *', '2026-12-04T20:26:07.000Z'), '2026-12-04T20:30:00.000Z');
  assert.equal(next('*/15 * * * *', '2026-12-04T23:50:00.000Z'), '2026-12-05T00:00:00.000Z');
});

test('next fire by day of week', () => {
  // 2026-12-04 is a Friday.
  assert.equal(next('0 3 * * 1', '2026-12-04T20:00:00.000Z'), '2026-12-07T03:00:00.000Z');
  assert.equal(next('0 3 * * 0', '2026-12-04T20:00:00.000Z'), '2026-12-06T03:00:00.000Z');
});

test('both day fields match either', () => {
  // Day 10 of the month or any Monday, whichever comes first.
  assert.equal(next('0 0 10 * 1', '2026-12-04T20:00:00.000Z'), '2026-12-07T00:00:00.000Z');
  assert.equal(next('0 0 10 * 1', '2026-12-08T00:00:00.000Z'), '2026-12-10T00:00:00.000Z');
  // A step on day of month still counts as "*" for this rule, as in Vixie cron.
  assert.equal(next('0 0 */1 * 1', '2026-12-04T20:00:00.000Z'), '2026-12-07T00:00:00.000Z');
});

test('scheduler fires at each matching minute', async (context) => {
  context.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: new Date('2026-12-04T02:58:30.000Z') });
  const runs: string[] = [];
  const scheduler = startRetentionScheduler({
    schedule: parseCronExpression('0 3 * * *'),
    logger: createLogger('silent'),
    run: async () => {
      runs.push(new Date().toISOString());
    },
  });

  context.mock.timers.tick(60_000);
  assert.deepEqual(runs, []);
  context.mock.timers.tick(30_000);
  await flushPromises();
  assert.deepEqual(runs, ['2026-12-04T03:00:00.000Z']);

  context.mock.timers.tick(86_400_000);
  await flushPromises();
  assert.deepEqual(runs, ['2026-12-04T03:00:00.000Z', '2026-12-05T03:00:00.000Z']);

  await scheduler.stop();
  context.mock.timers.tick(86_400_000);
  await flushPromises();
  assert.equal(runs.length, 2);
});

test('scheduler survives a failed run', async (context) => {
  context.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: new Date('2026-12-04T02:59:00.000Z') });
  const run = mock.fn(async () => {
    throw new Error('storage down');
  });
  const scheduler = startRetentionScheduler({ schedule: parseCronExpression('0 3 * * *'), logger: createLogger('silent'), run });

  context.mock.timers.tick(60_000);
  await flushPromises();
  context.mock.timers.tick(86_400_000);
  await flushPromises();
  assert.equal(run.mock.callCount(), 2);
  await scheduler.stop();
});

/** Lets the scheduler's promise chain (run, finally, re-arm) settle between mocked ticks. */
async function flushPromises(): Promise<void> {
  for (let index = 0; index < 10; index += 1) await Promise.resolve();
}
