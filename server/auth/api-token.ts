import { createHash, randomBytes } from 'node:crypto';

/** Prefix that makes a leaked Atalaya token easy to recognise in logs and secret scanners. */
export const TOKEN_PREFIX = 'atl_';

/** A new secret: 32 random bytes, base64url, with the prefix. Shown once, stored only hashed. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * SHA-256 of the secret, hex. A fast hash is right here: the secret has 256 bits of entropy, so
 * unlike a password it needs no slow key-derivation function to resist guessing.
 */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The token from an `Authorization: Bearer atl_…` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(atl_[A-Za-z0-9_-]{20,100})\s*$/.exec(header);
  return m ? m[1]! : null;
}
