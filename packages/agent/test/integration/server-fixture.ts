import { startTestServer, type TestServer, type TestStorageKind } from '../../../server/test/helpers/start-test-server.ts';
import { ApiClient } from '../../src/api-client.ts';

export interface Fixture {
  server: TestServer;
  /** Client with the server's SUPERADMIN token. */
  api: ApiClient;
  storeId: string;
}

/** Starts the real cloud API (SQLite, chosen storage, temporary DATA_DIR, 127.0.0.1) with one store. */
export async function startFixture(storage: TestStorageKind = 'filesystem', storeId = 'store-1'): Promise<Fixture> {
  const server = await startTestServer({ database: 'sqlite', storage });
  const api = new ApiClient({ apiUrl: server.url, token: server.token });
  await api.createStore('Tienda Centro', storeId);
  return { server, api, storeId };
}

/** Returns a base URL on which nothing listens: a real server's address after it stopped. */
export async function stoppedServerUrl(): Promise<string> {
  const server = await startTestServer({ database: 'sqlite', storage: 'filesystem' });
  const url = server.url;
  await server.close();
  return url;
}
