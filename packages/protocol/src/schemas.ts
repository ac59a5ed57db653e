import { z } from 'zod';
import type { ErrorCode } from './error-codes.ts';

/** Lifetime of every presigned URL, in seconds (10 minutes). */
export const PRESIGNED_URL_TTL_SECONDS = 600;

/** Largest object a single S3 PUT accepts (5 GiB); larger objects need multipart. */
export const S3_MAX_SINGLE_UPLOAD_BYTES = 5 * 1024 ** 3;

export const MAX_FILE_NAME_LENGTH = 255;

/** Ids of stores and backups: short, URL-safe and free of path tricks. */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1 to 64 letters, digits, "-" or "_"');

export const sha256Schema = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be exactly 64 hexadecimal characters')
  .transform((value) => value.toLowerCase());

export const sizeBytesSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * A backup's display name. The server never builds a path or object key from
 * it; it is stored and sent back in Content-Disposition. Separators, control
 * characters and the names "." and ".." are rejected so that a client that
 * saves under this name cannot be steered outside its folder.
 */
export const fileNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_FILE_NAME_LENGTH, `must be at most ${MAX_FILE_NAME_LENGTH} characters`)
  .refine((value) => !/[\u0000-\u001f\u007f/\\]/.test(value), 'must not contain "/", "\\" or control characters')
  .refine((value) => value !== '.' && value !== '..', 'must not be "." or ".."');

export const storeNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((value) => !/[\u0000-\u001f\u007f]/.test(value));

/** A device's display name, such as "Caja 1"; same rules as a store name. */
export const deviceNameSchema = storeNameSchema;

export const backupStatusSchema = z.enum(['UPLOADING', 'AVAILABLE', 'DELETED', 'FAILED']);
export type BackupStatus = z.infer<typeof backupStatusSchema>;

// ---- Requests -------------------------------------------------------------

export const requestUploadBodySchema = z.object({
  storeId: idSchema,
  fileName: fileNameSchema,
  sha256: sha256Schema,
  sizeBytes: sizeBytesSchema,
  /**
   * True when the client sends every header of `uploadHeaders` with its PUT.
   * The S3 driver then signs `x-amz-checksum-sha256`, so the provider itself
   * rejects altered bytes. Omitted, the response has no `uploadHeaders`.
   */
  checksumHeader: z.boolean().optional(),
});
export type RequestUploadBody = z.infer<typeof requestUploadBodySchema>;

export const confirmUploadBodySchema = z.object({
  backupId: idSchema,
  sha256: sha256Schema,
});
export type ConfirmUploadBody = z.infer<typeof confirmUploadBodySchema>;

export const requestDownloadBodySchema = z.object({
  backupId: idSchema,
});
export type RequestDownloadBody = z.infer<typeof requestDownloadBodySchema>;

export const listBackupsQuerySchema = z.object({
  storeId: idSchema.optional(),
});
export type ListBackupsQuery = z.infer<typeof listBackupsQuerySchema>;

export const createStoreBodySchema = z.object({
  id: idSchema.optional(),
  name: storeNameSchema,
});
export type CreateStoreBody = z.infer<typeof createStoreBodySchema>;

export const createDeviceBodySchema = z.object({
  storeId: idSchema,
  name: deviceNameSchema,
});
export type CreateDeviceBody = z.infer<typeof createDeviceBodySchema>;

export const listDevicesQuerySchema = z.object({
  storeId: idSchema.optional(),
});

/** Largest count a device may report; far above any real backups folder. */
export const MAX_REPORTED_COUNT = 1_000_000;

const reportedCountSchema = z.number().int().nonnegative().max(MAX_REPORTED_COUNT);

/** An agent's counts after a sync pass, as `CloudBackupSync.getStats()` returns them. */
export const deviceStatusBodySchema = z.object({
  pending: reportedCountSchema,
  uploaded: reportedCountSchema,
  failed: reportedCountSchema,
  lastSyncAt: z.iso.datetime().nullable(),
});
export type DeviceStatusBody = z.infer<typeof deviceStatusBodySchema>;

// ---- Responses ------------------------------------------------------------

export const cloudBackupSchema = z.object({
  id: z.string(),
  objectKey: z.string(),
  fileName: z.string(),
  sizeBytes: z.number(),
  sha256: z.string(),
  status: backupStatusSchema,
  storeId: z.string(),
  storeName: z.string(),
  createdAt: z.string(),
  uploadedAt: z.string().nullable(),
});
export type CloudBackup = z.infer<typeof cloudBackupSchema>;

export const listBackupsResponseSchema = z.object({
  backups: z.array(cloudBackupSchema),
});
export type ListBackupsResponse = z.infer<typeof listBackupsResponseSchema>;

/** Name of the signed header that carries the base64 SHA-256 of an upload. */
export const CHECKSUM_SHA256_HEADER = 'x-amz-checksum-sha256';

export const requestUploadNewSchema = z.object({
  uploadUrl: z.string(),
  objectKey: z.string(),
  backupId: z.string(),
  expiresIn: z.number(),
  /** Headers the PUT must carry exactly; present only when the request had `checksumHeader`. */
  uploadHeaders: z.record(z.string(), z.string()).optional(),
});

export const requestUploadExistsSchema = z.object({
  exists: z.literal(true),
  backupId: z.string(),
  message: z.string(),
});

export const requestUploadResponseSchema = z.union([requestUploadExistsSchema, requestUploadNewSchema]);
export type RequestUploadResponse = z.infer<typeof requestUploadResponseSchema>;

export const confirmUploadResponseSchema = z.object({
  success: z.literal(true),
  backup: z.object({
    id: z.string(),
    status: backupStatusSchema,
    uploadedAt: z.string().nullable(),
  }),
});
export type ConfirmUploadResponse = z.infer<typeof confirmUploadResponseSchema>;

export const requestDownloadResponseSchema = z.object({
  downloadUrl: z.string(),
  fileName: z.string(),
  expiresIn: z.number(),
});
export type RequestDownloadResponse = z.infer<typeof requestDownloadResponseSchema>;

export const deleteBackupResponseSchema = z.object({
  success: z.literal(true),
  message: z.string(),
});

export const retentionRunResponseSchema = z.object({
  success: z.literal(true),
  deleted: z.number(),
  remaining: z.number(),
  details: z.object({ byAge: z.number(), byCount: z.number() }),
});
export type RetentionRunResponse = z.infer<typeof retentionRunResponseSchema>;

export const storeSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
});
export type Store = z.infer<typeof storeSchema>;

export const createStoreResponseSchema = z.object({ store: storeSchema });
export const listStoresResponseSchema = z.object({ stores: z.array(storeSchema) });

export const deviceStatusSchema = deviceStatusBodySchema.extend({
  /** When the server received this status. */
  reportedAt: z.string(),
});
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

/** A store-scoped device token's record; the token itself is returned only once, at creation. */
export const deviceSchema = z.object({
  id: z.string(),
  storeId: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  /** The agent's last reported status; null until it reports one. */
  status: deviceStatusSchema.nullable(),
});
export type Device = z.infer<typeof deviceSchema>;

export const createDeviceResponseSchema = z.object({ device: deviceSchema, token: z.string() });
export type CreateDeviceResponse = z.infer<typeof createDeviceResponseSchema>;
export const listDevicesResponseSchema = z.object({ devices: z.array(deviceSchema) });
export const deviceResponseSchema = z.object({ device: deviceSchema });

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  database: z.enum(['sqlite', 'postgres']),
  storage: z.enum(['filesystem', 's3']),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Returns the specific error code for a bad value in a request field, so clients can act on it. */
export function errorCodeForField(field: string): ErrorCode {
  switch (field) {
    case 'sha256':
      return 'INVALID_SHA256';
    case 'sizeBytes':
      return 'INVALID_SIZE';
    case 'fileName':
      return 'INVALID_FILE_NAME';
    case 'name':
      return 'INVALID_STORE_NAME';
    case 'id':
    case 'storeId':
    case 'backupId':
      return 'INVALID_ID';
    default:
      return 'INVALID_BODY';
  }
}

// ---- Audit log ------------------------------------------------------------

/** Rows per `GET /api/audit` page when the request has no `limit`. */
export const AUDIT_PAGE_DEFAULT_LIMIT = 100;

/** Largest `limit` that `GET /api/audit` accepts. */
export const AUDIT_PAGE_MAX_LIMIT = 500;

/** Actions the server records today; the `action` filter accepts only these. */
export const auditActionSchema = z.enum([
  'auth.sign_in',
  'backup.deleted',
  'backup.download_requested',
  'backup.upload-expired',
  'device.created',
  'device.revoked',
  'token.created',
]);
export type AuditAction = z.infer<typeof auditActionSchema>;

/** Kinds of record an audit event is about; `token` is a SUPERADMIN token (a device token's target is its `device`). */
export const auditTargetTypeSchema = z.enum(['backup', 'device', 'token', 'user']);
export type AuditTargetType = z.infer<typeof auditTargetTypeSchema>;

/**
 * Query of `GET /api/audit`. Values arrive as strings, so `limit` is parsed
 * from canonical decimal digits only (no sign, exponent or leading zero).
 * `before` is a `nextCursor` from an earlier page and is opaque to clients.
 */
export const listAuditQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^(0|[1-9][0-9]*)$/, `must be a whole number from 1 to ${AUDIT_PAGE_MAX_LIMIT}`)
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(AUDIT_PAGE_MAX_LIMIT, `must be at most ${AUDIT_PAGE_MAX_LIMIT}`))
    .optional(),
  before: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be the nextCursor value of an earlier response')
    .optional(),
  action: auditActionSchema.optional(),
  targetType: auditTargetTypeSchema.optional(),
  targetId: idSchema.optional(),
});
export type ListAuditQuery = z.infer<typeof listAuditQuerySchema>;

/**
 * One audit record. `actor` is `user:<id>`, `device:<id>`, `cli` or
 * `retention:<rule>`. `details` contains action-specific facts and never a
 * token or token hash. `sourceAddress` is the client's IP, or null for events
 * without a request (retention, the admin command).
 */
export const auditEventSchema = z.object({
  id: z.string(),
  at: z.string(),
  /** A string rather than `auditActionSchema`, so that clients keep working when new actions appear. */
  action: z.string(),
  actor: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  details: z.record(z.string(), z.unknown()).nullable(),
  sourceAddress: z.string().nullable(),
});
export type AuditEventRecord = z.infer<typeof auditEventSchema>;

/** A page of audit events, newest first; `nextCursor` is null on the last page. */
export const listAuditResponseSchema = z.object({
  events: z.array(auditEventSchema),
  nextCursor: z.string().nullable(),
});
export type ListAuditResponse = z.infer<typeof listAuditResponseSchema>;
