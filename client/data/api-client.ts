/**
 * Fetches from Atalaya's own API (same origin). Problem details (RFC 9457) become ApiError with
 * the server's title and detail, so panels can show what went wrong.
 */

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

/** GETs a JSON (or GeoJSON) document; throws ApiError on an HTTP error and TypeError when offline. */
export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, { signal, headers: { accept: 'application/geo+json, application/json' } });
  if (!response.ok) {
    let title = response.statusText;
    let detail: string | undefined;
    if (response.headers.get('content-type')?.includes('json')) {
      const problem = (await response.json().catch(() => ({}))) as { title?: unknown; detail?: unknown };
      if (typeof problem.title === 'string') title = problem.title;
      if (typeof problem.detail === 'string') detail = problem.detail;
    }
    throw new ApiError(url, response.status, title, detail);
  }
  return (await response.json()) as T;
}
