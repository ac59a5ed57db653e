export { createSuperadmin, runRetention } from './commands.ts';
export { ConfigError, loadConfig, type Config } from './config/config.ts';
export { readEnv } from './config/read-env.ts';
export { createLogger } from './http/logger.ts';
export { InvalidEmailError } from './services/admin-service.ts';
export { AppError } from './http/app-error.ts';
export type { RetentionResult, WouldDeleteBackup } from './services/retention-service.ts';
export { startServer, type RunningServer } from './server.ts';
