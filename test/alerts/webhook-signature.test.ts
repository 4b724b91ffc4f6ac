import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from '../../server/alerts/webhook-signature.js';

describe('webhook signature', () => {
  it('is HMAC-SHA256 in hex (RFC 4231 test case 2)', () => {
    expect(signWebhookBody('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('verifies the right body and secret only', () => {
    const body = '{"id":"atalaya-alert-1-event-2","type":"alert.firing"}';
    const sig = signWebhookBody('s3cret', body);
    expect(verifyWebhookSignature('s3cret', body, sig)).toBe(true);
    expect(verifyWebhookSignature('s3cret', Buffer.from(body), sig)).toBe(true);
    expect(verifyWebhookSignature('s3cret', body.replace('firing', 'resolved'), sig)).toBe(false);
    expect(verifyWebhookSignature('other', body, sig)).toBe(false);
    expect(verifyWebhookSignature('s3cret', body, sig.replace('sha256=', 'sha1='))).toBe(false);
    expect(verifyWebhookSignature('s3cret', body, undefined)).toBe(false);
  });

  it('refuses an empty secret', () => {
    expect(() => signWebhookBody('', '{}')).toThrow(/secret/);
  });
});
