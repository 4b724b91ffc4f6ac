/**
 * Signing in with an API token: the control in the header (who the page acts as, sign in, sign out)
 * and, when the server lets only token holders read, the card that asks for a token instead of a
 * page full of errors. The token is checked with GET /api/session before it is kept
 * (data/session.ts); it lives in sessionStorage, never in the URL.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { isSignedIn, signIn, signOut, type SessionState, type SignInOutcome } from '../data/session.js';
import { t, type MessageKey } from '../i18n.js';
import type { Language } from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';

const OUTCOME_MESSAGES: Readonly<Record<Exclude<SignInOutcome, 'ok'>, MessageKey>> = {
  malformed: 'auth.error.malformed',
  rejected: 'auth.error.rejected',
  unreachable: 'auth.error.unreachable',
};

export interface SignInProps {
  language: Language;
  runtime: Store<RuntimeState>;
  session: SessionState;
  /** After a successful sign-in: reload what failed for want of a token. */
  onSignedIn: () => void;
}

/** The header's part: the signed-in name and role with "sign out", or "sign in" with its form. */
export function SignInControl({ language, runtime, session, onSignedIn }: SignInProps) {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    opener.current?.focus();
  };
  if (isSignedIn(session) && session.info) {
    const { name, role } = session.info;
    return (
      <div class="session" data-testid="session">
        <span class="session-user" data-testid="session-user" title={name}>
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <circle cx="8" cy="5.5" r="3" fill="none" stroke="currentColor" stroke-width="1.5" />
            <path
              d="M2.5 14c.8-3 3-4.5 5.5-4.5s4.7 1.5 5.5 4.5"
              fill="none"
              stroke="currentColor"
              stroke-width="1.5"
            />
          </svg>
          <span class="session-name">{name}</span>
          {role ? <span class="session-role">{roleLabel(language, role)}</span> : null}
        </span>
        <button
          type="button"
          class="button button--small"
          data-testid="sign-out"
          onClick={() => void signOut(runtime)}
        >
          {t(language, 'auth.signOut')}
        </button>
      </div>
    );
  }
  return (
    <div class="session">
      <button
        ref={opener}
        type="button"
        class="button button--small"
        aria-expanded={open}
        aria-controls="sign-in-popover"
        data-testid="sign-in-open"
        onClick={() => setOpen(!open)}
      >
        {t(language, 'auth.signIn')}
      </button>
      {open ? (
        <div
          id="sign-in-popover"
          class="sign-in-popover"
          role="dialog"
          aria-label={t(language, 'auth.dialogLabel')}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              close();
            }
          }}
        >
          <SignInForm
            language={language}
            runtime={runtime}
            onSignedIn={() => {
              setOpen(false);
              onSignedIn();
            }}
            onCancel={close}
          />
        </div>
      ) : null}
    </div>
  );
}

/** Over the workspace when reads need a token and the page has none. */
export function SignInGate({ language, runtime, onSignedIn }: Omit<SignInProps, 'session'>) {
  return (
    <div class="sign-in-gate" data-testid="sign-in-gate">
      <section class="sign-in-card" aria-labelledby="sign-in-gate-title">
        <h2 id="sign-in-gate-title" class="sign-in-title">
          {t(language, 'auth.required.title')}
        </h2>
        <p class="sign-in-text">{t(language, 'auth.required.text')}</p>
        <SignInForm language={language} runtime={runtime} onSignedIn={onSignedIn} />
      </section>
    </div>
  );
}

function SignInForm({
  language,
  runtime,
  onSignedIn,
  onCancel,
}: {
  language: Language;
  runtime: Store<RuntimeState>;
  onSignedIn: () => void;
  onCancel?: () => void;
}) {
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<MessageKey | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const outcome = await signIn(runtime, value);
    setBusy(false);
    if (outcome === 'ok') {
      setValue('');
      onSignedIn();
    } else {
      setError(OUTCOME_MESSAGES[outcome]);
      input.current?.select();
    }
  };
  return (
    <form class="sign-in-form" onSubmit={(event) => void submit(event)} noValidate>
      <label class="field-label" for="sign-in-token">
        {t(language, 'auth.tokenLabel')}
      </label>
      <input
        ref={input}
        id="sign-in-token"
        class="text-input"
        type="password"
        autocomplete="off"
        spellcheck={false}
        placeholder="atl_…"
        value={value}
        aria-invalid={error !== null}
        aria-describedby="sign-in-hint sign-in-error"
        data-testid="token-input"
        onInput={(event) => setValue((event.target as HTMLInputElement).value)}
      />
      <p id="sign-in-hint" class="field-hint">
        {t(language, 'auth.tokenHint')}
      </p>
      <p id="sign-in-error" class="field-error" role="alert" data-testid="sign-in-error">
        {error ? t(language, error) : null}
      </p>
      <div class="form-buttons">
        {onCancel ? (
          <button type="button" class="button button--small" onClick={onCancel}>
            {t(language, 'auth.cancel')}
          </button>
        ) : null}
        <button
          type="submit"
          class="button button--small button--primary"
          disabled={busy || value.trim() === ''}
          data-testid="sign-in-submit"
        >
          {t(language, busy ? 'auth.checking' : 'auth.submit')}
        </button>
      </div>
    </form>
  );
}

/** A role's name in the language; a role this client does not know is shown as the server names it. */
export function roleLabel(language: Language, role: string): string {
  switch (role) {
    case 'viewer':
    case 'operator':
    case 'analyst':
    case 'admin':
      return t(language, `role.${role}`);
    default:
      return role;
  }
}
