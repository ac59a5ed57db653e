import { listAuditQuerySchema } from '@cloud-backup-sync/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authorize } from '../http/auth-hook.ts';
import { parseRequest } from '../http/validation.ts';
import { decodeAuditCursor } from '../services/audit-cursor.ts';
import type { AuditService } from '../services/audit-service.ts';
import type { AuthService } from '../services/auth-service.ts';

/** The protocol's query with `before` decoded, so that a cursor this server never issued is INVALID_QUERY. */
const auditQuerySchema = listAuditQuerySchema.extend({
  before: listAuditQuerySchema.shape.before
    .unwrap()
    .transform((cursor, context) => {
      const position = decodeAuditCursor(cursor);
      if (position === undefined) {
        context.addIssue({ code: 'custom', message: 'must be the nextCursor value of an earlier response' });
        return z.NEVER;
      }
      return position;
    })
    .optional(),
});

/** Registers `GET /api/audit`, the audit log, for SUPERADMIN tokens only. */
export function registerAuditRoutes(app: FastifyInstance, services: { auth: AuthService; audit: AuditService }): void {
  const superadminOnly = authorize(services.auth, ['SUPERADMIN']);

  app.get('/api/audit', { onRequest: superadminOnly }, async (request) => {
    const query = parseRequest(auditQuerySchema, request.query, 'query');
    return services.audit.listEvents(query);
  });
}
