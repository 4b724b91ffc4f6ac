import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp } from '../../server/app.js';
import { createLogger } from '../../server/logger.js';
import { testDatabase } from './test-database.js';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** The real application on the test database, listening on a free loopback port. */
export async function startTestServer(): Promise<TestServer> {
  const db = await testDatabase();
  const app = createApp({ db, log: createLogger('silent') });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
