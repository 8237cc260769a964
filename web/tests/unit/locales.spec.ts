import { describe, expect, it } from 'vitest';
import enUS from '@/locales/en-US';
import zhCN from '@/locales/zh-CN';
import {
  agentKindLabel, agentStatusLabel, modeLabel, capabilityLabel, periodLabel, roleLabel, strategyLabel,
} from '@/constants/enums';

type Tree = { [k: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('locales', () => {
  const en = leaves(enUS as Tree);
  const zh = leaves(zhCN as Tree);

  it('have the same keys', () => {
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
  });

  it('have no empty strings', () => {
    for (const [k, v] of [...en, ...zh]) expect(v.trim(), k).not.toBe('');
  });

  it('use the same placeholders in both languages', () => {
    for (const [k, v] of en) expect(placeholders(zh.get(k) ?? ''), k).toEqual(placeholders(v));
  });

  it('translate to Chinese (most strings differ from English)', () => {
    const same = [...en].filter(([k, v]) => zh.get(k) === v).map(([k]) => k);
    expect(same.length / en.size).toBeLessThan(0.05);
  });

  it('cover every enum label', () => {
    const all = [modeLabel, capabilityLabel, periodLabel, roleLabel, strategyLabel, agentStatusLabel, agentKindLabel].flatMap((r) => Object.values(r));
    for (const key of all) expect(en.has(key), key).toBe(true);
  });
});
