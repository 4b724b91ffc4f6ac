/**
 * The webhook delivery worker: claims due outbox rows, POSTs them, records the outcome, schedules retries.
 *
 * - Never blocks evaluation: evaluation only writes the outbox (webhook-outbox.ts); this runs on its own.
 * - A slow receiver holds only its own request: each POST has a timeout (AbortController), requests to
 *   different chains run concurrently, and one chain's requests run one after another (the order
 *   guarantee of webhook-outbox.ts).
 * - Never loses an alert: a failure is retried with capped exponential backoff and full jitter
 *   (webhook-backoff.ts); after maxAttempts the row is marked dead, kept and logged, never deleted.
 * - At least once, deduplicated by the receiver: every POST carries `Idempotency-Key` (stable per alert
 *   event) and `X-Atalaya-Signature: sha256=<HMAC-SHA256 of the body>`.
 *
 * Time comes from the injected `now()`, randomness from `random()`, HTTP from `fetch`; only the request
 * timeout and the loop's idle wait use real timers.
 */
import {
  DEFAULT_RETRY_POLICY,
  nextAttemptAt,
  parseRetryAfterMs,
  type RetryPolicy,
} from './webhook-backoff.js';
import type { OutboxDelivery, OutboxStore } from './webhook-outbox.js';
import { SIGNATURE_HEADER, signWebhookBody } from './webhook-signature.js';

/** The subset of a pino logger used here. */
export interface DeliveryLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WebhookDeliveryOptions {
  store: OutboxStore;
  /** `globalThis.fetch` live; anything with its signature in tests. */
  fetch: typeof fetch;
  /** The clock, epoch ms. */
  now: () => number;
  /** Uniform in [0, 1); Math.random by default. */
  random?: () => number;
  policy?: RetryPolicy;
  /** Per request (connect, send, response and body), ms. Default 10 s. */
  timeoutMs?: number;
  /** Rows claimed per run. Default 50. */
  batchSize?: number;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  /**
   * How long a claim is held, ms. It must cover a whole pass, ⌈batchSize / concurrency⌉ requests back to
   * back, or another worker could claim a row still waiting its turn here (harmless — the receiver
   * deduplicates — but wasteful). Default timeoutMs · (⌈batchSize / concurrency⌉ + 1) + 5 s.
   */
  leaseMs?: number;
  userAgent?: string;
  log?: DeliveryLog;
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'dead' | 'released';

export interface DeliveryRunSummary {
  claimed: number;
  delivered: number;
  retried: number;
  dead: number;
  /** Claimed but given back unattempted (an earlier delivery of the same chain failed in this run). */
  released: number;
  /** Store errors: the row's lease will expire and it will be tried again. */
  storeErrors: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const ERROR_BODY_CHARS = 200;

/**
 * One pass: claim due rows (≤ batchSize), deliver them, record each outcome. Resolves when every claimed
 * row is settled; never rejects for a receiver's failure (only if claimDue itself fails).
 */
export async function deliverDueWebhooks(options: WebhookDeliveryOptions): Promise<DeliveryRunSummary> {
  const o = resolve(options);
  const summary: DeliveryRunSummary = {
    claimed: 0,
    delivered: 0,
    retried: 0,
    dead: 0,
    released: 0,
    storeErrors: 0,
  };
  const claimed = await o.store.claimDue(o.now(), o.batchSize, o.leaseMs);
  summary.claimed = claimed.length;

  // One lane per (webhook, ordering key): in order within, concurrent across.
  const lanes = new Map<string, OutboxDelivery[]>();
  for (const d of claimed) {
    const k = `${d.webhookId}\u0000${d.orderingKey}`;
    const lane = lanes.get(k);
    if (lane) lane.push(d);
    else lanes.set(k, [d]);
  }
  const queue = [...lanes.values()];
  const worker = async () => {
    for (let lane = queue.shift(); lane; lane = queue.shift()) {
      let blocked = false;
      for (const d of lane) {
        const outcome = blocked ? await release(o, d, summary) : await deliverOne(o, d, summary);
        if (outcome === 'retry' || outcome === 'released' || outcome === null) blocked = true;
        count(summary, outcome);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, queue.length) }, worker));
  return summary;
}

/**
 * Runs deliverDueWebhooks over and over: at once again while batches come back full, otherwise after
 * `pollIntervalMs` or when woken (call `wake()` after committing new outbox rows).
 */
export class WebhookDeliveryLoop {
  private running = false;
  private done: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;

  constructor(
    private readonly options: WebhookDeliveryOptions,
    private readonly pollIntervalMs = 1000,
  ) {
    if (!(pollIntervalMs > 0)) throw new RangeError(`pollIntervalMs must be positive, got ${pollIntervalMs}`);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = this.run();
  }

  /** Stop after the current pass; resolves when it has finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.done;
  }

  wake(): void {
    this.woken = true;
    if (this.timer) clearTimeout(this.timer);
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 50;
    while (this.running) {
      this.woken = false;
      let full = false;
      try {
        full = (await deliverDueWebhooks(this.options)).claimed >= batchSize;
      } catch (err) {
        this.options.log?.error({ err }, 'webhook outbox: claiming due deliveries failed');
      }
      if (full || this.woken || !this.running) continue;
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
        this.timer = setTimeout(resolve, this.pollIntervalMs);
        this.timer.unref?.();
      });
      this.wakeUp = null;
      this.timer = null;
    }
  }
}

/**
 * The headers of a delivery POST.
 * @param attempt 1 for the first try
 */
export function webhookHeaders(
  d: Pick<OutboxDelivery, 'id' | 'idempotencyKey' | 'secret' | 'body'>,
  attempt: number,
  userAgent = 'Atalaya-Webhooks/1',
): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': userAgent,
    'Idempotency-Key': d.idempotencyKey,
    [SIGNATURE_HEADER]: signWebhookBody(d.secret, d.body),
    'X-Atalaya-Delivery': String(d.id),
    'X-Atalaya-Attempt': String(attempt),
  };
}

type Resolved = Required<Omit<WebhookDeliveryOptions, 'log'>> & { log: DeliveryLog | undefined };

function resolve(o: WebhookDeliveryOptions): Resolved {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const batchSize = o.batchSize ?? 50;
  const concurrency = o.concurrency ?? 8;
  const rounds = Math.ceil(batchSize / concurrency);
  const r: Resolved = {
    store: o.store,
    fetch: o.fetch,
    now: o.now,
    random: o.random ?? Math.random,
    policy: o.policy ?? DEFAULT_RETRY_POLICY,
    timeoutMs,
    batchSize,
    concurrency,
    leaseMs: o.leaseMs ?? timeoutMs * (rounds + 1) + 5000,
    userAgent: o.userAgent ?? 'Atalaya-Webhooks/1',
    log: o.log,
  };
  if (!(r.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${r.timeoutMs}`);
  if (!Number.isInteger(r.batchSize) || r.batchSize < 1)
    throw new RangeError(`batchSize must be an integer ≥ 1, got ${r.batchSize}`);
  if (!Number.isInteger(r.concurrency) || r.concurrency < 1)
    throw new RangeError(`concurrency must be an integer ≥ 1, got ${r.concurrency}`);
  if (!(r.leaseMs > r.timeoutMs * rounds)) {
    throw new RangeError(
      `leaseMs (${r.leaseMs}) must exceed timeoutMs × ⌈batchSize / concurrency⌉ (${r.timeoutMs * rounds})`,
    );
  }
  return r;
}

interface Attempt {
  ok: boolean;
  status: number | null;
  error: string;
  retryAfterMs: number | null;
}

async function deliverOne(
  o: Resolved,
  d: OutboxDelivery,
  summary: DeliveryRunSummary,
): Promise<DeliveryOutcome | null> {
  const attempt = d.attempts + 1;
  const result = await post(o, d, attempt);
  const at = o.now();
  try {
    if (result.ok) {
      await o.store.markDelivered(d.id, at, result.status!);
      return 'delivered';
    }
    if (attempt >= o.policy.maxAttempts) {
      await o.store.markDead(d.id, at, result.error, result.status);
      o.log?.error(
        {
          deliveryId: d.id,
          webhookId: d.webhookId,
          idempotencyKey: d.idempotencyKey,
          attempts: attempt,
          status: result.status,
          error: result.error,
        },
        'webhook delivery dead after its last attempt; kept in the outbox for requeue',
      );
      return 'dead';
    }
    const next = nextAttemptAt(at, attempt, o.policy, o.random, result.retryAfterMs);
    await o.store.markFailed(d.id, at, result.error, next, result.status);
    o.log?.warn(
      {
        deliveryId: d.id,
        webhookId: d.webhookId,
        attempt,
        status: result.status,
        error: result.error,
        nextAttemptAt: next,
      },
      'webhook delivery failed; will retry',
    );
    return 'retry';
  } catch (err) {
    summary.storeErrors++;
    o.log?.error(
      { err, deliveryId: d.id },
      'webhook outbox: recording a delivery outcome failed; the lease will expire and it will be retried',
    );
    return null;
  }
}

async function release(
  o: Resolved,
  d: OutboxDelivery,
  summary: DeliveryRunSummary,
): Promise<DeliveryOutcome | null> {
  try {
    await o.store.release(d.id, o.now());
    return 'released';
  } catch (err) {
    summary.storeErrors++;
    o.log?.error(
      { err, deliveryId: d.id },
      'webhook outbox: releasing a claimed delivery failed; its lease will expire',
    );
    return null;
  }
}

async function post(o: Resolved, d: OutboxDelivery, attempt: number): Promise<Attempt> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, o.timeoutMs);
  try {
    const res = await o.fetch(d.url, {
      method: 'POST',
      headers: webhookHeaders(d, attempt, o.userAgent),
      body: d.body,
      signal: controller.signal,
      // A redirected POST would turn into a GET: treat 3xx as a failure for the operator to fix.
      redirect: 'manual',
    });
    if (res.status >= 200 && res.status < 300) {
      await res.body?.cancel().catch(() => {});
      return { ok: true, status: res.status, error: '', retryAfterMs: null };
    }
    const text = await res.text().catch(() => '');
    const retryAfterMs =
      res.status === 429 || res.status === 503
        ? parseRetryAfterMs(res.headers.get('retry-after'), o.now())
        : null;
    return {
      ok: false,
      status: res.status,
      error: `HTTP ${res.status}${text ? `: ${text.slice(0, ERROR_BODY_CHARS)}` : ''}`,
      retryAfterMs,
    };
  } catch (err) {
    const error = timedOut ? `timed out after ${o.timeoutMs} ms` : describe(err);
    return { ok: false, status: null, error, retryAfterMs: null };
  } finally {
    clearTimeout(timer);
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const code =
      cause && typeof cause === 'object' && 'code' in cause
        ? String((cause as { code: unknown }).code)
        : null;
    return code ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

function count(s: DeliveryRunSummary, outcome: DeliveryOutcome | null): void {
  if (outcome === 'delivered') s.delivered++;
  else if (outcome === 'retry') s.retried++;
  else if (outcome === 'dead') s.dead++;
  else if (outcome === 'released') s.released++;
}
