/**
 * What an alert rule is: one zod schema per kind (a discriminated union on `kind`), with every parameter in
 * explicit units. The shape maps one-to-one onto the `alert_rules` table (name, kind, severity, scope,
 * params, labels, enabled); the HTTP API and data/rules.yaml both validate through `parseRule`.
 *
 * Thresholds follow one convention throughout: a rule matches when the value is strictly past the firing
 * threshold ("above T") and clears when it is at or back past the clear threshold; between the two is the
 * hysteresis band, where nothing changes (see rule-engine.ts). A missing clear threshold means no band.
 */
import { z } from 'zod';
import {
  CAMERA_KINDS,
  CAMERA_STATUSES,
  INCIDENT_CATEGORIES,
  INCIDENT_SEVERITIES,
  SEVERITIES,
  VOLCANIC_SEVERITIES,
} from '../domain/types.js';
import { NO_DATA_MODES } from './rule-engine.js';

export const RULE_KINDS = [
  'thermal_threshold',
  'thermal_rate',
  'thermal_anomaly',
  'incident_surge',
  'stale_sensor',
  'coverage_loss',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

const DAY_SECONDS = 86_400;
/** The range `thermal_readings` accepts (see the migration), °C. */
const temperatureC = z.number().min(-80).max(1500);
const durationSeconds = z
  .number()
  .min(0)
  .max(30 * DAY_SECONDS);

// ---------------------------------------------------------------- scope

const cameraScope = z.strictObject({ type: z.literal('camera'), cameraId: z.string().min(1).max(100) });
const volcanoScope = z.strictObject({ type: z.literal('volcano'), gvpNumber: z.number().int().positive() });
const regionScope = z.strictObject({
  type: z.literal('region'),
  centerId: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a center id: lower case letters, digits and _'),
});
const allScope = z.strictObject({ type: z.literal('all') });

/** Which cameras a camera rule watches: one camera, a volcano's cameras, a region's cameras, or all. */
export const cameraRuleScopeSchema = z.discriminatedUnion('type', [
  cameraScope,
  volcanoScope,
  regionScope,
  allScope,
]);
/** Where an area rule counts: one region (a response center's provinces) or every region. */
export const areaRuleScopeSchema = z.discriminatedUnion('type', [regionScope, allScope]);
export type RuleScope = z.infer<typeof cameraRuleScopeSchema>;

// ---------------------------------------------------------------- params

const lifecycle = {
  /** Seconds the condition must hold before the alert fires. */
  forSeconds: durationSeconds.default(0),
  /** Seconds a firing alert stays firing at least, even if the value clears. */
  minFiringSeconds: durationSeconds.default(0),
};
const noData = {
  /** What silence means: keep the state, resolve, or alert. */
  noData: z.enum(NO_DATA_MODES).default('keep'),
};
const thermal = {
  /** Which temperature of a frame: the hottest pixel or the frame mean. */
  field: z.enum(['max', 'mean']).default('max'),
  /** With no reading at all for longer than this, the rule sees `nodata`, seconds. */
  noDataAfterSeconds: z
    .number()
    .positive()
    .max(7 * DAY_SECONDS)
    .default(300),
  /** Also alert (scope key `camera:<id>:obscured`) when a camera has been obscured or invalid this long, seconds. */
  obscuredAlertAfterSeconds: z
    .number()
    .positive()
    .max(30 * DAY_SECONDS)
    .optional(),
  /** Severity of that obscured alert; the rule's own severity when absent. */
  obscuredSeverity: z.enum(VOLCANIC_SEVERITIES).optional(),
};

export const thermalThresholdParamsSchema = z
  .strictObject({
    ...lifecycle,
    ...noData,
    ...thermal,
    /** Fires when the temperature is above this, °C. */
    thresholdC: temperatureC,
    /** Resolves when the temperature is at or below this, °C; defaults to thresholdC. */
    clearThresholdC: temperatureC.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.clearThresholdC !== undefined && p.clearThresholdC > p.thresholdC) {
      ctx.addIssue({
        code: 'custom',
        path: ['clearThresholdC'],
        input: p.clearThresholdC,
        message: `must be at or below thresholdC (${p.thresholdC})`,
      });
    }
  });

export const thermalRateParamsSchema = z
  .strictObject({
    ...lifecycle,
    ...noData,
    ...thermal,
    /** The trailing window the rise is measured over, seconds. */
    windowSeconds: z.number().min(60).max(DAY_SECONDS),
    /** Fires when the rise over the window exceeds ratePerHourC × window hours, °C per hour. */
    ratePerHourC: z.number().positive().max(10_000),
    /** Resolves at or below this rate, °C per hour; defaults to ratePerHourC. */
    clearRatePerHourC: z.number().min(0).max(10_000).optional(),
    /** Fewer usable readings than this in the window is not enough to speak of a rate (hold). */
    minSamples: z.number().int().min(2).max(100_000).default(2),
  })
  .superRefine((p, ctx) => {
    if (p.clearRatePerHourC !== undefined && p.clearRatePerHourC > p.ratePerHourC) {
      ctx.addIssue({
        code: 'custom',
        path: ['clearRatePerHourC'],
        input: p.clearRatePerHourC,
        message: `must be at or below ratePerHourC (${p.ratePerHourC})`,
      });
    }
  });

export const thermalAnomalyParamsSchema = z
  .strictObject({
    ...lifecycle,
    ...noData,
    ...thermal,
    /** Days of history the same-hour baseline is taken from (today excluded). */
    baselineDays: z.number().int().min(1).max(90).default(14),
    /** Fires above median + k·σ̂, σ̂ = 1.4826·MAD (the MAD scaled to a standard deviation for normal data). */
    k: z.number().positive().max(100),
    /** Resolves at or below median + clearK·σ̂; defaults to k. */
    clearK: z.number().min(0).max(100).optional(),
    /** Floor on σ̂, °C, so a dead-steady baseline (MAD 0) does not make sensor noise anomalous. */
    minSigmaC: z.number().min(0).max(500).default(1),
    /** Days that must have usable readings at this hour before the baseline is trusted; ⌈baselineDays/2⌉ when absent. */
    minBaselineDays: z.number().int().min(1).max(90).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.clearK !== undefined && p.clearK > p.k) {
      ctx.addIssue({
        code: 'custom',
        path: ['clearK'],
        input: p.clearK,
        message: `must be at or below k (${p.k})`,
      });
    }
    if (p.minBaselineDays !== undefined && p.minBaselineDays > p.baselineDays) {
      ctx.addIssue({
        code: 'custom',
        path: ['minBaselineDays'],
        input: p.minBaselineDays,
        message: `must be at most baselineDays (${p.baselineDays})`,
      });
    }
  });

export const incidentSurgeParamsSchema = z
  .strictObject({
    ...lifecycle,
    /** Only incidents of these categories count; all categories when absent. */
    categories: z.array(z.enum(INCIDENT_CATEGORIES)).min(1).optional(),
    /** Count per region (response center) or per H3 hexagon cell. */
    groupBy: z.enum(['region', 'h3']).default('region'),
    /** H3 resolution of the cells when groupBy is h3 (7 ≈ 5 km², 8 ≈ 0.7 km²). */
    hexResolution: z.number().int().min(0).max(15).optional(),
    /** The trailing window incidents are counted in, seconds. */
    windowSeconds: z
      .number()
      .min(60)
      .max(30 * DAY_SECONDS),
    /** Fires when the count in the window is above this. */
    countAbove: z.number().int().min(0),
    /** Resolves when the count is at or below this; defaults to countAbove. */
    clearCountAtOrBelow: z.number().int().min(0).optional(),
    /** Also require the count to be above rateMultiplier × the place's usual count for such a window. */
    rateMultiplier: z.number().positive().max(1000).optional(),
    /** Resolves when the count is at or below clearRateMultiplier × usual; defaults to rateMultiplier. */
    clearRateMultiplier: z.number().min(0).max(1000).optional(),
    /**
     * The usual count is the mean count in the same clock window on each of the last baselineDays days
     * (required with rateMultiplier): incidents follow the time of day, so 1 a.m. is compared with 1 a.m.
     */
    baselineDays: z.number().int().min(1).max(90).optional(),
    /**
     * Days of that baseline that must lie within the evaluator's history before the rate is trusted;
     * ⌈baselineDays/2⌉ when absent. Until then only clearing by count is possible, never firing.
     */
    minBaselineDays: z.number().int().min(1).max(90).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.groupBy === 'h3' && p.hexResolution === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['hexResolution'],
        input: p.hexResolution,
        message: 'is required when groupBy is h3',
      });
    }
    if (p.clearCountAtOrBelow !== undefined && p.clearCountAtOrBelow > p.countAbove) {
      ctx.addIssue({
        code: 'custom',
        path: ['clearCountAtOrBelow'],
        input: p.clearCountAtOrBelow,
        message: `must be at or below countAbove (${p.countAbove})`,
      });
    }
    if (p.rateMultiplier !== undefined && p.baselineDays === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['baselineDays'],
        input: p.baselineDays,
        message: 'is required with rateMultiplier',
      });
    }
    if (
      p.minBaselineDays !== undefined &&
      (p.baselineDays === undefined || p.minBaselineDays > p.baselineDays)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['minBaselineDays'],
        input: p.minBaselineDays,
        message: `must be at most baselineDays (${p.baselineDays ?? 'absent'})`,
      });
    }
    if (p.clearRateMultiplier !== undefined && p.rateMultiplier === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['clearRateMultiplier'],
        input: p.clearRateMultiplier,
        message: 'needs rateMultiplier',
      });
    }
    if (
      p.clearRateMultiplier !== undefined &&
      p.rateMultiplier !== undefined &&
      p.clearRateMultiplier > p.rateMultiplier
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['clearRateMultiplier'],
        input: p.clearRateMultiplier,
        message: `must be at or below rateMultiplier (${p.rateMultiplier})`,
      });
    }
  });

export const staleSensorParamsSchema = z.strictObject({
  ...lifecycle,
  ...noData,
  /** Fires when a camera has sent nothing for longer than this, seconds. */
  maxSilenceSeconds: z
    .number()
    .positive()
    .max(30 * DAY_SECONDS),
  /** Only cameras of these kinds; all kinds when absent. */
  cameraKinds: z.array(z.enum(CAMERA_KINDS)).min(1).optional(),
  /** Cameras in these statuses are known to be down and are not reported (their alerts resolve). */
  ignoreStatuses: z.array(z.enum(CAMERA_STATUSES)).default(['maintenance']),
});

export const coverageLossParamsSchema = z
  .strictObject({
    ...lifecycle,
    /** Fires when the share of the region covered by online cameras is below this, percent. */
    thresholdPercent: z.number().min(0).max(100),
    /** Resolves when coverage is back at or above this, percent; defaults to thresholdPercent. */
    clearThresholdPercent: z.number().min(0).max(100).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.clearThresholdPercent !== undefined && p.clearThresholdPercent < p.thresholdPercent) {
      ctx.addIssue({
        code: 'custom',
        path: ['clearThresholdPercent'],
        input: p.clearThresholdPercent,
        message: `must be at or above thresholdPercent (${p.thresholdPercent})`,
      });
    }
  });

// ---------------------------------------------------------------- rules

const common = {
  name: z.string().trim().min(1).max(120),
  labels: z
    .record(
      z.string().regex(/^[a-z_][a-z0-9_]*$/, 'label names: lower case letters, digits and _'),
      z.string().max(200),
    )
    .default({}),
  enabled: z.boolean().default(true),
};
const volcanicSeverity = z.enum(VOLCANIC_SEVERITIES);
const incidentSeverity = z.enum(INCIDENT_SEVERITIES);
const anySeverity = z.enum(SEVERITIES);

export const ruleDefinitionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...common,
    kind: z.literal('thermal_threshold'),
    severity: volcanicSeverity,
    scope: cameraRuleScopeSchema,
    params: thermalThresholdParamsSchema,
  }),
  z.strictObject({
    ...common,
    kind: z.literal('thermal_rate'),
    severity: volcanicSeverity,
    scope: cameraRuleScopeSchema,
    params: thermalRateParamsSchema,
  }),
  z.strictObject({
    ...common,
    kind: z.literal('thermal_anomaly'),
    severity: volcanicSeverity,
    scope: cameraRuleScopeSchema,
    params: thermalAnomalyParamsSchema,
  }),
  z.strictObject({
    ...common,
    kind: z.literal('incident_surge'),
    severity: incidentSeverity,
    scope: areaRuleScopeSchema,
    params: incidentSurgeParamsSchema,
  }),
  // A camera going dark on a volcano is a volcanic signal; a dark street camera is an incident-side one.
  z.strictObject({
    ...common,
    kind: z.literal('stale_sensor'),
    severity: anySeverity,
    scope: cameraRuleScopeSchema,
    params: staleSensorParamsSchema,
  }),
  z.strictObject({
    ...common,
    kind: z.literal('coverage_loss'),
    severity: anySeverity,
    scope: areaRuleScopeSchema,
    params: coverageLossParamsSchema,
  }),
]);

/** A validated rule with every default filled in. */
export type RuleDefinition = z.output<typeof ruleDefinitionSchema>;
/** What a client may send: defaults may be omitted. */
export type RuleDefinitionInput = z.input<typeof ruleDefinitionSchema>;
/** A rule as the engine runs it: a definition plus its stable id (the `alert_rules.id`, as text). */
export type StoredRule = RuleDefinition & { id: string };
export type RuleOfKind<K extends RuleKind> = Extract<StoredRule, { kind: K }>;

export type ThermalRule = RuleOfKind<'thermal_threshold' | 'thermal_rate' | 'thermal_anomaly'>;

// ---------------------------------------------------------------- validation

export interface RuleIssue {
  /** zod's issue code (invalid_type, too_small, custom, ...), or unknown_field / unknown_reference. */
  code: string;
  /** Dotted path of the offending field, e.g. `params.clearThresholdC`; '' for the rule itself. */
  path: string;
  /** Path segments, for locating the field in a source document. */
  pathSegments: (string | number)[];
  message: string;
  /** The offending value, when there is one. */
  value?: unknown;
}

/** Ids that exist, to refuse a rule whose scope names a camera, volcano or center that does not. */
export interface RuleReferences {
  cameraIds?: ReadonlySet<string>;
  gvpNumbers?: ReadonlySet<number>;
  centerIds?: ReadonlySet<string>;
}

export type ParseRuleResult = { ok: true; rule: RuleDefinition } | { ok: false; issues: RuleIssue[] };

/** A rule that failed validation; `issues` name each bad field and carry its value. */
export class RuleValidationError extends Error {
  readonly issues: RuleIssue[];
  constructor(issues: RuleIssue[], subject = 'rule') {
    super(`invalid ${subject}: ${issues.map(formatRuleIssue).join('; ')}`);
    this.name = 'RuleValidationError';
    this.issues = issues;
  }
}

/** `params.thresholdC: Invalid input: expected number, received string (got "hot")`. */
export function formatRuleIssue(issue: RuleIssue): string {
  const where = issue.path === '' ? '' : `${issue.path}: `;
  const got = 'value' in issue && issue.value !== undefined ? ` (got ${JSON.stringify(issue.value)})` : '';
  return `${where}${issue.message}${got}`;
}

/**
 * Validate an untrusted rule (from the HTTP API or data/rules.yaml) and fill its defaults.
 * Refusals list every problem with the field's path and the value received, e.g.
 * `{ path: 'params.clearThresholdC', message: 'must be at or below thresholdC (80)', value: 90 }`.
 */
export function parseRule(input: unknown, references: RuleReferences = {}): ParseRuleResult {
  const parsed = ruleDefinitionSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const issues: RuleIssue[] = [];
    for (const issue of parsed.error.issues) {
      const segments = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
      if (issue.code === 'unrecognized_keys') {
        // One issue per unknown key, named by its own path: a typo points at itself.
        for (const key of issue.keys) {
          issues.push({
            code: 'unknown_field',
            path: [...segments, key].join('.'),
            pathSegments: [...segments, key],
            message: 'unknown field',
          });
        }
        continue;
      }
      const out: RuleIssue = {
        code: issue.code,
        path: segments.join('.'),
        pathSegments: segments,
        message: issue.message,
      };
      if ('input' in issue && issue.input !== undefined) out.value = issue.input;
      issues.push(out);
    }
    return { ok: false, issues };
  }
  const issues = referenceIssues(parsed.data, references);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, rule: parsed.data };
}

/** `parseRule` that throws a RuleValidationError instead of returning the issues. */
export function assertRule(input: unknown, references: RuleReferences = {}): RuleDefinition {
  const result = parseRule(input, references);
  if (!result.ok) throw new RuleValidationError(result.issues);
  return result.rule;
}

function referenceIssues(rule: RuleDefinition, refs: RuleReferences): RuleIssue[] {
  const scope = rule.scope;
  const issue = (field: string, value: unknown, what: string): RuleIssue[] => [
    {
      code: 'unknown_reference',
      path: `scope.${field}`,
      pathSegments: ['scope', field],
      message: `no such ${what}`,
      value,
    },
  ];
  if (scope.type === 'camera' && refs.cameraIds && !refs.cameraIds.has(scope.cameraId))
    return issue('cameraId', scope.cameraId, 'camera');
  if (scope.type === 'volcano' && refs.gvpNumbers && !refs.gvpNumbers.has(scope.gvpNumber))
    return issue('gvpNumber', scope.gvpNumber, 'volcano');
  if (scope.type === 'region' && refs.centerIds && !refs.centerIds.has(scope.centerId))
    return issue('centerId', scope.centerId, 'response center');
  return [];
}

/**
 * How much history before `from` a rule needs to evaluate from `from` on as it would live (its longest
 * window or baseline), seconds. Backtests and a restart without a snapshot replay this much first.
 */
export function ruleWarmupSeconds(rule: RuleDefinition): number {
  const p = rule.params;
  const lifecycleSpan = p.forSeconds + p.minFiringSeconds;
  switch (rule.kind) {
    case 'thermal_threshold':
      return lifecycleSpan + rule.params.noDataAfterSeconds + (rule.params.obscuredAlertAfterSeconds ?? 0);
    case 'thermal_rate':
      return lifecycleSpan + rule.params.windowSeconds + (rule.params.obscuredAlertAfterSeconds ?? 0);
    case 'thermal_anomaly':
      return (
        lifecycleSpan +
        (rule.params.baselineDays + 1) * DAY_SECONDS +
        (rule.params.obscuredAlertAfterSeconds ?? 0)
      );
    case 'incident_surge':
      return lifecycleSpan + rule.params.windowSeconds + (rule.params.baselineDays ?? 0) * DAY_SECONDS;
    case 'stale_sensor':
      return lifecycleSpan + rule.params.maxSilenceSeconds;
    case 'coverage_loss':
      return lifecycleSpan;
  }
}
