/**
 * A five-field cron expression (minute hour day-of-month month day-of-week),
 * evaluated in UTC. Each field accepts `*`, numbers, ranges `a-b`, a step
 * after either (`*\/15`, `8-18/2`, and `5/15` meaning 5 to the maximum), and
 * comma-separated lists of those.
 * Day-of-week runs 0-7, where both 0 and 7 mean Sunday. Names (JAN, MON) and
 * the non-standard `L`, `W`, `#` and `?` are not supported.
 */
export interface CronExpression {
  /** The expression as written, for logs and messages. */
  source: string;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday (7 in the expression is stored as 0). */
  daysOfWeek: ReadonlySet<number>;
  /** False when the field starts with `*`, as in Vixie cron. When both day fields are restricted, a day matching either one matches. */
  daysOfMonthRestricted: boolean;
  daysOfWeekRestricted: boolean;
}

/** Raised by `parseCronExpression`; the message names the field and the value. */
export class CronExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronExpressionError';
  }
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];

/**
 * Two February 29ths can be 8 years apart (2096 and 2104), so a search this
 * long finds every date that exists. Expressions such as `0 0 30 2 *` find none.
 */
const MAX_SEARCH_YEARS = 8;

export function parseCronExpression(source: string): CronExpression {
  const parts = source.trim().split(/\s+/);
  if (parts.length !== FIELDS.length) {
    throw new CronExpressionError(`expected 5 fields (minute hour day-of-month month day-of-week), found ${parts.length}`);
  }

  const [minutes, hours, daysOfMonth, months, rawDaysOfWeek] = FIELDS.map((field, index) => parseField(parts[index] ?? '', field));
  if (minutes === undefined || hours === undefined || daysOfMonth === undefined || months === undefined || rawDaysOfWeek === undefined) {
    throw new CronExpressionError('expected 5 fields');
  }
  const daysOfWeek = new Set([...rawDaysOfWeek].map((day) => (day === 7 ? 0 : day)));

  const expression: CronExpression = {
    source: parts.join(' '),
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    daysOfMonthRestricted: !(parts[2] ?? '').startsWith('*'),
    daysOfWeekRestricted: !(parts[4] ?? '').startsWith('*'),
  };
  if (nextFireTime(expression, new Date(Date.UTC(2000, 0, 1))) === null) {
    throw new CronExpressionError(`never matches a real date (for example February 30)`);
  }
  return expression;
}

function parseField(text: string, field: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [rangeText = '', stepText, ...extra] = item.split('/');
    if (extra.length > 0) throw invalid(field, item, 'more than one "/"');

    const step = stepText === undefined ? 1 : parseNumber(stepText, field, item);
    if (step < 1) throw invalid(field, item, 'the step must be at least 1');

    let start: number;
    let end: number;
    if (rangeText === '*') {
      start = field.min;
      end = field.max;
    } else if (rangeText.includes('-')) {
      const [startText = '', endText = '', ...rest] = rangeText.split('-');
      if (rest.length > 0) throw invalid(field, item, 'a range has one "-"');
      start = parseNumber(startText, field, item);
      end = parseNumber(endText, field, item);
      if (start > end) throw invalid(field, item, `the range start ${start} is after its end ${end}`);
    } else {
      start = parseNumber(rangeText, field, item);
      // `5/15` means from 5 to the field's maximum in steps of 15, as in Vixie cron.
      end = stepText === undefined ? start : field.max;
    }

    for (let value = start; value <= end; value += step) values.add(value);
  }
  return values;
}

function parseNumber(text: string, field: FieldSpec, item: string): number {
  if (!/^\d{1,2}$/.test(text)) throw invalid(field, item, `"${text}" is not a number`);

  const value = Number(text);
  if (value < field.min || value > field.max) throw invalid(field, item, `${value} is outside ${field.min}-${field.max}`);
  return value;
}

function invalid(field: FieldSpec, item: string, reason: string): CronExpressionError {
  return new CronExpressionError(`invalid ${field.name} "${item}": ${reason}`);
}

/**
 * Returns the first whole minute strictly after `after` that the expression
 * matches, in UTC, or null when none exists within eight years. Pure: the
 * caller supplies the clock.
 */
export function nextFireTime(expression: CronExpression, after: Date): Date | null {
  const candidate = new Date(after.getTime());
  candidate.setUTCSeconds(0, 0);
  candidate.setUTCMinutes(candidate.getUTCMinutes() + 1);
  const limit = after.getTime() + MAX_SEARCH_YEARS * 366 * 86_400_000;

  // Each step moves to the start of the next month, day, hour or minute that
  // can still match, so a search takes at most a few thousand iterations.
  while (candidate.getTime() <= limit) {
    if (!expression.months.has(candidate.getUTCMonth() + 1)) {
      candidate.setUTCMonth(candidate.getUTCMonth() + 1, 1);
      candidate.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!matchesDay(expression, candidate)) {
      candidate.setUTCDate(candidate.getUTCDate() + 1);
      candidate.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!expression.hours.has(candidate.getUTCHours())) {
      candidate.setUTCHours(candidate.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!expression.minutes.has(candidate.getUTCMinutes())) {
      candidate.setUTCMinutes(candidate.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return candidate;
  }
  return null;
}

/**
 * Cron's day rule: when both day fields are restricted, a day matches if
 * either matches; when one is `*`, only the other one counts.
 */
function matchesDay(expression: CronExpression, date: Date): boolean {
  const dayOfMonth = expression.daysOfMonth.has(date.getUTCDate());
  const dayOfWeek = expression.daysOfWeek.has(date.getUTCDay());
  if (expression.daysOfMonthRestricted && expression.daysOfWeekRestricted) return dayOfMonth || dayOfWeek;
  return dayOfMonth && dayOfWeek;
}
