import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Server of the test databases; each test file creates its own database on it. */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface PgTestDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh database `cbs_<random>` on TEST_DATABASE_URL's server so
 * that parallel test files never share tables. Fails loudly when PostgreSQL
 * is unreachable: PostgreSQL tests never skip. `icuLocale` (e.g. 'en-US')
 * makes the database's default collation a linguistic one, under which text
 * order differs from byte order, as on many production servers.
 */
export async function createPgDatabase(options: { icuLocale?: string } = {}): Promise<PgTestDatabase> {
  const name = `cbs_${randomBytes(6).toString('hex')}`;
  if (options.icuLocale !== undefined && !/^[A-Za-z-]+$/.test(options.icuLocale)) throw new Error(`Unexpected ICU locale ${options.icuLocale}`);
  const locale = options.icuLocale === undefined ? '' : ` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${options.icuLocale}'`;
  await runAdminQuery(`CREATE DATABASE ${name}${locale}`);

  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => runAdminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function runAdminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
