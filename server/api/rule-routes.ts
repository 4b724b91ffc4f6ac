/**
 * The rules API: read, create, replace, patch and delete alert rules (every change audited and applied
 * to the live evaluator before the answer), and backtest a saved or draft rule over stored history. An
 * invalid rule is refused with 422 and an issue per bad field, naming its path and the value received.
 */
import { backtestStoredHistory } from '../alerts/alert-backtest.js';
import type { AlertService } from '../alerts/alert-service.js';
import type { Database } from '../db/database.js';
import {
  countRuleAlerts,
  deleteRule,
  findRule,
  insertRule,
  listRules,
  ruleReferences,
  updateRule,
  type RuleRecord,
} from '../db/rule-store.js';
import { SEVERITIES } from '../domain/types.js';
import { ConflictError, IntegrityConstraintError, NotFoundError, ValidationError } from '../errors.js';
import type { BacktestResult } from '../rules/backtest.js';
import { isoOrNull } from '../rules/iso-time.js';
import {
  parseRule,
  RULE_KINDS,
  ruleWarmupSeconds,
  type RuleDefinition,
  type RuleIssue,
} from '../rules/rule-schema.js';
import { readJsonBody } from './alert-routes.js';
import type { ApiRoutes } from './route-registry.js';
import { Instant, z } from './schemas.js';

/** Longest backtest range, ms (history before it is read for the warm-up as well). */
export const MAX_BACKTEST_MS = 92 * 86_400_000;

const IdParams = z
  .object({ id: z.coerce.number().int().positive().openapi({ type: 'integer', example: 3 }) })
  .strict();

const RuleBody = z.record(z.string(), z.unknown()).openapi('RuleDefinition', {
  description:
    'name, kind, severity, scope, params, labels, enabled — see server/rules/rule-schema.ts for each kind',
});

const RuleSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    kind: z.enum(RULE_KINDS),
    severity: z.enum(SEVERITIES),
    scope: z.record(z.string(), z.unknown()),
    params: z.record(z.string(), z.unknown()),
    labels: z.record(z.string(), z.string()),
    enabled: z.boolean(),
    valid: z.boolean(),
    issues: z.array(z.object({ path: z.string(), message: z.string(), value: z.unknown().optional() })),
    warmupSeconds: z.number().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Rule');

const BacktestBody = z
  .object({
    rule: z.union([z.number().int().positive(), z.record(z.string(), z.unknown())]).openapi({
      description: 'A saved rule id, or a draft rule definition',
    }),
    from: Instant,
    to: Instant,
  })
  .strict();

const BacktestTransition = z.object({
  from: z.string(),
  to: z.string(),
  at: z.string(),
  cause: z.string(),
  value: z.number().nullable(),
});
const BacktestSchema = z
  .object({
    ruleId: z.string(),
    from: z.string(),
    to: z.string(),
    evaluatedFrom: z.string(),
    alerts: z.array(
      z.object({
        scopeKey: z.string(),
        episode: z.number().int(),
        severity: z.enum(SEVERITIES),
        state: z.string(),
        startedAt: z.string(),
        firingAt: z.string().nullable(),
        endedAt: z.string().nullable(),
        evidence: z.record(z.string(), z.unknown()),
        transitions: z.array(BacktestTransition),
      }),
    ),
    transitions: z.number().int(),
    stats: z.record(z.string(), z.number()),
  })
  .openapi('BacktestResult');

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

function ruleDto(r: RuleRecord) {
  const d = r.definition as RuleDefinition;
  return {
    id: r.id,
    name: d.name,
    kind: d.kind,
    severity: d.severity,
    scope: d.scope,
    params: d.params,
    labels: d.labels,
    enabled: d.enabled,
    valid: r.rule !== null,
    issues: r.issues.map(issueDto),
    warmupSeconds: r.rule ? ruleWarmupSeconds(r.rule) : null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

function issueDto(i: RuleIssue) {
  return { path: i.path, message: i.message, ...(i.value !== undefined ? { value: i.value } : {}) };
}

/** A refused rule: 422, one issue per bad field (path, message, the value received). */
function invalidRule(issues: RuleIssue[], what = 'rule'): ValidationError {
  const fields = issues.map((i) => ({
    field: i.path === '' ? '(rule)' : i.path,
    message: `${i.message}${i.value !== undefined ? ` (got ${JSON.stringify(i.value)})` : ''}`,
  }));
  return new ValidationError(
    `Invalid ${what}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
    fields,
    { status: 422 },
  );
}

/** Validates a rule against the schema and the cameras, volcanoes and centers that exist. */
async function validRule(db: Database, input: unknown, what?: string): Promise<RuleDefinition> {
  const result = parseRule(input, await ruleReferences(db));
  if (!result.ok) throw invalidRule(result.issues, what);
  return result.rule;
}

/** A duplicate name is a conflict that names the rule. */
function renamed(error: unknown, name: string): unknown {
  if (error instanceof IntegrityConstraintError && error.constraint === 'alert_rules_name_key')
    return new ConflictError(`A rule named ${JSON.stringify(name)} already exists`);
  return error;
}

/** RFC 7396 JSON merge patch: objects merge key by key, null removes a key, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function backtestDto(result: BacktestResult) {
  const transition = (t: BacktestResult['transitions'][number]) => ({
    from: t.from,
    to: t.to,
    at: new Date(t.at).toISOString(),
    cause: t.cause,
    value: t.value,
  });
  return {
    ruleId: result.ruleId,
    from: new Date(result.fromMs).toISOString(),
    to: new Date(result.toMs).toISOString(),
    evaluatedFrom: new Date(result.startMs).toISOString(),
    alerts: result.alerts.map((a) => ({
      scopeKey: a.scopeKey,
      episode: a.episode,
      severity: a.severity,
      state: a.state,
      startedAt: new Date(a.startedAt).toISOString(),
      firingAt: isoOrNull(a.firingAt),
      endedAt: isoOrNull(a.endedAt),
      evidence: a.evidence,
      transitions: a.transitions.map(transition),
    })),
    transitions: result.transitions.length,
    stats: result.stats,
  };
}

/** /api/rules and /api/rules/backtest. */
export function addRuleRoutes(api: ApiRoutes, db: Database, service: AlertService): void {
  api.add({
    method: 'post',
    path: '/api/rules/backtest',
    summary:
      'Backtest a saved or draft rule over stored history: the alerts it would have raised, with times',
    tags: ['rules'],
    permission: 'rules.write',
    requestBody: json(BacktestBody, '`rule`: a rule id or a draft; `from`, `to`: the range reported'),
    responses: {
      200: json(BacktestSchema, 'Alerts open at some time in the range, by start'),
      404: { description: 'No such rule' },
      422: { description: 'The draft rule or the range is invalid' },
    },
    handler: async (_input, req, res) => {
      const body = await readJsonBody(req, BacktestBody);
      const fromMs = body.from.getTime();
      const toMs = body.to.getTime();
      if (!(toMs > fromMs) || toMs - fromMs > MAX_BACKTEST_MS) {
        throw new ValidationError(
          'Invalid backtest range',
          [
            {
              field: 'to',
              message: `must be after from and at most 92 days later, got ${body.from.toISOString()} .. ${body.to.toISOString()}`,
            },
          ],
          { status: 422 },
        );
      }
      let rule;
      if (typeof body.rule === 'number') {
        const record = await findRule(db, body.rule);
        if (!record) throw new NotFoundError(`No rule ${body.rule}`);
        if (!record.rule) throw invalidRule(record.issues, `stored rule ${body.rule}`);
        rule = record.rule;
      } else {
        rule = await validRule(db, body.rule, 'draft rule');
      }
      res.json(backtestDto(await backtestStoredHistory(db, rule, fromMs, toMs)));
    },
  });

  api.add({
    method: 'get',
    path: '/api/rules',
    summary: 'Every alert rule',
    tags: ['rules'],
    permission: 'read',
    responses: { 200: json(z.object({ rules: z.array(RuleSchema) }), 'The rules, by id') },
    handler: async (_input, _req, res) => {
      res.json({ rules: (await listRules(db)).map(ruleDto) });
    },
  });

  api.add({
    method: 'get',
    path: '/api/rules/:id',
    summary: 'One alert rule',
    tags: ['rules'],
    permission: 'read',
    params: IdParams,
    responses: { 200: json(RuleSchema, 'The rule'), 404: { description: 'No such rule' } },
    handler: async ({ params }, _req, res) => {
      const record = await findRule(db, params.id);
      if (!record) throw new NotFoundError(`No rule ${params.id}`);
      res.json(ruleDto(record));
    },
  });

  api.add({
    method: 'post',
    path: '/api/rules',
    summary: 'Create an alert rule; it is evaluated (after its warm-up over history) before the answer',
    tags: ['rules'],
    permission: 'rules.write',
    requestBody: json(RuleBody, 'The rule'),
    responses: {
      201: json(RuleSchema, 'Created'),
      409: { description: 'A rule with this name exists' },
      422: { description: 'Invalid rule: `errors` name each field and the value received' },
    },
    handler: async (_input, req, res) => {
      const rule = await validRule(db, await readJsonBody(req, RuleBody));
      const actor = req.principal.name;
      const record = await db
        .transaction((tx) => insertRule(tx, rule, { actor, requestId: req.id }))
        .catch((error: unknown) => {
          throw renamed(error, rule.name);
        });
      await service.applyRuleChanges(actor);
      res.status(201).location(`/api/rules/${record.id}`).json(ruleDto(record));
    },
  });

  const replace = async (
    id: number,
    next: (current: RuleRecord) => unknown,
    actor: string,
    requestId: string,
  ) => {
    const current = await findRule(db, id);
    if (!current) throw new NotFoundError(`No rule ${id}`);
    const rule = await validRule(db, next(current));
    const record = await db
      .transaction((tx) => updateRule(tx, id, rule, { actor, requestId }))
      .catch((error: unknown) => {
        throw renamed(error, rule.name);
      });
    if (!record) throw new NotFoundError(`No rule ${id}`);
    await service.applyRuleChanges(actor);
    return record;
  };

  api.add({
    method: 'put',
    path: '/api/rules/:id',
    summary: 'Replace an alert rule (its alerts are brought in line with the new definition)',
    tags: ['rules'],
    permission: 'rules.write',
    params: IdParams,
    requestBody: json(RuleBody, 'The whole rule'),
    responses: {
      200: json(RuleSchema, 'Replaced'),
      404: { description: 'No such rule' },
      409: { description: 'Another rule has this name' },
      422: { description: 'Invalid rule' },
    },
    handler: async ({ params }, req, res) => {
      const body = await readJsonBody(req, RuleBody);
      res.json(ruleDto(await replace(params.id, () => body, req.principal.name, req.id)));
    },
  });

  api.add({
    method: 'patch',
    path: '/api/rules/:id',
    summary: 'Change part of an alert rule (JSON merge patch, RFC 7396), e.g. {"enabled": false}',
    tags: ['rules'],
    permission: 'rules.write',
    params: IdParams,
    requestBody: {
      description: 'A JSON merge patch of the rule',
      content: {
        'application/merge-patch+json': { schema: RuleBody },
        'application/json': { schema: RuleBody },
      },
    },
    responses: {
      200: json(RuleSchema, 'Changed'),
      404: { description: 'No such rule' },
      409: { description: 'Another rule has this name' },
      422: { description: 'The patched rule is invalid' },
    },
    handler: async ({ params }, req, res) => {
      const patch = await readJsonBody(req, RuleBody);
      const record = await replace(
        params.id,
        (current) => mergePatch(current.definition, patch),
        req.principal.name,
        req.id,
      );
      res.json(ruleDto(record));
    },
  });

  api.add({
    method: 'delete',
    path: '/api/rules/:id',
    summary:
      'Delete an alert rule that has raised no alerts (disable one that has: PATCH {"enabled": false})',
    tags: ['rules'],
    permission: 'rules.write',
    params: IdParams,
    responses: {
      204: { description: 'Deleted' },
      404: { description: 'No such rule' },
      409: { description: 'The rule has alerts; disable it instead' },
    },
    handler: async ({ params }, req, res) => {
      const actor = req.principal.name;
      const deleted = await db.transaction(async (tx) => {
        const alerts = await countRuleAlerts(tx, params.id);
        if (alerts > 0) {
          throw new ConflictError(
            `Rule ${params.id} has raised ${alerts} alert(s), which would be deleted with it; disable it instead (PATCH {"enabled": false})`,
          );
        }
        return deleteRule(tx, params.id, { actor, requestId: req.id });
      });
      if (!deleted) throw new NotFoundError(`No rule ${params.id}`);
      await service.applyRuleChanges(actor);
      res.status(204).end();
    },
  });
}
