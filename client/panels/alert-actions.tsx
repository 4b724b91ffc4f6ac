/**
 * What an operator can do with an alert: acknowledge, assign (or unassign), comment, silence for a
 * while with a reason, lift a silence. Shown only when the session has the `alerts.act` permission;
 * the server checks it again. Each action answers with the alert after it, applied at once; a
 * refusal (a second acknowledgement, a silence too long) is shown under the buttons.
 */
import { useState } from 'preact/hooks';
import type { Alert } from '../data/alert-list.js';
import { applyAlertAnswer } from '../data/alert-stream.js';
import { formatDuration } from '../data/alert-age.js';
import { ApiError, postJson } from '../data/api-client.js';
import { can, isSignedIn, type SessionState } from '../data/session.js';
import { t } from '../i18n.js';
import type { Language } from '../state/app-state.js';
import type { RuntimeState } from '../state/runtime-state.js';
import type { Store } from '../state/store.js';

/** Silence lengths offered, hours (the server allows up to 30 days). */
export const SILENCE_HOURS = [1, 4, 12, 24, 72, 168] as const;

type Form = 'assign' | 'comment' | 'silence' | null;
type Action = 'acknowledge' | 'assign' | 'comment' | 'silence' | 'unsilence';

export interface AlertActionsProps {
  language: Language;
  alert: Alert;
  session: SessionState;
  runtime: Store<RuntimeState>;
  /** After an action succeeded (the card reloads its history). */
  onDone: () => void;
}

export function AlertActions({ language, alert, session, runtime, onDone }: AlertActionsProps) {
  const [form, setForm] = useState<Form>(null);
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [assignee, setAssignee] = useState('');
  const [comment, setComment] = useState('');
  const [hours, setHours] = useState<number>(4);
  const [reason, setReason] = useState('');

  if (!can(session, 'alerts.act')) {
    return (
      <p class="alert-note" data-testid="alert-actions-none">
        {t(language, isSignedIn(session) ? 'alerts.cannotAct' : 'alerts.signInToAct')}
      </p>
    );
  }

  const silenced = alert.silencedUntil !== null && Date.parse(alert.silencedUntil) > Date.now();
  const act = async (action: Action, body?: unknown) => {
    setBusy(action);
    setError(null);
    try {
      const event = await postJson<{ alert: Alert }>(`/api/alerts/${alert.id}/${action}`, body);
      applyAlertAnswer(runtime, event.alert);
      setForm(null);
      setComment('');
      setReason('');
      onDone();
    } catch (e) {
      setError(
        e instanceof ApiError
          ? (e.detail ?? `${e.status} ${e.title}`)
          : e instanceof Error
            ? e.message
            : String(e),
      );
    } finally {
      setBusy(null);
    }
  };
  const open = (next: Form) => {
    setError(null);
    if (next === 'assign' && assignee === '') setAssignee(alert.assignedTo ?? session.info?.name ?? '');
    setForm(form === next ? null : next);
  };
  const required = (text: string, then: () => void) => {
    if (text.trim() === '') setError(t(language, 'alerts.form.required'));
    else then();
  };

  return (
    <div class="alert-actions" data-testid="alert-actions">
      <div class="alert-action-buttons" role="group" aria-label={t(language, 'alerts.actionsLabel')}>
        {alert.acknowledgedBy === null ? (
          <button
            type="button"
            class="button button--small button--primary"
            disabled={busy !== null}
            data-testid="alert-acknowledge"
            onClick={() => void act('acknowledge')}
          >
            {t(language, busy === 'acknowledge' ? 'alerts.action.working' : 'alerts.action.acknowledge')}
          </button>
        ) : null}
        <button
          type="button"
          class="button button--small"
          aria-expanded={form === 'assign'}
          data-testid="alert-assign"
          onClick={() => open('assign')}
        >
          {t(language, 'alerts.action.assign')}
        </button>
        <button
          type="button"
          class="button button--small"
          aria-expanded={form === 'comment'}
          data-testid="alert-comment"
          onClick={() => open('comment')}
        >
          {t(language, 'alerts.action.comment')}
        </button>
        {silenced ? (
          <button
            type="button"
            class="button button--small"
            disabled={busy !== null}
            data-testid="alert-unsilence"
            onClick={() => void act('unsilence')}
          >
            {t(language, busy === 'unsilence' ? 'alerts.action.working' : 'alerts.action.unsilence')}
          </button>
        ) : (
          <button
            type="button"
            class="button button--small"
            aria-expanded={form === 'silence'}
            data-testid="alert-silence"
            onClick={() => open('silence')}
          >
            {t(language, 'alerts.action.silence')}
          </button>
        )}
      </div>

      {form === 'assign' ? (
        <form
          class="alert-form"
          onSubmit={(event) => {
            event.preventDefault();
            required(assignee, () => void act('assign', { assignee: assignee.trim() }));
          }}
        >
          <label class="field-label" for={`assign-${alert.id}`}>
            {t(language, 'alerts.assign.label')}
          </label>
          <input
            id={`assign-${alert.id}`}
            class="text-input"
            maxLength={200}
            value={assignee}
            onInput={(event) => setAssignee((event.target as HTMLInputElement).value)}
          />
          <div class="form-buttons">
            {alert.assignedTo ? (
              <button
                type="button"
                class="button button--small"
                disabled={busy !== null}
                onClick={() => void act('assign', { assignee: null })}
              >
                {t(language, 'alerts.action.unassign')}
              </button>
            ) : null}
            <button type="submit" class="button button--small button--primary" disabled={busy !== null}>
              {t(language, busy === 'assign' ? 'alerts.action.working' : 'alerts.action.assign')}
            </button>
          </div>
        </form>
      ) : null}

      {form === 'comment' ? (
        <form
          class="alert-form"
          onSubmit={(event) => {
            event.preventDefault();
            required(comment, () => void act('comment', { comment: comment.trim() }));
          }}
        >
          <label class="field-label" for={`comment-${alert.id}`}>
            {t(language, 'alerts.comment.label')}
          </label>
          <textarea
            id={`comment-${alert.id}`}
            class="text-input"
            rows={3}
            maxLength={2000}
            value={comment}
            onInput={(event) => setComment((event.target as HTMLTextAreaElement).value)}
          />
          <div class="form-buttons">
            <button type="submit" class="button button--small button--primary" disabled={busy !== null}>
              {t(language, busy === 'comment' ? 'alerts.action.working' : 'alerts.action.comment')}
            </button>
          </div>
        </form>
      ) : null}

      {form === 'silence' ? (
        <form
          class="alert-form"
          onSubmit={(event) => {
            event.preventDefault();
            required(
              reason,
              () =>
                void act('silence', {
                  until: new Date(Date.now() + hours * 3_600_000).toISOString(),
                  reason: reason.trim(),
                }),
            );
          }}
        >
          <label class="field-label" for={`silence-hours-${alert.id}`}>
            {t(language, 'alerts.silence.duration')}
          </label>
          <select
            id={`silence-hours-${alert.id}`}
            class="text-input"
            value={String(hours)}
            onChange={(event) => setHours(Number((event.target as HTMLSelectElement).value))}
          >
            {SILENCE_HOURS.map((h) => (
              <option key={h} value={String(h)}>
                {formatDuration(language, h * 3600)}
              </option>
            ))}
          </select>
          <label class="field-label" for={`silence-reason-${alert.id}`}>
            {t(language, 'alerts.silence.reason')}
          </label>
          <input
            id={`silence-reason-${alert.id}`}
            class="text-input"
            maxLength={500}
            value={reason}
            onInput={(event) => setReason((event.target as HTMLInputElement).value)}
          />
          <p class="field-hint">{t(language, 'alerts.silence.hint')}</p>
          <div class="form-buttons">
            <button type="submit" class="button button--small button--primary" disabled={busy !== null}>
              {t(language, busy === 'silence' ? 'alerts.action.working' : 'alerts.action.silence')}
            </button>
          </div>
        </form>
      ) : null}

      <p class="field-error" role="alert" data-testid="alert-action-error">
        {error ? t(language, 'alerts.action.error', { message: error }) : null}
      </p>
    </div>
  );
}
