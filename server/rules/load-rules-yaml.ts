/**
 * Reads the seeded rules (data/rules.yaml): YAML in, validated rules out, and every problem reported with
 * its line and column (`data/rules.yaml:42:7 rules[3].params.clearThresholdC: must be at or below ...`).
 * Pure: the caller reads the file.
 *
 * File shape: `rules:` followed by a list of rules as rule-schema.ts defines them (name, kind, severity,
 * scope, params, labels, enabled). Names must be unique: they identify seeded rules across reseeding.
 */
import { LineCounter, isMap, isNode, isSeq, parseDocument, type Document } from 'yaml';
import {
  formatRuleIssue,
  parseRule,
  type RuleDefinition,
  type RuleIssue,
  type RuleReferences,
} from './rule-schema.js';

export interface RulesYamlIssue extends RuleIssue {
  /** 1-based line and column of the offending node (or its nearest existing parent). */
  line: number;
  col: number;
  /** Index in `rules`, or null for a problem with the file itself. */
  ruleIndex: number | null;
}

export type ParseRulesYamlResult =
  { ok: true; rules: RuleDefinition[] } | { ok: false; issues: RulesYamlIssue[] };

export interface ParseRulesYamlOptions {
  /** Shown in messages, e.g. 'data/rules.yaml'. */
  source?: string;
  references?: RuleReferences;
}

/** The file could not be loaded; `issues` carry line, column and field. */
export class RulesFileError extends Error {
  readonly issues: RulesYamlIssue[];
  constructor(source: string, issues: RulesYamlIssue[]) {
    super(
      `${source}: ${issues.length} problem(s)\n${issues.map((i) => `  ${formatRulesYamlIssue(source, i)}`).join('\n')}`,
    );
    this.name = 'RulesFileError';
    this.issues = issues;
  }
}

/** `data/rules.yaml:42:7 rules[3].params.clearThresholdC: must be at or below thresholdC (80) (got 90)`. */
export function formatRulesYamlIssue(source: string, issue: RulesYamlIssue): string {
  const where = issue.ruleIndex === null ? '' : `rules[${issue.ruleIndex}]${issue.path ? '.' : ''}`;
  return `${source}:${issue.line}:${issue.col} ${where}${formatRuleIssue(issue)}`;
}

/** Parse and validate a rules file; never throws on bad content. */
export function parseRulesYaml(text: string, options: ParseRulesYamlOptions = {}): ParseRulesYamlResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({
        code: 'yaml',
        path: '',
        pathSegments: [],
        message: `YAML: ${e.message.split('\n')[0]}`,
        ruleIndex: null,
        ...at(e.pos[0]),
      })),
    };
  }
  const fileIssue = (message: string, path: (string | number)[] = [], atKey = false): RulesYamlIssue => ({
    code: 'file',
    path: path.join('.'),
    pathSegments: path,
    message,
    ruleIndex: null,
    ...at(nodeOffset(doc, path, atKey)),
  });
  if (!isMap(doc.contents))
    return { ok: false, issues: [fileIssue('the file must be a mapping with a `rules:` list')] };
  const extra = doc.contents.items
    .map((p) => String(isNode(p.key) ? (p.key as { value?: unknown }).value : p.key))
    .filter((k) => k !== 'rules');
  if (extra.length > 0)
    return {
      ok: false,
      issues: extra.map((k) => fileIssue(`unknown top-level field ${JSON.stringify(k)}`, [k], true)),
    };
  const seq = doc.get('rules', true);
  if (!isSeq(seq)) return { ok: false, issues: [fileIssue('`rules:` must be a list of rules', ['rules'])] };

  const raw = (doc.toJS() as { rules: unknown[] }).rules;
  const rules: RuleDefinition[] = [];
  const issues: RulesYamlIssue[] = [];
  const names = new Map<string, number>();
  raw.forEach((input, index) => {
    const result = parseRule(input, options.references);
    if (!result.ok) {
      for (const issue of result.issues) {
        const offset = nodeOffset(
          doc,
          ['rules', index, ...issue.pathSegments],
          issue.code === 'unknown_field',
        );
        issues.push({ ...issue, ruleIndex: index, ...at(offset) });
      }
      return;
    }
    const first = names.get(result.rule.name);
    if (first !== undefined) {
      issues.push({
        code: 'duplicate_name',
        path: 'name',
        pathSegments: ['name'],
        message: `duplicate rule name (also rules[${first}])`,
        value: result.rule.name,
        ruleIndex: index,
        ...at(nodeOffset(doc, ['rules', index, 'name'])),
      });
      return;
    }
    names.set(result.rule.name, index);
    rules.push(result.rule);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, rules };
}

/** `parseRulesYaml` that throws a RulesFileError listing every problem. */
export function loadRulesYaml(text: string, options: ParseRulesYamlOptions = {}): RuleDefinition[] {
  const result = parseRulesYaml(text, options);
  if (!result.ok) throw new RulesFileError(options.source ?? 'rules.yaml', result.issues);
  return result.rules;
}

/** Start offset of the node at `path` (its key, with `atKey`), or of its nearest existing ancestor. */
function nodeOffset(doc: Document, path: (string | number)[], atKey = false): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (!(atKey && n === path.length) && isNode(node) && node.range) return node.range[0];
    // An unknown key is best shown at the key itself; a key with an empty value has no node either.
    if (n > 0) {
      const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
      if (isMap(parent)) {
        const pair = parent.items.find(
          (p) => isNode(p.key) && (p.key as { value?: unknown }).value === path[n - 1],
        );
        if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
      }
    }
  }
  return 0;
}
