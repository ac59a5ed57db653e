import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI_PATH = fileURLToPath(new URL('../../packages/cli/bin/backup-sync.ts', import.meta.url));
/** The plain-JavaScript launcher that package.json's `bin` points at. */
export const LAUNCHER_PATH = fileURLToPath(new URL('../../packages/cli/bin/backup-sync.js', import.meta.url));

/** Node.js binary and script a `BackupSyncProcess` runs; by default this Node.js and the TypeScript entry. */
export interface Runtime {
  node: string;
  script: string;
}

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * A running `backup-sync` child process with its output collected. The
 * environment is the test's own plus `env`, in English so tests can match
 * messages, and without the caller's BACKUP_SYNC_* variables.
 */
export class BackupSyncProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly #exited: Promise<ExitResult>;
  #listeners: Array<() => void> = [];

  constructor(
    args: string[],
    env: Record<string, string | undefined> = {},
    cwd?: string,
    runtime: Runtime = { node: process.execPath, script: CLI_PATH },
  ) {
    const baseEnv = { ...process.env };
    delete baseEnv.BACKUP_SYNC_API;
    delete baseEnv.BACKUP_SYNC_TOKEN;
    for (const name of Object.keys(baseEnv)) {
      if (name.startsWith('S3_') || name === 'DATABASE_URL' || name === 'DATA_DIR') delete baseEnv[name];
    }

    this.child = spawn(runtime.node, [runtime.script, ...args], {
      cwd,
      env: { ...baseEnv, LC_ALL: 'en_US.UTF-8', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      this.stdout += text;
      this.#notify();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderr += text;
      this.#notify();
    });
    this.#exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => {
        this.#notify();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  exited(): Promise<ExitResult> {
    return this.#exited;
  }

  /**
   * Resolves with the first match of `pattern` in stdout + stderr. Rejects if
   * the process exits first, with its output, so a failed start is explained.
   */
  waitForOutput(pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = (this.stdout + this.stderr).match(pattern);
        if (match) {
          this.#listeners = this.#listeners.filter((listener) => listener !== check);
          resolve(match);
          return;
        }
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
          this.#listeners = this.#listeners.filter((listener) => listener !== check);
          reject(new Error(`backup-sync exited (${this.child.exitCode ?? this.child.signalCode}) before printing ${pattern}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`));
        }
      };
      this.#listeners.push(check);
      check();
    });
  }

  /** Sends `signal` and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitResult> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.#exited;
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/** Runs `backup-sync` to completion. */
export function runBackupSync(
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd?: string,
  runtime?: Runtime,
): Promise<ExitResult> {
  return new BackupSyncProcess(args, env, cwd, runtime).exited();
}
