/**
 * The API token the user signed in with. Kept in sessionStorage (gone when the tab closes, never
 * shared with other tabs' sessions) and never put in a URL: links are shared, tokens must not be.
 * The API client reads it for every request (api-client.ts).
 */

const STORAGE_KEY = 'atalaya.token';

/** The shape of an Atalaya token (server/auth/api-token.ts, bearerToken). */
export const TOKEN_PATTERN = /^atl_[A-Za-z0-9_-]{20,100}$/;

let current: string | null | undefined;

/** The token in use, or null when signed out. */
export function authToken(): string | null {
  if (current === undefined) current = readStorage();
  return current;
}

/** Signs in (a token) or out (null) for this tab. */
export function setAuthToken(token: string | null): void {
  current = token;
  try {
    if (token) window.sessionStorage.setItem(STORAGE_KEY, token);
    else window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage disabled (private mode, policy): the token then lasts until the page reloads.
  }
}

/** Whether pasted text looks like a token, once trimmed. */
export function isTokenShaped(text: string): boolean {
  return TOKEN_PATTERN.test(text.trim());
}

function readStorage(): string | null {
  try {
    const stored = window.sessionStorage.getItem(STORAGE_KEY);
    return stored && TOKEN_PATTERN.test(stored) ? stored : null;
  } catch {
    return null;
  }
}
