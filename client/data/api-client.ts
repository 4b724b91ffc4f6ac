/**
 * Fetches from Atalaya's own API (same origin). Problem details (RFC 9457) become ApiError with
 * the server's title and detail, so panels can show what went wrong. When the user has signed in,
 * every request carries `Authorization: Bearer <token>` (data/auth-token.ts).
 */
import { authToken } from './auth-token.js';

export class ApiError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
  ) {
    super(`${url}: ${status} ${title}${detail ? ` — ${detail}` : ''}`);
    this.name = 'ApiError';
  }
}

/**
 * GETs a JSON (or GeoJSON) document; throws ApiError on an HTTP error and TypeError when offline.
 * `token` replaces the signed-in user's (checking a pasted token before signing in with it).
 */
export async function getJson<T>(url: string, signal?: AbortSignal, token?: string | null): Promise<T> {
  const response = await fetch(url, {
    signal,
    headers: { accept: 'application/geo+json, application/json', ...authHeader(token) },
  });
  if (!response.ok) throw await apiError(url, response);
  return (await response.json()) as T;
}

/** POSTs a JSON body (or none) and reads the JSON answer; throws ApiError on an HTTP error. */
export async function postJson<T>(url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    signal,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...authHeader(),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw await apiError(url, response);
  return (await response.json()) as T;
}

/** The Authorization header of the signed-in user; none when signed out. */
export function authHeader(token?: string | null): Record<string, string> {
  const use = token === undefined ? authToken() : token;
  return use ? { authorization: `Bearer ${use}` } : {};
}

async function apiError(url: string, response: Response): Promise<ApiError> {
  let title = response.statusText;
  let detail: string | undefined;
  if (response.headers.get('content-type')?.includes('json')) {
    const problem = (await response.json().catch(() => ({}))) as { title?: unknown; detail?: unknown };
    if (typeof problem.title === 'string') title = problem.title;
    if (typeof problem.detail === 'string') detail = problem.detail;
  }
  return new ApiError(url, response.status, title, detail);
}
