/**
 * xmllint (libxml2-utils) as the independent judge of the XML Atalaya writes: schema validation against the
 * OASIS CAP 1.2 XSD, well-formedness, and XPath reads that decode entities the way any XML parser does.
 * Missing xmllint is a failure, not a skip: CI installs it (`apt-get install -y libxml2-utils`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CAP_XSD = fileURLToPath(new URL('../fixtures/alerts/CAP-v1.2.xsd', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/alerts/', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'atalaya-cap-'));
let n = 0;
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

export interface LintResult {
  ok: boolean;
  status: number | null;
  output: string;
}

function xmllint(args: string[]): LintResult {
  const r = spawnSync('xmllint', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`xmllint could not run (install libxml2-utils): ${r.error.message}`);
  return { ok: r.status === 0, status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Write the XML to a temporary file and return its path. */
export function writeTemp(xml: string, name = 'doc.xml'): string {
  const path = join(dir, `${n++}-${name}`);
  writeFileSync(path, xml);
  return path;
}

/** `xmllint --noout --schema CAP-v1.2.xsd` on a document (a string) or a file path. */
export function validateCap(xmlOrPath: string): LintResult {
  const path = xmlOrPath.startsWith('<') ? writeTemp(xmlOrPath, 'cap.xml') : xmlOrPath;
  return xmllint(['--noout', '--schema', CAP_XSD, path]);
}

/** `xmllint --noout`: well-formed or not. */
export function wellFormed(xml: string): LintResult {
  return xmllint(['--noout', writeTemp(xml, 'doc.xml')]);
}

/** The string value of an XPath 1.0 expression (use local-name() for namespaced elements). */
export function xpathString(xml: string, expr: string): string {
  // xmllint ends the printed value with one newline of its own.
  return execFileSync('xmllint', ['--xpath', `string(${expr})`, writeTemp(xml, 'xpath.xml')], {
    encoding: 'utf8',
  }).replace(/\n$/, '');
}

/** The string values of every node an XPath selects, in document order. */
export function xpathAll(xml: string, expr: string): string[] {
  const count = Number(
    execFileSync('xmllint', ['--xpath', `count(${expr})`, writeTemp(xml, 'xpath.xml')], { encoding: 'utf8' }),
  );
  const out: string[] = [];
  for (let i = 1; i <= count; i++) out.push(xpathString(xml, `(${expr})[${i}]`));
  return out;
}

/** `//*[local-name()='a']/*[local-name()='b']…` for a path of local names. */
export function cap(...names: string[]): string {
  return names
    .map((name) => `/*[local-name()='${name}']`)
    .join('')
    .replace(/^/, '/');
}
