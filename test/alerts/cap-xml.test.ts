import { describe, expect, it } from 'vitest';
import { capDateTime, escapeXml, humanTime } from '../../server/alerts/cap-xml.js';
import { capReferencesText } from '../../server/alerts/cap-message-sequence.js';

describe('capDateTime', () => {
  it('writes Ecuador time with its offset, whole seconds', () => {
    expect(capDateTime(Date.UTC(2025, 2, 1, 12, 0, 0))).toBe('2025-03-01T07:00:00-05:00');
    expect(capDateTime(Date.UTC(2025, 2, 1, 12, 0, 0, 999))).toBe('2025-03-01T07:00:00-05:00');
  });
  it('crosses midnight and the year backwards at UTC−05:00', () => {
    expect(capDateTime(Date.UTC(2025, 0, 1, 3, 30, 15))).toBe('2024-12-31T22:30:15-05:00');
  });
  it('writes Galápagos (UTC−06:00), an eastern offset, and UTC as -00:00 (CAP 1.2 §3.3.2)', () => {
    expect(capDateTime(Date.UTC(2025, 5, 10, 0, 0, 0), -360)).toBe('2025-06-09T18:00:00-06:00');
    expect(capDateTime(Date.UTC(2025, 5, 10, 0, 0, 0), 330)).toBe('2025-06-10T05:30:00+05:30');
    expect(capDateTime(Date.UTC(2025, 5, 10, 0, 0, 0), 0)).toBe('2025-06-10T00:00:00-00:00');
  });
  it('refuses non-finite instants and odd offsets, naming them', () => {
    expect(() => capDateTime(NaN)).toThrow(/NaN/);
    expect(() => capDateTime(0, 30.5)).toThrow(/30.5/);
    expect(() => capDateTime(0, 15 * 60)).toThrow(/900/);
  });
  it('has a human form', () => {
    expect(humanTime(Date.UTC(2025, 2, 1, 12, 0, 0))).toBe('2025-03-01 07:00 (UTC-05:00)');
  });
});

describe('escapeXml', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`a & b < c > d "e" 'f'`)).toBe('a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;');
  });
  it('replaces characters XML 1.0 forbids, keeps tab, newline, astral characters', () => {
    expect(escapeXml('a\u0000b\u001Fc\uFFFEd\uD800e')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
    expect(escapeXml('t\tn\nr\r🌋')).toBe('t\tn\nr\r🌋');
  });
});

describe('capReferencesText', () => {
  it('joins sender,identifier,sent triples with spaces', () => {
    expect(
      capReferencesText([
        { sender: 'atalaya@x', identifier: 'atalaya-alert-7-v1', sent: Date.UTC(2025, 0, 1, 5) },
        { sender: 'atalaya@x', identifier: 'atalaya-alert-7-v2', sent: Date.UTC(2025, 0, 1, 6) },
      ]),
    ).toBe(
      'atalaya@x,atalaya-alert-7-v1,2025-01-01T00:00:00-05:00 atalaya@x,atalaya-alert-7-v2,2025-01-01T01:00:00-05:00',
    );
  });
  it('refuses an identifier that would break the list', () => {
    expect(() => capReferencesText([{ sender: 'atalaya@x', identifier: 'a b', sent: 0 }])).toThrow(/"a b"/);
  });
});
