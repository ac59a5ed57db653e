/**
 * Named checks for database driver errors, so that repositories translate
 * only what they recognise and rethrow everything else.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Error) || !('code' in error)) return false;

  // PostgreSQL SQLSTATE 23505; better-sqlite3 extended result codes.
  return error.code === '23505' || error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Converts a BIGINT column to a number. pg returns int8 as a string to avoid
 * precision loss; byte sizes stay far below 2^53, and anything above raises
 * instead of silently rounding.
 */
export function toSafeInteger(value: string | number | bigint): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`Database integer ${String(value)} is not a safe JavaScript integer`);
  return number;
}
