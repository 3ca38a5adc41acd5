import { describe, expect, it } from 'vitest';
import { CATALOGUES, detectLocale, fragments, LOCALES, resolveLocale, translate } from './i18n.js';
import { formatAxis, formatBytes, formatRate } from './units.js';
import { bucketRange } from './timefmt.js';

const placeholders = (msg) =>
  [...new Set([...(typeof msg === 'object' ? Object.values(msg).join(' ') : msg).matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

describe('catalogues', () => {
  const en = CATALOGUES.en;
  for (const loc of LOCALES.filter((l) => l !== 'en')) {
    it(`${loc} has every English key, with the same placeholders, and nothing else`, () => {
      const cat = CATALOGUES[loc];
      expect(Object.keys(cat).sort()).toEqual(Object.keys(en).sort());
      for (const key of Object.keys(en)) {
        expect(placeholders(cat[key]), key).toEqual(placeholders(en[key]));
        expect(String(cat[key]).trim(), key).not.toBe('');
      }
    });
  }
});

describe('detectLocale', () => {
  const cases = [
    { name: 'German region', tags: ['de-AT', 'en'], want: 'de' },
    { name: 'Chinese script and region', tags: ['zh-Hans-CN'], want: 'zh' },
    { name: 'underscore form', tags: ['zh_CN'], want: 'zh' },
    { name: 'first supported wins', tags: ['fr-FR', 'de', 'zh'], want: 'de' },
    { name: 'nothing supported', tags: ['fr', 'ja'], want: 'en' },
    { name: 'empty list', tags: [], want: 'en' },
  ];
  for (const c of cases) it(c.name, () => expect(detectLocale(c.tags)).toBe(c.want));

  it('a chosen language beats the browser, "auto" follows it', () => {
    expect(resolveLocale('zh', ['de'])).toBe('zh');
    expect(resolveLocale('auto', ['de-CH'])).toBe('de');
    expect(resolveLocale('klingon', ['en-GB'])).toBe('en');
  });
});

describe('translate', () => {
  const cases = [
    { name: 'plain', loc: 'de', key: 'page.settings', want: 'Einstellungen' },
    { name: 'placeholder', loc: 'en', key: 'common.notSaved', vars: { error: 'disk full' }, want: 'Not saved: disk full' },
    { name: 'number placeholder', loc: 'zh', key: 'banner.nextTry', vars: { seconds: 4 }, want: '（4 秒后重试）。' },
    { name: 'missing var stays visible', loc: 'en', key: 'common.notSaved', want: 'Not saved: {error}' },
    { name: 'unknown locale falls back to English', loc: 'fr', key: 'page.history', want: 'History' },
    { name: 'unknown key is shown as the key', loc: 'de', key: 'no.such.key', want: 'no.such.key' },
  ];
  for (const c of cases) it(c.name, () => expect(translate(c.loc, c.key, c.vars)).toBe(c.want));
});

describe('fragments', () => {
  const cases = [
    { name: 'placeholders around text', msg: '{used} of {cap}', want: [{ slot: 'used' }, { text: ' of ' }, { slot: 'cap' }] },
    { name: 'text around a placeholder', msg: 'An {http} URL', want: [{ text: 'An ' }, { slot: 'http' }, { text: ' URL' }] },
    { name: 'no placeholder', msg: 'Cap reached', want: [{ text: 'Cap reached' }] },
    { name: 'German catalogue', msg: translate('de', 'plan.usedOf'), want: [{ slot: 'used' }, { text: ' von ' }, { slot: 'cap' }] },
    { name: 'Chinese catalogue', msg: translate('zh', 'plan.usedCycle'), want: [{ text: '本周期已用 ' }, { slot: 'used' }] },
  ];
  for (const c of cases) it(c.name, () => expect(fragments(c.msg)).toEqual(c.want));
});

describe('locale formatting', () => {
  const cases = [
    { name: 'bytes, English', got: () => formatBytes(1_500_000, 'si', 'en'), want: '1.50 MB' },
    { name: 'bytes, German decimal comma', got: () => formatBytes(1_500_000, 'si', 'de'), want: '1,50 MB' },
    { name: 'bytes, Chinese', got: () => formatBytes(1_500_000, 'si', 'zh'), want: '1.50 MB' },
    { name: 'no grouping in four-digit IEC', got: () => formatBytes(1010 * 1024, 'iec', 'de'), want: '1010 KiB' },
    { name: 'rate, German', got: () => formatRate(156_250, { rate_unit: 'bits', unit_prefix: 'si' }, 'de'), want: '1,25 Mbit/s' },
    { name: 'axis, German', got: () => formatAxis(2_500_000, { rate_unit: 'bits', unit_prefix: 'si' }, 'de'), want: '2,5 Mbit/s' },
  ];
  for (const c of cases) it(c.name, () => expect(c.got()).toBe(c.want));

  it('dates follow the locale', () => {
    const t = new Date(2024, 2, 5, 12).getTime() / 1000;
    expect(bucketRange(t, 86400, false, 'de')).toMatch(/5\. März 2024/);
    expect(bucketRange(t, 86400, false, 'zh')).toMatch(/2024年3月5日/);
    expect(bucketRange(t, 86400, false, 'en')).toMatch(/Mar/);
  });
});
