import { sql, type Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';

/**
 * Schema migrations, kept in code so that the server needs no migration
 * files at run time. Names sort in the order they run. Every migration must
 * produce the same schema on SQLite and PostgreSQL, so it uses only portable
 * column types. Ids, enums and timestamps are `text`, with timestamps as
 * fixed-width ISO-8601 UTC (see `timestamps.ts`). Byte sizes are `bigint`
 * because backups can exceed 2 GiB.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('stores')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('email', 'text', (column) => column.notNull().unique())
        // No CHECK on role: SQLite cannot alter a CHECK without rebuilding the
        // table, and the planned store-scoped device role would need exactly that.
        .addColumn('role', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('user_id', 'text', (column) => column.notNull().references('users.id'))
        .addColumn('token_hash', 'text', (column) => column.notNull().unique())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();

      await db.schema
        .createTable('cloud_backups')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('object_key', 'text', (column) => column.notNull().unique())
        .addColumn('file_name', 'text', (column) => column.notNull())
        .addColumn('size_bytes', 'bigint', (column) => column.notNull())
        .addColumn('sha256', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) =>
          column.notNull().defaultTo('UPLOADING').check(sql`status in ('UPLOADING', 'AVAILABLE', 'DELETED', 'FAILED')`),
        )
        .addColumn('store_id', 'text', (column) => column.notNull().references('stores.id'))
        .addColumn('uploaded_by_id', 'text', (column) => column.references('users.id'))
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('uploaded_at', 'text')
        .addColumn('deleted_at', 'text')
        .addUniqueConstraint('cloud_backups_store_id_sha256_key', ['store_id', 'sha256'])
        .execute();

      await db.schema.createIndex('cloud_backups_store_id_idx').on('cloud_backups').column('store_id').execute();
      await db.schema.createIndex('cloud_backups_status_idx').on('cloud_backups').column('status').execute();
      await db.schema.createIndex('api_tokens_user_id_idx').on('api_tokens').column('user_id').execute();
    },
  },
  '0002_retention': {
    async up(db: Kysely<unknown>): Promise<void> {
      // A row with deleting_at set is being deleted: retention (or the stale
      // upload sweep) chose it and may already have removed its object. The
      // next run finishes such rows before choosing new ones. A separate
      // column keeps the API's four statuses unchanged.
      await db.schema.alterTable('cloud_backups').addColumn('deleting_at', 'text').execute();
      // 'age' or 'count' while retention deletes the row; 'stale-upload' for the sweep.
      await db.schema.alterTable('cloud_backups').addColumn('deleted_by_rule', 'text').execute();
      // Time of the latest presigned PUT URL; created_at is older when an upload restarts.
      await db.schema.alterTable('cloud_backups').addColumn('upload_requested_at', 'text').execute();

      // Ranks each store's backups by upload time for the retention window query.
      await db.schema
        .createIndex('cloud_backups_status_store_id_uploaded_at_idx')
        .on('cloud_backups')
        .columns(['status', 'store_id', 'uploaded_at'])
        .execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('at', 'text', (column) => column.notNull())
        // Dotted verb such as 'backup.deleted'.
        .addColumn('action', 'text', (column) => column.notNull())
        // Who acted: 'retention:age', 'retention:count', 'retention:stale-upload', 'user:<id>', 'device:<id>' or 'cli'.
        .addColumn('actor', 'text', (column) => column.notNull())
        .addColumn('target_type', 'text', (column) => column.notNull())
        .addColumn('target_id', 'text', (column) => column.notNull())
        // JSON object text with action-specific facts (store, object key, file name).
        .addColumn('details', 'text')
        .addColumn('source_address', 'text')
        .execute();
      await db.schema.createIndex('audit_events_at_idx').on('audit_events').column('at').execute();
      await db.schema.createIndex('audit_events_target_idx').on('audit_events').columns(['target_type', 'target_id']).execute();

      // One lease row per named job, for databases without advisory locks (SQLite).
      await db.schema
        .createTable('job_leases')
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('owner', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'text', (column) => column.notNull())
        .execute();
    },
  },
  // Numbered 0100 so that it sorts after migrations added in parallel branches.
  '0100_device_tokens': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('store_id', 'text', (column) => column.notNull().references('stores.id'))
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('token_hash', 'text', (column) => column.notNull().unique())
        .addColumn('created_by_id', 'text', (column) => column.notNull().references('users.id'))
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('status_pending', 'integer')
        .addColumn('status_uploaded', 'integer')
        .addColumn('status_failed', 'integer')
        .addColumn('status_last_sync_at', 'text')
        .addColumn('status_reported_at', 'text')
        .execute();

      await db.schema.createIndex('devices_store_id_idx').on('devices').column('store_id').execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
