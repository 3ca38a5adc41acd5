import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { contrast, over, withAlpha } from './color.js';

describe('withAlpha', () => {
  it('turns hex colours into rgba', () => {
    expect(withAlpha('#1d6fd6', 0.5)).toBe('rgba(29, 111, 214, 0.5)');
    expect(withAlpha(' #fff ', 0.1)).toBe('rgba(255, 255, 255, 0.1)');
  });
  it('leaves other colours alone', () => {
    expect(withAlpha('rgb(1, 2, 3)', 0.5)).toBe('rgb(1, 2, 3)');
  });
});

describe('contrast', () => {
  const cases = [
    { name: 'black on white', a: '#000', b: '#fff', want: 21 },
    { name: 'either way round', a: '#fff', b: '#000', want: 21 },
    { name: 'a colour on itself', a: '#556170', b: '#556170', want: 1 },
    { name: 'mid grey on white', a: '#767676', b: '#ffffff', want: 4.54 },
  ];
  for (const c of cases) it(c.name, () => expect(contrast(c.a, c.b)).toBeCloseTo(c.want, 2));
  it('sees opacity as the colour it mixes', () => {
    expect(over('#000000', 0.5, '#ffffff')).toBe('#808080');
    expect(contrast(over('#17202b', 0.36, '#ffffff'), '#ffffff')).toBeLessThan(4.5);
  });
});

describe('greyed-out (absent) interfaces in Settings', () => {
  const read = (path) => readFileSync(new URL(path, import.meta.url), 'utf8');
  const css = read('../app.css');
  const theme = (head) => {
    const block = css.slice(css.indexOf(head)).split('}')[0];
    return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{3,6})\b/gi)].map((m) => [m[1], m[2]]));
  };
  const themes = { light: theme(':root {'), dark: theme(":root[data-theme='dark'] {") };
  const style = read('../components/InterfacePicker.svelte').split('<style>')[1];
  const absent = [...style.matchAll(/([^{}]*\.absent[^{}]*)\{([^}]*)\}/g)].map((m) => m[2]);

  it('are greyed by a colour, not by opacity', () => {
    expect(absent.length).toBeGreaterThan(0);
    for (const rules of absent) expect(rules).not.toMatch(/opacity/);
    expect(absent.join('')).toMatch(/color:\s*var\(--/);
  });

  for (const [name, vars] of Object.entries(themes)) {
    it(`meet 4.5:1 on the list and on a hovered row in the ${name} theme`, () => {
      const colours = absent.flatMap((r) => [...r.matchAll(/(?:^|[\s;])color:\s*var\(--([\w-]+)\)/g)].map((m) => m[1]));
      expect(colours.length).toBeGreaterThan(0);
      for (const c of colours) {
        for (const bg of ['surface', 'surface-2']) expect(contrast(vars[c], vars[bg]), `--${c} on --${bg}`).toBeGreaterThanOrEqual(4.5);
      }
    });
  }
});
