/**
 * Row types of each table, for Kysely. Timestamps are ISO-8601 UTC strings with
 * millisecond precision (see `timestamps.ts`); `size_bytes` is a BIGINT that
 * pg returns as a string and better-sqlite3 as a number.
 */
export interface StoresTable {
  id: string;
  name: string;
  created_at: string;
}

export type UserRole = 'SUPERADMIN';

export interface UsersTable {
  id: string;
  email: string;
  role: UserRole;
  created_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/**
 * A store-scoped device token (one POS desktop). The token is stored only as
 * its SHA-256. The `status_*` columns hold the agent's last reported counts
 * and are all null until its first report.
 */
export interface DevicesTable {
  id: string;
  store_id: string;
  name: string;
  token_hash: string;
  /** The SUPERADMIN who created the device; backups it uploads record this user. */
  created_by_id: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  status_pending: number | null;
  status_uploaded: number | null;
  status_failed: number | null;
  status_last_sync_at: string | null;
  status_reported_at: string | null;
}

export type BackupStatus = 'UPLOADING' | 'AVAILABLE' | 'DELETED' | 'FAILED';

export interface CloudBackupsTable {
  id: string;
  object_key: string;
  file_name: string;
  size_bytes: string | number;
  sha256: string;
  status: BackupStatus;
  store_id: string;
  uploaded_by_id: string | null;
  created_at: string;
  uploaded_at: string | null;
  deleted_at: string | null;
  /** Set when a deletion started (object removal may be done); cleared when the row reaches its final status. */
  deleting_at: string | null;
  /** Rule behind a pending or finished automatic deletion: 'age', 'count' or 'stale-upload'. */
  deleted_by_rule: string | null;
  /** Time the latest presigned PUT URL was issued; null on rows from before it was recorded. */
  upload_requested_at: string | null;
}

export interface AuditEventsTable {
  id: string;
  at: string;
  action: string;
  actor: string;
  target_type: string;
  target_id: string;
  details: string | null;
  source_address: string | null;
}

export interface JobLeasesTable {
  name: string;
  owner: string;
  expires_at: string;
}

export interface DatabaseSchema {
  stores: StoresTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  cloud_backups: CloudBackupsTable;
  devices: DevicesTable;
  audit_events: AuditEventsTable;
  job_leases: JobLeasesTable;
}

