import { describe, expect, it } from 'vitest';
import { MESSAGES, formatNumber, formatTimeWindow, t, volcanoTypeLabel } from '../../client/i18n.js';

describe('messages', () => {
  it('has the same keys in Spanish and English, none empty', () => {
    expect(Object.keys(MESSAGES.en).sort()).toEqual(Object.keys(MESSAGES.es).sort());
    for (const [language, messages] of Object.entries(MESSAGES)) {
      for (const [key, text] of Object.entries(messages))
        expect(text.trim(), `${language} ${key}`).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(MESSAGES.es) as (keyof typeof MESSAGES.es)[]) {
      expect(placeholders(MESSAGES.en[key]), key).toEqual(placeholders(MESSAGES.es[key]));
    }
  });
});

describe('t', () => {
  it('fills placeholders, formatting numbers for the language', () => {
    expect(t('es', 'unit.km2', { value: 12345.6 })).toBe('12.346 km²');
    expect(t('en', 'unit.km2', { value: 12345.6 })).toBe('12,346 km²');
  });

  it('leaves an unknown placeholder visible rather than printing "undefined"', () => {
    expect(t('en', 'unit.m')).toBe('{value} m');
  });
});

describe('volcanoTypeLabel', () => {
  it('translates the GVP types and passes unknown ones through', () => {
    expect(volcanoTypeLabel('es', 'Stratovolcano')).toBe('Estratovolcán');
    expect(volcanoTypeLabel('en', 'Shield')).toBe('Shield volcano');
    expect(volcanoTypeLabel('es', 'Maar(s)')).toBe('Maar(s)');
  });
});

describe('formatNumber', () => {
  it('uses the Ecuadorian grouping in Spanish', () => {
    expect(formatNumber('es', 1234567)).toBe('1.234.567');
  });
});

describe('formatTimeWindow', () => {
  // Local times, so the expectation holds in any time zone the tests run in.
  const window = {
    from: new Date(2026, 10, 8, 21, 0).getTime(),
    to: new Date(2026, 10, 12, 14, 5).getTime(),
  };

  it('writes both ends as day, short month and 24-hour time', () => {
    expect(formatTimeWindow('en', window)).toBe('8 Nov, 21:00 – 12 Nov, 14:05');
    expect(formatTimeWindow('es', window)).toBe('8 nov, 21:00 – 12 nov, 14:05');
  });
});
