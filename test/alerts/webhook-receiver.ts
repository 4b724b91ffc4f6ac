/**
 * A real HTTP webhook receiver on 127.0.0.1 for the delivery tests: records every request, verifies the
 * signature, deduplicates by Idempotency-Key the way a well-behaved receiver should, and can be told to be
 * down, to fail, or to hang.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../server/alerts/webhook-signature.js';

export interface ReceivedRequest {
  key: string | null;
  attempt: string | null;
  body: string;
  signature: string | null;
  signatureValid: boolean;
}

/** What to do with a request: answer with a status, or never answer. */
export type Behaviour = (
  req: ReceivedRequest,
) => { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface TestReceiver {
  url: string;
  port: number;
  /** Every request, in arrival order. */
  requests: ReceivedRequest[];
  /** Keys acted on (answered 2xx the first time they were seen), in order. */
  processed: string[];
  behaviour: Behaviour;
  /** Start listening on the receiver's port (again). */
  up(): Promise<void>;
  /** Stop listening and drop open connections. */
  down(): Promise<void>;
}

/** A receiver on a free port, initially down or up. */
export async function createReceiver(secret: string, initially: 'up' | 'down' = 'up'): Promise<TestReceiver> {
  let server: Server | null = null;
  const port = await freePort();
  const r: TestReceiver = {
    url: `http://127.0.0.1:${port}/hooks/atalaya`,
    port,
    requests: [],
    processed: [],
    behaviour: () => ({ status: 204 }),
    async up() {
      if (server) return;
      server = createServer((req, res) => {
        void readBody(req).then((body) => {
          const received: ReceivedRequest = {
            key: header(req, 'idempotency-key'),
            attempt: header(req, 'x-atalaya-attempt'),
            body,
            signature: header(req, 'x-atalaya-signature'),
            signatureValid: verifyWebhookSignature(secret, body, header(req, 'x-atalaya-signature')),
          };
          r.requests.push(received);
          const answer = r.behaviour(received);
          if (answer === 'hang') return;
          if (
            answer.status >= 200 &&
            answer.status < 300 &&
            received.key &&
            !r.processed.includes(received.key)
          ) {
            r.processed.push(received.key);
          }
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body ?? '');
        });
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, '127.0.0.1', () => resolve());
      });
    },
    async down() {
      const s = server;
      server = null;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
  if (initially === 'up') await r.up();
  return r;
}

/** A port the OS just handed out and took back: nothing listens there until up(). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
