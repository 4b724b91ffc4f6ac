/**
 * Keeps the page's alerts live: the first page of GET /api/alerts, then every alert event from the
 * Server-Sent Events stream (GET /api/alerts/stream) into the runtime store (data/alert-list.ts merges
 * them).
 *
 * Reconnection: EventSource reconnects by itself and sends Last-Event-ID, and the server replays what
 * was missed, so nothing is lost or doubled. When it gives up (an HTTP error, a server restart refusing
 * the old ticket) a new EventSource is opened with backoff and `?lastEventId=` (it cannot set the
 * header itself). A stream opened before any event arrived has nothing to resume from: the first page
 * is read again after it opens.
 *
 * Authentication: EventSource cannot send an Authorization header. With public reads (the default)
 * the stream needs none and is the same for every role. When reads need a token, the page first asks
 * POST /api/alerts/stream-ticket (with the header) for a one-use ticket and opens `?ticket=…`; a ticket
 * is not reusable, so then every reconnection is done here, each with a fresh ticket.
 */
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import {
  EMPTY_ALERT_LIST,
  applyAlert,
  applySnapshot,
  applyStreamEvent,
  type Alert,
  type AlertList,
} from './alert-list.js';
import { getJson, postJson } from './api-client.js';
import { needsSignIn, type SessionState } from './session.js';

/** The event kinds the stream sends (server/alerts/alert-stream.ts): states entered and actions. */
export const ALERT_EVENT_KINDS = [
  'pending',
  'firing',
  'resolved',
  'inactive',
  'error',
  'acknowledged',
  'assigned',
  'commented',
  'silenced',
  'unsilenced',
] as const;

export interface AlertFeed {
  /** The first page: loading, loaded, or failed (the list then holds what the stream brought). */
  status: 'idle' | 'loading' | 'ready' | 'error';
  list: AlertList;
  /** The stream: off (signed out where reads need a token), connecting, live, or reconnecting. */
  connection: 'off' | 'connecting' | 'live' | 'reconnecting';
  error: string | null;
}

export const INITIAL_ALERT_FEED: AlertFeed = {
  status: 'idle',
  list: EMPTY_ALERT_LIST,
  connection: 'off',
  error: null,
};

/** Closed alerts of the last this-many ms are read with the first page. */
const RECENT_CLOSED_MS = 24 * 3_600_000;
/** Stream messages are applied together at most this often (a replay may bring hundreds at once). */
const FLUSH_MS = 60;
const BACKOFF_FIRST_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

export interface AlertFeedController {
  /** Reads the first page again (the panel's retry). */
  reload(): void;
  stop(): void;
}

/**
 * Starts following alerts once the session is known, and follows the session: signing in or out
 * reopens the stream (with a ticket when reads need a token), and a page that must sign in first
 * waits.
 */
export function startAlertFeed(runtime: Store<RuntimeState>): AlertFeedController {
  let source: EventSource | null = null;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let generation = 0;
  let pageController: AbortController | null = null;
  let queued: { id: number; alert: Alert }[] = [];
  let mode: 'plain' | 'ticket' | null = null;

  const setFeed = (patch: Partial<AlertFeed> | ((feed: AlertFeed) => Partial<AlertFeed>)) =>
    runtime.set((rt) => ({
      alerts: { ...rt.alerts, ...(typeof patch === 'function' ? patch(rt.alerts) : patch) },
    }));

  const flush = () => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (queued.length === 0) return;
    const batch = queued;
    queued = [];
    setFeed((feed) => ({
      list: batch.reduce((list, m) => applyStreamEvent(list, m.id, m.alert), feed.list),
    }));
  };

  const onMessage = (event: Event) => {
    // The stream's own `error` event (connection lost) shares the name with alerts entering 'error'.
    if (!(event instanceof MessageEvent)) return;
    const id = Number(event.lastEventId);
    let data: Alert & { event?: unknown };
    try {
      data = JSON.parse(String(event.data)) as Alert & { event?: unknown };
    } catch {
      return;
    }
    if (!Number.isSafeInteger(id) || typeof data.id !== 'number') return;
    const { event: _event, ...alert } = data;
    queued.push({ id, alert });
    flushTimer ??= setTimeout(flush, FLUSH_MS);
  };

  const loadFirstPage = async () => {
    pageController?.abort();
    const controller = new AbortController();
    pageController = controller;
    setFeed((feed) => ({ status: feed.status === 'ready' ? 'ready' : 'loading', error: null }));
    const since = new Date(Date.now() - RECENT_CLOSED_MS).toISOString();
    try {
      const [open, closed] = await Promise.all([
        getJson<{ alerts: Alert[] }>('/api/alerts?state=firing,pending,error&limit=500', controller.signal),
        getJson<{ alerts: Alert[] }>(
          `/api/alerts?state=resolved,inactive&since=${encodeURIComponent(since)}&limit=100`,
          controller.signal,
        ),
      ]);
      if (controller.signal.aborted) return;
      flush();
      setFeed((feed) => ({
        status: 'ready',
        error: null,
        list: applySnapshot(feed.list, [...open.alerts, ...closed.alerts]),
      }));
    } catch (error) {
      if (controller.signal.aborted) return;
      setFeed({ status: 'error', error: error instanceof Error ? error.message : String(error) });
    }
  };

  const close = () => {
    clearTimeout(reconnectTimer);
    source?.close();
    source = null;
  };

  const scheduleReconnect = () => {
    close();
    setFeed({ connection: 'reconnecting' });
    // Full jitter (as the webhook deliveries do): many pages losing one server do not come back at once.
    const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** attempt);
    attempt += 1;
    reconnectTimer = setTimeout(() => void open(), BACKOFF_FIRST_MS / 2 + Math.random() * cap);
  };

  const open = async () => {
    close();
    const mine = ++generation;
    const session = runtime.get().session;
    mode = streamMode(session);
    if (mode === null) {
      setFeed({ connection: 'off' });
      return;
    }
    setFeed((feed) => ({ connection: feed.connection === 'off' ? 'connecting' : feed.connection }));
    flush();
    const params = new URLSearchParams();
    const lastEventId = runtime.get().alerts.list.lastEventId;
    if (lastEventId !== null) params.set('lastEventId', String(lastEventId));
    if (mode === 'ticket') {
      try {
        const { ticket } = await postJson<{ ticket: string }>('/api/alerts/stream-ticket');
        params.set('ticket', ticket);
      } catch {
        if (mine === generation) scheduleReconnect();
        return;
      }
      if (mine !== generation) return;
    }
    const query = params.toString();
    const es = new EventSource(`/api/alerts/stream${query ? `?${query}` : ''}`);
    source = es;
    for (const kind of ALERT_EVENT_KINDS) es.addEventListener(kind, onMessage);
    es.addEventListener('open', () => {
      attempt = 0;
      setFeed({ connection: 'live' });
      // Nothing to resume from: the events before this stream opened are only in the first page.
      if (runtime.get().alerts.list.lastEventId === null || runtime.get().alerts.status !== 'ready') {
        void loadFirstPage();
      }
    });
    es.addEventListener('error', (event) => {
      if (event instanceof MessageEvent || source !== es) return;
      // A used ticket cannot reconnect; and a closed EventSource has given up (an HTTP error).
      if (mode === 'ticket' || es.readyState === EventSource.CLOSED) scheduleReconnect();
      else setFeed({ connection: 'reconnecting' });
    });
  };

  // The stream's content is the same for every role: only a change of mode (signing in where reads
  // need a token, or out) reopens it. What failed before signing in is read once it opens.
  const unsubscribe = runtime.subscribe((rt, previous) => {
    if (rt.session === previous.session || rt.session.status !== 'ready') return;
    if (streamMode(rt.session) !== mode) {
      attempt = 0;
      void open();
    }
  });
  if (runtime.get().session.status === 'ready') void open();

  return {
    reload: () => void loadFirstPage(),
    stop() {
      generation += 1;
      unsubscribe();
      close();
      clearTimeout(flushTimer);
      pageController?.abort();
    },
  };
}

/** Applies an alert from an action's answer at once, without waiting for its stream event. */
export function applyAlertAnswer(runtime: Store<RuntimeState>, alert: Alert): void {
  runtime.set((rt) => ({ alerts: { ...rt.alerts, list: applyAlert(rt.alerts.list, alert) } }));
}

/**
 * How the stream is opened for this session: without credentials when anyone may read, with a ticket
 * when reads need a token and the page has one, not at all when it must sign in first (or the
 * session is not known yet).
 */
export function streamMode(session: SessionState): 'plain' | 'ticket' | null {
  if (session.info === null || needsSignIn(session)) return null;
  return session.info.publicReads ? 'plain' : 'ticket';
}
