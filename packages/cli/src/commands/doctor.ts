import { createLogger, DOCTOR_CHECK_IDS, runStorageDoctor, type DoctorCheck, type DoctorReport } from '@cloud-backup-sync/server';
import { pino } from 'pino';
import { EXIT_FAILURE, EXIT_OK, message, printLine, type CliContext } from '../cli-context.ts';
import { parseFlags } from '../flags.ts';
import type { CliMessageKey } from '../messages.ts';
import { loadConfigOrReport } from './serve.ts';

/**
 * `backup-sync doctor`: checks the storage of the server configuration (the
 * same environment and .env as `serve`) end to end and prints one line per
 * check. Exits 1 when any check failed; warnings do not change the exit code.
 */
export async function runDoctor(context: CliContext, args: string[]): Promise<number> {
  const values = parseFlags(context, 'doctor', args, { json: { type: 'boolean' } });
  const config = loadConfigOrReport(context);
  if (!config) return EXIT_FAILURE;

  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2));
  const report = await runStorageDoctor(config, { logger });
  const failed = report.checks.filter((check) => check.status === 'fail').length;

  if (values.json) printLine(context.stdout, JSON.stringify(toJson(context, report, failed)));
  else printReport(context, report, failed);
  return failed === 0 ? EXIT_OK : EXIT_FAILURE;
}

function printReport(context: CliContext, report: DoctorReport, failed: number): void {
  printLine(context.stdout, message(context, 'doctor.title', { storage: report.storage }));
  for (const check of report.checks) {
    const status = message(context, statusKey(check));
    printLine(context.stdout, `${status.padEnd(6)} ${message(context, checkKey(check))}: ${describeCheck(context, check)}`);
  }

  const warnings = report.checks.filter((check) => check.status === 'warn').length;
  printLine(context.stdout, message(context, failed === 0 ? 'doctor.summaryOk' : 'doctor.summaryFailed', { failed, warnings }));
}

function toJson(context: CliContext, report: DoctorReport, failed: number) {
  return {
    storage: report.storage,
    ok: failed === 0,
    checks: report.checks.map((check) => ({
      id: check.id,
      status: check.status,
      reason: check.reason,
      params: check.params,
      message: describeCheck(context, check),
    })),
  };
}

function describeCheck(context: CliContext, check: DoctorCheck): string {
  const params = { ...check.params };
  // A skipped check names the earlier check that blocked it, in the reader's language.
  const blockedBy = DOCTOR_CHECK_IDS.find((id) => id === params['check']);
  if (check.reason === 'skipped' && blockedBy !== undefined) params['check'] = message(context, `doctor.check.${blockedBy}`);
  return message(context, `doctor.reason.${check.reason}`, params);
}

function checkKey(check: DoctorCheck): CliMessageKey {
  return `doctor.check.${check.id}`;
}

function statusKey(check: DoctorCheck): CliMessageKey {
  return `doctor.status.${check.status}`;
}
