/**
 * Who the page acts as: anonymous, or the name and role of the API token the user signed in with,
 * as GET /api/session tells (server/api/session-routes.ts). The UI shows an action only when the
 * session's `permissions` hold it — never by role name, so a role that gains or loses a permission on
 * the server changes the UI with it. The server still checks every request.
 */
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';
import { ApiError, getJson } from './api-client.js';
import { authToken, isTokenShaped, setAuthToken } from './auth-token.js';

/** The permissions of server/auth/roles.ts that the client looks at. */
export type Permission =
  | 'read'
  | 'alerts.act'
  | 'incidents.write'
  | 'readings.write'
  | 'rules.write'
  | 'siting.run'
  | 'cameras.write'
  | 'tokens.manage'
  | 'audit.read';

/** GET /api/session. */
export interface SessionInfo {
  /** Token name, or 'anonymous'. */
  name: string;
  role: string | null;
  permissions: readonly string[];
  /** Whether anonymous callers may read. */
  publicReads: boolean;
}

export interface SessionState {
  /** 'checking' while asking the server; 'error' when it could not be asked (unreachable). */
  status: 'checking' | 'ready' | 'error';
  /** The last answer; null before the first. */
  info: SessionInfo | null;
}

export const INITIAL_SESSION: SessionState = { status: 'checking', info: null };

/** Signed in with a token the server accepted. */
export function isSignedIn(session: SessionState): boolean {
  return session.info !== null && session.info.role !== null;
}

/** Whether the session may do this (false while it is not known). */
export function can(session: SessionState, permission: Permission): boolean {
  return session.info?.permissions.includes(permission) ?? false;
}

/** The server lets only token holders read and the page has none: it must ask to sign in. */
export function needsSignIn(session: SessionState): boolean {
  return session.info !== null && !session.info.publicReads && session.info.role === null;
}

/** Why a sign-in failed, for the message under the field. */
export type SignInOutcome = 'ok' | 'malformed' | 'rejected' | 'unreachable';

/**
 * Asks who the stored token (if any) belongs to. A token the server no longer knows (revoked,
 * another database) is dropped and the page goes on anonymously.
 */
export async function loadSession(runtime: Store<RuntimeState>): Promise<void> {
  setSession(runtime, { status: 'checking' });
  try {
    const info = await getJson<SessionInfo>('/api/session');
    setSession(runtime, { status: 'ready', info });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && authToken() !== null) {
      setAuthToken(null);
      await loadSession(runtime);
      return;
    }
    setSession(runtime, { status: 'error' });
  }
}

/** Checks the pasted token with the server, and signs in with it when it is known. */
export async function signIn(runtime: Store<RuntimeState>, pasted: string): Promise<SignInOutcome> {
  const token = pasted.trim();
  if (!isTokenShaped(token)) return 'malformed';
  let info: SessionInfo;
  try {
    info = await getJson<SessionInfo>('/api/session', undefined, token);
  } catch (error) {
    return error instanceof ApiError && (error.status === 401 || error.status === 403)
      ? 'rejected'
      : 'unreachable';
  }
  if (info.role === null) return 'rejected';
  setAuthToken(token);
  setSession(runtime, { status: 'ready', info });
  return 'ok';
}

/** Forgets the token and asks again as an anonymous caller. */
export async function signOut(runtime: Store<RuntimeState>): Promise<void> {
  setAuthToken(null);
  await loadSession(runtime);
}

function setSession(runtime: Store<RuntimeState>, patch: Partial<SessionState>): void {
  runtime.set((rt) => ({ session: { ...rt.session, ...patch } }));
}
