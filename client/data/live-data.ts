/**
 * Data a layer loads on demand (cameras, incident density, the histogram), with the last good
 * answer kept while the next one loads so that the map does not blink between time windows.
 */
export interface LiveData<T> {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** The last answer; may belong to an older query while status is 'loading' or 'error'. */
  data: T | null;
  /** The query `data` answers. */
  key: string | null;
  error: string | null;
}

export function idle<T>(): LiveData<T> {
  return { status: 'idle', data: null, key: null, error: null };
}
