/**
 * The two pieces of XML writing the CAP documents and the Atom feed share: escaping text, and CAP's
 * restricted dateTime. Hand-written because the output is small and fixed; no XML library is installed.
 */

/**
 * Characters XML 1.0 cannot carry at all, even escaped (§2.2 Char): C0 controls other than tab, LF and CR,
 * lone surrogates, U+FFFE and U+FFFF. They become U+FFFD so a stray byte in evidence cannot make a
 * document unparseable.
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * Text or attribute value escaped for XML: `& < > " '` as entities, characters XML forbids as U+FFFD.
 * @example escapeXml('Tos & "fiebre" <3') === 'Tos &amp; &quot;fiebre&quot; &lt;3'
 */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Ecuador mainland time, UTC−05:00 all year (no daylight saving); Galápagos is UTC−06:00. */
export const ECUADOR_UTC_OFFSET_MINUTES = -300;

/**
 * A CAP 1.2 dateTime: `YYYY-MM-DDThh:mm:ss±hh:mm` at a fixed offset, whole seconds (the schema's pattern
 * allows no fraction and no `Z`; CAP 1.2 §3.3.2 writes UTC as `-00:00`).
 * @param ms instant, epoch milliseconds (truncated to the second below)
 * @param offsetMinutes offset from UTC in minutes, east positive (−300 for Ecuador)
 * @example capDateTime(Date.UTC(2025, 2, 1, 12, 0, 0), -300) === '2025-03-01T07:00:00-05:00'
 */
export function capDateTime(ms: number, offsetMinutes: number = ECUADOR_UTC_OFFSET_MINUTES): string {
  if (!Number.isFinite(ms))
    throw new RangeError(`capDateTime: instant must be finite epoch milliseconds, got ${ms}`);
  checkOffset(offsetMinutes);
  const d = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000);
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999)
    throw new RangeError(`capDateTime: year ${year} cannot be written in four digits (ms ${ms})`);
  return `${pad(year, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${offsetSuffix(offsetMinutes)}`;
}

/**
 * A time for people, in the same offset: `2025-03-01 07:00 (UTC-05:00)`.
 * @param ms instant, epoch milliseconds
 */
export function humanTime(ms: number, offsetMinutes: number = ECUADOR_UTC_OFFSET_MINUTES): string {
  const t = capDateTime(ms, offsetMinutes);
  const sign = offsetMinutes < 0 ? '-' : '+';
  return `${t.slice(0, 10)} ${t.slice(11, 16)} (UTC${sign}${t.slice(20)})`;
}

function offsetSuffix(offsetMinutes: number): string {
  if (offsetMinutes === 0) return '-00:00';
  const a = Math.abs(offsetMinutes);
  return `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

function checkOffset(offsetMinutes: number): void {
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 14 * 60) {
    throw new RangeError(`UTC offset must be whole minutes within ±14 h, got ${offsetMinutes}`);
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}
