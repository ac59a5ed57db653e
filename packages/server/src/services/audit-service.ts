import { AUDIT_PAGE_DEFAULT_LIMIT, type AuditEventRecord, type ListAuditResponse } from '@cloud-backup-sync/protocol';
import type { AuditEventRow, AuditPosition, AuditRepository } from '../repositories/audit-repository.ts';
import { encodeAuditCursor } from './audit-cursor.ts';

export interface AuditPageRequest {
  limit?: number;
  before?: AuditPosition;
  action?: string;
  targetType?: string;
  targetId?: string;
}

/** Reads the audit log for `GET /api/audit`; the events themselves are written by the services that act. */
export class AuditService {
  readonly #audit: AuditRepository;

  constructor(audit: AuditRepository) {
    this.#audit = audit;
  }

  /**
   * Returns one page of events, newest first. One row more than the page is
   * read to learn whether another page exists, so the last page has a null
   * `nextCursor` instead of leading to an empty page.
   */
  async listEvents(request: AuditPageRequest): Promise<ListAuditResponse> {
    const limit = request.limit ?? AUDIT_PAGE_DEFAULT_LIMIT;
    const rows = await this.#audit.list({
      action: request.action,
      targetType: request.targetType,
      targetId: request.targetId,
      before: request.before,
      limit: limit + 1,
    });

    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const nextCursor = rows.length > limit && last !== undefined ? encodeAuditCursor({ at: last.at, id: last.id }) : null;
    return { events: page.map(toAuditEventRecord), nextCursor };
  }
}

function toAuditEventRecord(row: AuditEventRow): AuditEventRecord {
  return {
    id: row.id,
    at: row.at,
    action: row.action,
    actor: row.actor,
    targetType: row.target_type,
    targetId: row.target_id,
    details: parseDetails(row.details),
    sourceAddress: row.source_address,
  };
}

/** Parses the stored details text, which this server always writes as a JSON object (see `insertAuditEvents`). */
function parseDetails(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Audit event details are not a JSON object: ${text.slice(0, 80)}`);
  }
  return Object.fromEntries(Object.entries(parsed));
}
