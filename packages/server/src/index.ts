export { createSuperadmin, runRetention } from './commands.ts';
export { ConfigError, loadConfig, type Config } from './config/config.ts';
export { readEnv } from './config/read-env.ts';
export { createLogger } from './http/logger.ts';
export { InvalidEmailError } from './services/admin-service.ts';
export type { RetentionResult } from './services/retention-service.ts';
export { startServer, type RunningServer } from './server.ts';
export { runStorageDoctor } from './doctor/storage-doctor.ts';
export { DOCTOR_CHECK_IDS, type DoctorCheck, type DoctorCheckId, type DoctorReason, type DoctorReport, type DoctorStatus } from './doctor/doctor-report.ts';
