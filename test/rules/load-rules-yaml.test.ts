import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatRulesYamlIssue,
  loadRulesYaml,
  parseRulesYaml,
  RulesFileError,
} from '../../server/rules/load-rules-yaml.js';
import { RULE_KINDS } from '../../server/rules/rule-schema.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** Ids from the reference CSVs (first column), read independently of the loader. */
function csvIds(path: string): string[] {
  return read(path)
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0]!);
}
const references = {
  centerIds: new Set(csvIds('data/centers.csv')),
  gvpNumbers: new Set(csvIds('data/volcanoes.csv').map(Number)),
};

/** 1-based line and column of the n-th occurrence of `needle` in `text`, plus `shift` characters. */
function posOf(text: string, needle: string, shift = 0, nth = 1): { line: number; col: number } {
  let at = -1;
  for (let i = 0; i < nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`fixture does not contain ${needle}`);
  const before = text.slice(0, at + shift);
  return { line: before.split('\n').length, col: before.length - before.lastIndexOf('\n') };
}

describe('data/rules.yaml', () => {
  const rules = loadRulesYaml(read('data/rules.yaml'), { source: 'data/rules.yaml', references });

  it('loads, with every kind seeded and unique names', () => {
    expect(new Set(rules.map((r) => r.kind))).toEqual(new Set(RULE_KINDS));
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
  });

  it('watches Cotopaxi, Tungurahua, Sangay and Reventador by GVP number', () => {
    const volcanoes = rules.flatMap((r) => (r.scope.type === 'volcano' ? [r.scope.gvpNumber] : []));
    expect(new Set(volcanoes)).toEqual(new Set([352050, 352080, 352090, 352010]));
  });

  it('has a 15-minute stale-sensor rule and surges per region and per H3 cell', () => {
    expect(rules.some((r) => r.kind === 'stale_sensor' && r.params.maxSilenceSeconds === 900)).toBe(true);
    const groupings = rules.flatMap((r) => (r.kind === 'incident_surge' ? [r.params.groupBy] : []));
    expect(new Set(groupings)).toEqual(new Set(['region', 'h3']));
  });
});

describe('parseRulesYaml: problems with line and column', () => {
  const text = read('test/fixtures/rules/bad-rules.yaml');
  const result = parseRulesYaml(text, { source: 'bad-rules.yaml', references });

  it('reports every problem at its place', () => {
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const got = result.issues.map((i) => ({ rule: i.ruleIndex, path: i.path, line: i.line, col: i.col }));
    expect(got).toEqual([
      { rule: 1, path: 'severity', ...posOf(text, 'severity: watch', 'severity: '.length) },
      {
        rule: 1,
        path: 'params.clearThresholdC',
        ...posOf(text, 'clearThresholdC: 90', 'clearThresholdC: '.length),
      },
      // The missing key at its parent map (which starts at the misspelt key); the misspelt one at the key.
      { rule: 2, path: 'params.maxSilenceSeconds', ...posOf(text, 'maxSilenceSecond:') },
      { rule: 2, path: 'params.maxSilenceSecond', ...posOf(text, 'maxSilenceSecond:') },
      { rule: 3, path: 'name', ...posOf(text, 'name: fine', 'name: '.length, 2) },
      { rule: 4, path: 'scope.centerId', ...posOf(text, 'atlantis') },
    ]);
  });

  it('formats them as file:line:col rules[i].field: message', () => {
    if (result.ok) return;
    const dup = result.issues.find((i) => i.path === 'name')!;
    expect(formatRulesYamlIssue('bad-rules.yaml', dup)).toBe(
      `bad-rules.yaml:${dup.line}:${dup.col} rules[3].name: duplicate rule name (also rules[0]) (got "fine")`,
    );
  });

  it('loadRulesYaml throws them all at once', () => {
    expect(() => loadRulesYaml(text, { source: 'bad-rules.yaml', references })).toThrow(RulesFileError);
  });

  it('reports YAML syntax errors with their line', () => {
    const broken = 'rules:\n  - name: a\n    kind: [unclosed\n';
    const r = parseRulesYaml(broken);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues[0]).toMatchObject({ ruleIndex: null, message: expect.stringMatching(/^YAML: /) });
  });

  it('refuses a file without a rules list', () => {
    const r = parseRulesYaml('rulez: []\n');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues[0]).toMatchObject({ message: 'unknown top-level field "rulez"', line: 1, col: 1 });
  });
});
