// One sync pass through the library, for the benchmark: prints the wall time
// and this process's peak RSS as JSON on standard output.
import { CloudBackupSync } from '@cloud-backup-sync/agent';
import { pino } from 'pino';

const [backupsDir, storeId, apiUrl, token] = process.argv.slice(2);
if (!backupsDir || !storeId || !apiUrl || !token) {
  throw new Error('usage: node bench/agent-pass.ts BACKUPS_DIR STORE_ID API_URL TOKEN');
}

const sync = new CloudBackupSync({ backupsDir, storeId, apiUrl, token, settleMs: 0, logger: pino({ level: 'warn' }, pino.destination(2)) });
const started = performance.now();
await sync.syncNow();
const elapsedMs = performance.now() - started;

const state = sync.getState();
const ok = state.pendingBackups.length === 0 && state.failedBackups.length === 0;
console.log(JSON.stringify({ ok, elapsedMs, maxRssKiB: process.resourceUsage().maxRSS }));
