/**
 * Operators' screens following GET /api/alerts/stream for the whole run: each listener is one
 * keep-alive connection reading Server-Sent Events. A stream that fails to open or ends before the run
 * does is an error; the events each one received are counted.
 */
import http from 'node:http';

export interface SseListeners {
  /** Streams open now. */
  open(): number;
  /** Events received, per listener. */
  events(): number[];
  /** Streams that could not open or ended early, with why. */
  failures(): string[];
  /** Closes every stream (the end of the run: not a failure). */
  close(): void;
}

/** Opens `count` streams, spread over `baseUrls`, and resolves once each has its 200 answer. */
export async function openSseListeners(baseUrls: readonly string[], count: number): Promise<SseListeners> {
  const failures: string[] = [];
  const events = new Array<number>(count).fill(0);
  const requests: http.ClientRequest[] = [];
  let closing = false;
  let open = 0;
  await Promise.all(
    Array.from(
      { length: count },
      (_, i) =>
        new Promise<void>((resolve) => {
          const fail = (why: string) => {
            if (!closing) failures.push(`stream ${i + 1}: ${why}`);
            resolve();
          };
          const url = new URL('/api/alerts/stream', baseUrls[i % baseUrls.length]);
          const req = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
            if (res.statusCode !== 200) {
              fail(`answered ${res.statusCode}`);
              res.resume();
              return;
            }
            open++;
            resolve();
            res.setEncoding('utf8');
            let pending = '';
            res.on('data', (chunk: string) => {
              pending += chunk;
              const blocks = pending.split('\n\n');
              pending = blocks.pop()!;
              for (const b of blocks) if (/^event: /m.test(b)) events[i]!++;
            });
            res.on('close', () => {
              open--;
              fail('the stream ended before the run did');
            });
          });
          req.on('error', (error) => fail(error.message));
          requests.push(req);
        }),
    ),
  );
  return {
    open: () => open,
    events: () => [...events],
    failures: () => [...failures],
    close() {
      closing = true;
      for (const r of requests) r.destroy();
    },
  };
}
