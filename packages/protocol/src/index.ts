export * from './error-codes.ts';
export * from './i18n.ts';
export * from './messages.ts';
export * from './schemas.ts';
export * from './sync-state.ts';
