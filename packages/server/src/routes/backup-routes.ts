import {
  confirmUploadBodySchema,
  idSchema,
  listBackupsQuerySchema,
  requestDownloadBodySchema,
  requestUploadBodySchema,
  resultMessages,
  translate,
} from '@cloud-backup-sync/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authorize, principalOf } from '../http/auth-hook.ts';
import { requestLocale } from '../http/error-handler.ts';
import { parseRequest } from '../http/validation.ts';
import type { AuthService } from '../services/auth-service.ts';
import type { BackupService } from '../services/backup-service.ts';

const backupIdParamsSchema = z.object({ id: idSchema });

/**
 * Registers the `/api/cloud-backups` endpoints that desktop clients already call. All are
 * SUPERADMIN only except request-upload and confirm-upload, which a DEVICE
 * may also call for its own store (the service checks the store).
 */
export function registerBackupRoutes(app: FastifyInstance, services: { auth: AuthService; backups: BackupService }): void {
  const superadminOnly = authorize(services.auth, ['SUPERADMIN']);
  const superadminOrDevice = authorize(services.auth, ['SUPERADMIN', 'DEVICE']);

  app.get('/api/cloud-backups', { onRequest: superadminOnly }, async (request) => {
    const query = parseRequest(listBackupsQuerySchema, request.query, 'query');
    return { backups: await services.backups.listBackups(query.storeId) };
  });

  app.post('/api/cloud-backups/request-upload', { onRequest: superadminOrDevice }, async (request) => {
    const body = parseRequest(requestUploadBodySchema, request.body, 'body');
    const outcome = await services.backups.requestUpload(principalOf(request), body);

    if (outcome.exists) {
      const message = translate(resultMessages, 'BACKUP_EXISTS', requestLocale(request), { backupId: outcome.backupId });
      return { exists: true, backupId: outcome.backupId, message };
    }
    const answer = { uploadUrl: outcome.uploadUrl, objectKey: outcome.objectKey, backupId: outcome.backupId, expiresIn: outcome.expiresIn };
    return outcome.uploadHeaders === undefined ? answer : { ...answer, uploadHeaders: outcome.uploadHeaders };
  });

  app.post('/api/cloud-backups/confirm-upload', { onRequest: superadminOrDevice }, async (request) => {
    const body = parseRequest(confirmUploadBodySchema, request.body, 'body');
    const backup = await services.backups.confirmUpload(principalOf(request), body);
    return { success: true, backup };
  });

  app.post('/api/cloud-backups/request-download', { onRequest: superadminOnly }, async (request) => {
    const body = parseRequest(requestDownloadBodySchema, request.body, 'body');
    return services.backups.requestDownload(principalOf(request), body.backupId, request.ip);
  });

  app.delete('/api/cloud-backups/:id', { onRequest: superadminOnly }, async (request) => {
    const params = parseRequest(backupIdParamsSchema, request.params, 'params');
    await services.backups.deleteBackup(principalOf(request), params.id, request.ip);
    const message = translate(resultMessages, 'BACKUP_DELETED_SUCCESS', requestLocale(request), { backupId: params.id });
    return { success: true, message };
  });
}
