/** Outcome of one doctor check. `not-applicable` covers checks that do not apply to the driver and checks skipped after an earlier failure. */
export type DoctorStatus = 'ok' | 'warn' | 'fail' | 'not-applicable';

/** The checks, in the order they run and are printed. */
export const DOCTOR_CHECK_IDS = [
  'credentials',
  'bucket',
  'put',
  'altered-bytes',
  'get',
  'delete',
  'cleanup',
  'cors',
  'clock-skew',
  'lifecycle',
] as const;
export type DoctorCheckId = (typeof DOCTOR_CHECK_IDS)[number];

/**
 * Cause of a check's status. The CLI turns each reason into a sentence of
 * its message catalogue, in Spanish or English, filled with `params`.
 */
export type DoctorReason =
  | 'filesystem-only'
  | 'skipped'
  | 'credentials-accepted'
  | 'credentials-rejected'
  | 'storage-unreachable'
  | 'bucket-reachable'
  | 'bucket-missing'
  | 'bucket-denied'
  | 'folder-writable'
  | 'folder-failed'
  | 'put-accepted'
  | 'put-rejected'
  | 'put-failed'
  | 'altered-rejected'
  | 'altered-not-checked'
  | 'altered-failed'
  | 'get-same'
  | 'get-different'
  | 'get-rejected'
  | 'delete-removed'
  | 'delete-still-there'
  | 'delete-failed'
  | 'cleanup-done'
  | 'cleanup-failed'
  | 'cors-ok'
  | 'cors-missing'
  | 'cors-incomplete'
  | 'cors-unreadable'
  | 'skew-ok'
  | 'skew-high'
  | 'skew-no-date'
  | 'lifecycle-ok'
  | 'lifecycle-missing'
  | 'lifecycle-no-abort-rule'
  | 'lifecycle-unreadable';

export interface DoctorCheck {
  id: DoctorCheckId;
  status: DoctorStatus;
  reason: DoctorReason;
  params: Record<string, string | number>;
}

export interface DoctorReport {
  storage: 'filesystem' | 's3';
  /** One entry per id of `DOCTOR_CHECK_IDS`, in that order. */
  checks: DoctorCheck[];
}

/** Collects checks by id; ids never recorded are reported as skipped after `blockedBy`. */
export class DoctorChecks {
  readonly #checks = new Map<DoctorCheckId, DoctorCheck>();

  record(id: DoctorCheckId, status: DoctorStatus, reason: DoctorReason, params: Record<string, string | number> = {}): void {
    this.#checks.set(id, { id, status, reason, params });
  }

  has(id: DoctorCheckId): boolean {
    return this.#checks.has(id);
  }

  isOk(id: DoctorCheckId): boolean {
    return this.#checks.get(id)?.status === 'ok';
  }

  /** Returns every check in order, marking the unrecorded ones as skipped because `blockedBy` failed. */
  toList(blockedBy: DoctorCheckId): DoctorCheck[] {
    return DOCTOR_CHECK_IDS.map(
      (id) => this.#checks.get(id) ?? { id, status: 'not-applicable' as const, reason: 'skipped' as const, params: { check: blockedBy } },
    );
  }
}
