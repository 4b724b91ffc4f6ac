/**
 * The webhook signature: `X-Atalaya-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes>` keyed with
 * the webhook's secret (the scheme GitHub uses for its webhooks). A receiver recomputes it over the raw
 * body it read, before parsing, and compares in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Atalaya-Signature';

/**
 * The header value for a body.
 * @example signWebhookBody('s3cret', '{}') === 'sha256=' + hex(HMAC-SHA256('s3cret', '{}'))
 */
export function signWebhookBody(secret: string, body: string): string {
  if (secret.length === 0) throw new RangeError('webhook secret must not be empty');
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Whether a received signature header matches the body (constant-time comparison). For receivers and tests. */
export function verifyWebhookSignature(
  secret: string,
  body: string | Buffer,
  header: string | null | undefined,
): boolean {
  if (!header || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('hex'), 'utf8');
  const got = Buffer.from(header.slice('sha256='.length), 'utf8');
  return got.length === expected.length && timingSafeEqual(got, expected);
}
