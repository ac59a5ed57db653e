import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiClient } from '@cloud-backup-sync/agent';
import { writeStoredZip } from './stored-zip.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'packages', 'cli', 'bin', 'backup-sync.ts');
const WORK_DIR = join(ROOT, 'bench', '.work');
const REPORT = join(ROOT, 'docs', 'benchmarks.md');
const BACKUP_BYTES = 1024 ** 3;
const ZIP_NAME = 'bench-1gib.zip';

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs a command to completion and measures its wall time. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, elapsedMs: performance.now() - started }));
  });
}

function check(step: string, finished: Finished): Finished {
  if (finished.code !== 0) throw new Error(`${step} failed with exit code ${finished.code}:\n${finished.stderr}`);
  return finished;
}

/** Starts `backup-sync serve` on embedded defaults in a temporary DATA_DIR; resolves with its URL. */
async function startServer(env: NodeJS.ProcessEnv): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (text: string) => {
      output += text;
      const match = /Server listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('close', (code) => reject(new Error(`backup-sync serve exited with ${code}:\n${output}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('close');
        child.once('close', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface Sync1GiBResult {
  baselineMs: number;
  sha256sumMs: number;
  curlMs: number;
  cliMs: number;
  cliMaxRssKiB: number;
  libraryMs: number;
  /** The same pass timed inside the child process, without Node.js start-up. */
  libraryPassMs: number;
  libraryMaxRssKiB: number;
}

/**
 * Uploads one 1 GiB zip three ways against the same local server and
 * compares them: `sha256sum` + `curl -T` to a presigned URL (the floor any
 * uploader must pay: read and hash once, send once), `backup-sync agent
 * --once` (the real command, including Node start-up and the 2 s settle
 * check), and one CloudBackupSync pass with settleMs 0 (the pipeline alone).
 */
export async function runSync1GiBBenchmark(): Promise<Sync1GiBResult> {
  for (const tool of ['sha256sum', 'curl', '/usr/bin/time']) {
    const found = await run('sh', ['-c', `command -v ${tool}`]);
    if (found.code !== 0) throw new Error(`${tool} is not installed; the benchmark needs it`);
  }

  await rm(WORK_DIR, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LC_ALL: 'en_US.UTF-8',
    DATA_DIR: join(WORK_DIR, 'data'),
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
  };
  for (const name of Object.keys(env)) if (name.startsWith('S3_') || name === 'DATABASE_URL') delete env[name];
  const server = await startServer(env);

  try {
    const admin = check('create-superadmin', await run(process.execPath, [CLI, 'admin', 'create-superadmin', '--email', 'bench@example.com', '--json'], env));
    const { token } = JSON.parse(admin.stdout) as { token: string };
    const client = new ApiClient({ apiUrl: server.url, token, locale: 'en' });
    for (const id of ['bench-baseline', 'bench-cli', 'bench-library']) await client.createStore(`Benchmark ${id}`, id);

    console.log(`Writing a 1 GiB zip into ${WORK_DIR} …`);
    const zipPath = join(WORK_DIR, ZIP_NAME);
    await writeStoredZip(zipPath, 'datos.bin', BACKUP_BYTES);
    const sizeBytes = (await stat(zipPath)).size;
    // Hard links give each run its own folder and state file without another GiB on disk.
    const cliDir = join(WORK_DIR, 'backups-cli');
    const libraryDir = join(WORK_DIR, 'backups-library');
    for (const dir of [cliDir, libraryDir]) {
      await mkdir(dir);
      await link(zipPath, join(dir, ZIP_NAME));
    }
    // Warm the page cache so that no run pays the first read from disk.
    check('warm-up read', await run('sh', ['-c', `cat "${zipPath}" > /dev/null`]));

    console.log('Baseline: sha256sum + curl -T …');
    const sha256sum = check('sha256sum', await run('sha256sum', [zipPath]));
    const sha256 = sha256sum.stdout.split(' ')[0] ?? '';
    const answer = await client.requestUpload({ storeId: 'bench-baseline', fileName: ZIP_NAME, sha256, sizeBytes });
    if ('exists' in answer) throw new Error('the baseline store already has this backup');
    const curl = check('curl -T', await run('curl', ['-sS', '-f', '-o', '/dev/null', '-T', zipPath, answer.uploadUrl]));
    await client.confirmUpload(answer.backupId, sha256);

    console.log('backup-sync agent --once …');
    const cli = check(
      'backup-sync agent --once',
      await run('/usr/bin/time', ['-f', 'maxrss-kib=%M', process.execPath, CLI, 'agent', '--once', '--store', 'bench-cli', '--dir', cliDir], {
        ...env,
        BACKUP_SYNC_API: server.url,
        BACKUP_SYNC_TOKEN: token,
      }),
    );
    const cliMaxRssKiB = Number(/maxrss-kib=(\d+)/.exec(cli.stderr)?.[1]);

    console.log('CloudBackupSync.syncNow() …');
    const library = check('agent-pass', await run(process.execPath, [join(ROOT, 'bench', 'agent-pass.ts'), libraryDir, 'bench-library', server.url, token], env));
    const libraryResult = JSON.parse(library.stdout) as { ok: boolean; elapsedMs: number; maxRssKiB: number };
    if (!libraryResult.ok) throw new Error(`the library pass left pending or failed backups:\n${library.stderr}`);

    const { backups } = await client.listBackups();
    const available = backups.filter((backup) => backup.sha256 === sha256 && backup.status === 'AVAILABLE');
    if (available.length !== 3) throw new Error(`expected 3 AVAILABLE copies, found ${JSON.stringify(backups)}`);

    return {
      baselineMs: sha256sum.elapsedMs + curl.elapsedMs,
      sha256sumMs: sha256sum.elapsedMs,
      curlMs: curl.elapsedMs,
      cliMs: cli.elapsedMs,
      cliMaxRssKiB,
      libraryMs: library.elapsedMs,
      libraryPassMs: libraryResult.elapsedMs,
      libraryMaxRssKiB: libraryResult.maxRssKiB,
    };
  } finally {
    await server.stop();
    await rm(WORK_DIR, { recursive: true, force: true });
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mebibytes = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

export function describeResult(result: Sync1GiBResult): string[] {
  return [
    `baseline (sha256sum + curl -T): ${seconds(result.baselineMs)} (sha256sum ${seconds(result.sha256sumMs)}, curl ${seconds(result.curlMs)})`,
    `backup-sync agent --once:       ${seconds(result.cliMs)}, ratio ${(result.cliMs / result.baselineMs).toFixed(2)}, peak RSS ${mebibytes(result.cliMaxRssKiB)}`,
    `CloudBackupSync.syncNow():      ${seconds(result.libraryMs)} (the pass alone ${seconds(result.libraryPassMs)}), ratio ${(result.libraryMs / result.baselineMs).toFixed(2)}, peak RSS ${mebibytes(result.libraryMaxRssKiB)}`,
  ];
}

const TABLE_HEADER = [
  '| date (UTC) | machine | Node | baseline: `sha256sum` + `curl -T` | `backup-sync agent --once` | ratio | peak RSS | `syncNow()`, settle 0 | ratio | peak RSS |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];

/** Appends one row to the results table of docs/benchmarks.md, keeping earlier rows. */
export async function recordResult(result: Sync1GiBResult): Promise<void> {
  const machine = `${availableParallelism()} CPU (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM`;
  const row = [
    new Date().toISOString().slice(0, 16).replace('T', ' '),
    machine,
    process.version,
    seconds(result.baselineMs),
    seconds(result.cliMs),
    (result.cliMs / result.baselineMs).toFixed(2),
    mebibytes(result.cliMaxRssKiB),
    seconds(result.libraryMs),
    (result.libraryMs / result.baselineMs).toFixed(2),
    mebibytes(result.libraryMaxRssKiB),
  ];

  const current = existsSync(REPORT) ? await readFile(REPORT, 'utf8') : '# Benchmarks\n';
  const { before, section, after } = splitSection(current);
  const previousRows = section.split('\n').filter((line) => /^\| \d{4}-\d{2}-\d{2} /.test(line));
  const updated = sectionText([...previousRows, `| ${row.join(' | ')} |`]);
  await writeFile(REPORT, `${before.trimEnd()}\n\n${updated}${after === '' ? '' : `\n${after}`}`);
}

const SECTION_HEADING = '## Syncing a 1 GiB backup';

/** Splits the report around this benchmark's section, so the other sections stay as they are. */
function splitSection(report: string): { before: string; section: string; after: string } {
  const start = report.indexOf(SECTION_HEADING);
  if (start === -1) return { before: report, section: '', after: '' };

  const next = report.indexOf('\n## ', start + SECTION_HEADING.length);
  const end = next === -1 ? report.length : next + 1;
  return { before: report.slice(0, start), section: report.slice(start, end), after: report.slice(end) };
}

function sectionText(rows: string[]): string {
  return `${SECTION_HEADING}

Command: \`npm run bench\` (runs \`node bench/run.ts\`; needs \`sha256sum\`, \`curl\`
and GNU \`/usr/bin/time\`, and about 1 GiB of free disk in \`bench/.work/\`).

The benchmark starts \`backup-sync serve\` on the embedded defaults: SQLite and
the filesystem storage driver in a temporary \`DATA_DIR\`, on 127.0.0.1. It
writes one valid zip holding a single stored 1 GiB entry of random bytes and
reads it once to warm the page cache. Then it uploads the zip three times, to
three stores:

- **baseline**: \`sha256sum FILE\` plus \`curl -T FILE <presigned upload URL>\`,
  the least any uploader can do (read and hash the file once, send it once).
  The time is the sum of the two commands.
- **\`backup-sync agent --once\`**: the real command, measured from outside,
  including Node.js start-up, the 2 s check that the file stopped changing,
  hashing, the upload and its confirmation. Peak RSS comes from
  \`/usr/bin/time -f %M\`.
- **\`syncNow()\`, settle 0**: one \`CloudBackupSync.syncNow()\` pass in a child
  process with \`settleMs: 0\` (\`bench/agent-pass.ts\`), timed from outside
  like the command, so Node.js start-up is included. Peak RSS is that
  process's \`process.resourceUsage().maxRSS\`.

Ratio is the time divided by the baseline's. The server runs on the same
machine, so the network is loopback and the numbers measure CPU and disk
work, not a real uplink.

${[...TABLE_HEADER, ...rows].join('\n')}
`;
}
