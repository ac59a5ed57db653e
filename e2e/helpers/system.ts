import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ApiClient } from '@cloud-backup-sync/agent';
import { createPgDatabase, type PgTestDatabase } from '../../packages/server/test/helpers/create-pg-database.ts';
import { startS3rver, type S3rverInstance } from '../../packages/server/test/helpers/start-s3rver.ts';
import { BackupSyncProcess, runBackupSync } from './backup-sync-process.ts';
import { TcpHoldProxy } from './tcp-hold-proxy.ts';

export interface SystemVariant {
  name: string;
  database: 'sqlite' | 'postgres';
  storage: 'filesystem' | 's3';
}

/** The two deployments every whole-system scenario runs on. */
export const systemVariants: SystemVariant[] = [
  { name: 'SQLite + filesystem', database: 'sqlite', storage: 'filesystem' },
  { name: 'PostgreSQL + s3', database: 'postgres', storage: 's3' },
];

export interface RunningSystem {
  apiUrl: string;
  token: string;
  /** Temporary folder holding DATA_DIR and the test's own folders. */
  workDir: string;
  dataDir: string;
  /** Where stored objects live on disk: DATA_DIR/objects, or s3rver's folder. */
  objectsDir: string;
  /** The proxy between uploaders and storage. */
  storageProxy: TcpHoldProxy;
  client: ApiClient;
  /** Environment for `backup-sync` commands that read the server configuration. */
  serverEnv: Record<string, string>;
  /** Environment with BACKUP_SYNC_API and BACKUP_SYNC_TOKEN for client commands. */
  clientEnv: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the whole system as a user would: `backup-sync serve` as a child
 * process on a temporary DATA_DIR (with a fresh PostgreSQL database and a
 * fresh s3rver for the s3 variant), then `backup-sync admin create-superadmin`.
 * Presigned URLs point at a TcpHoldProxy in front of storage (through
 * PUBLIC_URL or S3_ENDPOINT) so tests can stall an upload midway.
 */
export async function startSystem(variant: SystemVariant): Promise<RunningSystem> {
  const workDir = await mkdtemp(join(tmpdir(), 'cbs-e2e-'));
  const dataDir = join(workDir, 'data');
  const cleanups: Array<() => Promise<void>> = [() => rm(workDir, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step();
  };

  try {
    const serverEnv: Record<string, string> = { DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' };
    let objectsDir = join(dataDir, 'objects');
    let proxyTargetPort: number | undefined;

    if (variant.database === 'postgres') {
      const database: PgTestDatabase = await createPgDatabase();
      cleanups.push(() => database.drop());
      serverEnv.DATABASE_URL = database.url;
    }

    let s3: S3rverInstance | undefined;
    if (variant.storage === 's3') {
      s3 = await startS3rver({ bucket: 'e2e-backups' });
      const instance = s3;
      cleanups.push(() => instance.close());
      objectsDir = s3.directory;
      proxyTargetPort = Number(new URL(s3.endpoint).port);
    }

    // The filesystem variant's proxy target is the server itself, known only once it listens.
    const server = await startServe(serverEnv, proxyTargetPort, s3);
    cleanups.push(async () => {
      await server.process.stop('SIGTERM');
    });
    cleanups.push(() => server.proxy.close());

    const admin = await runBackupSync(['admin', 'create-superadmin', '--email', 'admin@example.com', '--json'], server.env);
    if (admin.code !== 0) throw new Error(`create-superadmin failed: ${admin.stderr}`);
    const { token } = JSON.parse(admin.stdout) as { token: string };

    return {
      apiUrl: server.url,
      token,
      workDir,
      dataDir,
      objectsDir,
      storageProxy: server.proxy,
      client: new ApiClient({ apiUrl: server.url, token, locale: 'en' }),
      serverEnv: server.env,
      clientEnv: { BACKUP_SYNC_API: server.url, BACKUP_SYNC_TOKEN: token },
      close: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

interface StartedServe {
  process: BackupSyncProcess;
  url: string;
  proxy: TcpHoldProxy;
  env: Record<string, string>;
}

/**
 * Starts `backup-sync serve` behind the storage proxy. For s3 the proxy
 * fronts s3rver and becomes S3_ENDPOINT. For the filesystem driver it fronts
 * the server itself and becomes PUBLIC_URL, so the server's port must be
 * known first: it is picked by binding 127.0.0.1:0 and closing again.
 */
async function startServe(baseEnv: Record<string, string>, s3Port: number | undefined, s3: S3rverInstance | undefined): Promise<StartedServe> {
  if (s3 !== undefined && s3Port !== undefined) {
    const proxy = new TcpHoldProxy(s3Port);
    const proxyUrl = await proxy.listen();
    const env = { ...baseEnv, ...s3.env, S3_ENDPOINT: proxyUrl };
    const serve = new BackupSyncProcess(['serve'], env);
    const [, url = ''] = await serve.waitForOutput(/Server listening on (http:\/\/\S+)/);
    return { process: serve, url, proxy, env };
  }

  const port = await freePort();
  const proxy = new TcpHoldProxy(port);
  const proxyUrl = await proxy.listen();
  const env = { ...baseEnv, PORT: String(port), PUBLIC_URL: proxyUrl };
  const serve = new BackupSyncProcess(['serve'], env);
  const [, url = ''] = await serve.waitForOutput(/Server listening on (http:\/\/\S+)/);
  return { process: serve, url, proxy, env };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}
