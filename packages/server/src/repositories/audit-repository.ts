import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.ts';
import type { AuditEventsTable, DatabaseSchema } from '../db/schema.ts';

/** One audit record before it is stored; the id is assigned on insertion. */
export interface AuditEvent {
  at: string;
  /** Dotted verb, e.g. `backup.deleted`. */
  action: string;
  /** `retention:age`, `retention:count`, `retention:stale-upload`, `user:<id>`, `device:<id>` or `cli`. */
  actor: string;
  targetType: string;
  targetId: string;
  /** Serialised as JSON text. */
  details?: Record<string, unknown>;
  sourceAddress?: string | null;
}

export type AuditEventRow = AuditEventsTable;

/** Position of the last row of a page: its `at` and `id`, the two sort keys. */
export interface AuditPosition {
  at: string;
  id: string;
}

export interface AuditListFilter {
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Return only events that sort after this position, newest first. */
  before?: AuditPosition;
  limit: number;
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

export class AuditRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Inserts events that change no other table, such as a download request. */
  async insert(events: readonly AuditEvent[]): Promise<void> {
    await insertAuditEvents(this.#db, events);
  }

  /**
   * Lists events newest first, ordered by `at` then `id` (both descending) so
   * that events with the same timestamp keep one order across pages. Sorting
   * and the `before` comparison use the same columns and collation, so a page
   * boundary never skips or repeats a row.
   */
  async list(filter: AuditListFilter): Promise<AuditEventRow[]> {
    let query = this.#db.selectFrom('audit_events').selectAll();
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    if (filter.targetType !== undefined) query = query.where('target_type', '=', filter.targetType);
    if (filter.targetId !== undefined) query = query.where('target_id', '=', filter.targetId);

    const before = filter.before;
    if (before !== undefined) {
      query = query.where((eb) =>
        eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]),
      );
    }
    return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  }
}
