import { describe, expect, it } from 'vitest';
import { isTokenShaped } from '../../client/data/auth-token.js';
import { streamMode } from '../../client/data/alert-stream.js';
import { can, isSignedIn, needsSignIn, type SessionState } from '../../client/data/session.js';

function session(
  role: string | null,
  permissions: string[],
  publicReads = true,
  status: SessionState['status'] = 'ready',
): SessionState {
  return { status, info: { name: role ? `e2e-${role}` : 'anonymous', role, permissions, publicReads } };
}

const operator = session('operator', ['read', 'alerts.act', 'incidents.write', 'readings.write']);
const viewer = session('viewer', ['read']);
const anonymous = session(null, ['read']);
const locked = session(null, [], false);

describe('what the session may do', () => {
  it('follows the permissions the server lists, not the role name', () => {
    expect(can(operator, 'alerts.act')).toBe(true);
    expect(can(viewer, 'alerts.act')).toBe(false);
    expect(can(anonymous, 'read')).toBe(true);
    // A role this client has never heard of, given the permission by a newer server.
    expect(can(session('duty-officer', ['read', 'alerts.act']), 'alerts.act')).toBe(true);
    expect(can({ status: 'checking', info: null }, 'read')).toBe(false);
  });

  it('asks to sign in only when reads need a token and the page has none', () => {
    expect(needsSignIn(locked)).toBe(true);
    expect(needsSignIn(session('viewer', ['read'], false))).toBe(false);
    expect(needsSignIn(anonymous)).toBe(false);
    expect(needsSignIn({ status: 'checking', info: null })).toBe(false);
    expect(isSignedIn(viewer)).toBe(true);
    expect(isSignedIn(anonymous)).toBe(false);
  });
});

describe('streamMode', () => {
  it('opens the stream plainly when anyone may read, with a ticket when reads need a token', () => {
    expect(streamMode(anonymous)).toBe('plain');
    expect(streamMode(operator)).toBe('plain');
    expect(streamMode(session('viewer', ['read'], false))).toBe('ticket');
  });

  it('does not open it before the session is known or while the page must sign in', () => {
    expect(streamMode({ status: 'checking', info: null })).toBeNull();
    expect(streamMode(locked)).toBeNull();
  });
});

describe('isTokenShaped', () => {
  it('accepts an atl_ token with surrounding spaces, refuses anything else', () => {
    expect(isTokenShaped('  atl_' + 'A'.repeat(43) + '\n')).toBe(true);
    expect(isTokenShaped('atl_short')).toBe(false);
    expect(isTokenShaped('Bearer atl_' + 'A'.repeat(43))).toBe(false);
    expect(isTokenShaped('sst_' + 'A'.repeat(43))).toBe(false);
  });
});
