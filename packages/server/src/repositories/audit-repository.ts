import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DatabaseSchema } from '../db/schema.ts';

/** One audit record before it is stored; the id is assigned on insertion. */
export interface AuditEvent {
  at: string;
  /** Dotted verb, e.g. `backup.deleted`. */
  action: string;
  /** `retention:age`, `retention:count`, `retention:stale-upload` or `user:<id>`. */
  actor: string;
  targetType: string;
  targetId: string;
  /** Serialised as JSON text. */
  details?: Record<string, unknown>;
  sourceAddress?: string | null;
}

/** Rows per INSERT, below SQLite's default limit of 32,766 bound parameters (8 columns each). */
const INSERT_BATCH_ROWS = 1000;

/**
 * Inserts audit events through `db`, which callers pass as their open
 * transaction so that the record commits or rolls back with the change it
 * describes.
 */
export async function insertAuditEvents(db: Kysely<DatabaseSchema> | Transaction<DatabaseSchema>, events: readonly AuditEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += INSERT_BATCH_ROWS) {
    const rows = events.slice(start, start + INSERT_BATCH_ROWS).map((event) => ({
      id: randomUUID(),
      at: event.at,
      action: event.action,
      actor: event.actor,
      target_type: event.targetType,
      target_id: event.targetId,
      details: event.details === undefined ? null : JSON.stringify(event.details),
      source_address: event.sourceAddress ?? null,
    }));
    await db.insertInto('audit_events').values(rows).execute();
  }
}
