import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../db/database.ts';

/** A held lock. `renew` must be called at least once per lease period during long work. */
export interface HeldJobLock {
  /** Extends a SQLite lease, or raises `JobLockLostError` when another owner took it over. Does nothing on PostgreSQL. */
  renew(): Promise<void>;
}

/** Raised by `renew` when the lease expired and another instance took it. */
export class JobLockLostError extends Error {
  constructor(name: string) {
    super(`Lost the "${name}" lock: its lease expired and another run took it over`);
    this.name = 'JobLockLostError';
  }
}

export type JobLockOutcome<T> = { acquired: true; value: T } | { acquired: false };

/**
 * How long a SQLite lease lasts without renewal, in milliseconds. A crashed
 * holder blocks other runs for at most this long.
 */
export const LEASE_DURATION_MS = 10 * 60_000;

/**
 * Runs `work` while holding the lock `name` across every server instance
 * sharing the database, or returns `{ acquired: false }` at once when
 * another holder has it.
 *
 * PostgreSQL: a session-level `pg_try_advisory_lock` on one connection kept
 * for the whole run. The server releases it when that connection ends, so a
 * crashed process never leaves it held.
 *
 * SQLite: a lease row in `job_leases` with an owner and an expiry, because
 * SQLite has no advisory locks. An expired lease may be taken over.
 */
export async function withJobLock<T>(
  handle: DatabaseHandle,
  name: string,
  work: (lock: HeldJobLock) => Promise<T>,
  clock: () => Date = () => new Date(),
): Promise<JobLockOutcome<T>> {
  if (handle.kind === 'postgres') return withAdvisoryLock(handle, name, work);
  return withLease(handle, name, work, clock);
}

async function withAdvisoryLock<T>(handle: DatabaseHandle, name: string, work: (lock: HeldJobLock) => Promise<T>): Promise<JobLockOutcome<T>> {
  return handle.db.connection().execute(async (connection) => {
    // hashtext maps the name to the int4 key space of the one-argument form.
    const key = sql`hashtext(${`cloud-backup-sync:${name}`})`;
    const result = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}) as locked`.execute(connection);
    if (result.rows[0]?.locked !== true) return { acquired: false };

    try {
      return { acquired: true, value: await work({ renew: async () => {} }) };
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(connection);
    }
  });
}

async function withLease<T>(
  handle: DatabaseHandle,
  name: string,
  work: (lock: HeldJobLock) => Promise<T>,
  clock: () => Date,
): Promise<JobLockOutcome<T>> {
  const owner = randomUUID();
  const expiresAt = () => new Date(clock().getTime() + LEASE_DURATION_MS).toISOString();

  // One statement inserts the lease or takes over an expired one, so two
  // callers can never both see themselves as owner.
  await handle.db
    .insertInto('job_leases')
    .values({ name, owner, expires_at: expiresAt() })
    .onConflict((conflict) =>
      conflict
        .column('name')
        .doUpdateSet({ owner, expires_at: expiresAt() })
        .where('job_leases.expires_at', '<', clock().toISOString()),
    )
    .execute();
  const holder = await handle.db.selectFrom('job_leases').select('owner').where('name', '=', name).executeTakeFirst();
  if (holder?.owner !== owner) return { acquired: false };

  const lock: HeldJobLock = {
    async renew() {
      const result = await handle.db
        .updateTable('job_leases')
        .set({ expires_at: expiresAt() })
        .where('name', '=', name)
        .where('owner', '=', owner)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new JobLockLostError(name);
    },
  };

  try {
    return { acquired: true, value: await work(lock) };
  } finally {
    await handle.db.deleteFrom('job_leases').where('name', '=', name).where('owner', '=', owner).execute();
  }
}
