import packageJson from '../package.json' with { type: 'json' };

/** The server package's version, reported by `GET /api/health`. */
export const SERVER_VERSION: string = packageJson.version;
