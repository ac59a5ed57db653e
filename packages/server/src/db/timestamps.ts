/**
 * Timestamps are stored as ISO-8601 UTC text with milliseconds
 * (`2026-12-04T19:49:27.123Z`, always 24 characters for years 0000-9999).
 * The fixed width makes text order equal time order on SQLite and PostgreSQL
 * alike, and the API returns the same string without conversion.
 */
export function toTimestamp(date: Date): string {
  return date.toISOString();
}

export function nowTimestamp(): string {
  return toTimestamp(new Date());
}
