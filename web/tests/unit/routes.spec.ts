import { describe, expect, it } from 'vitest';
import type { RouteRecordRaw } from 'vue-router';
import { reservedServerPaths, routes } from '@/router/routes';

/** Every absolute path the router can match, children joined to their parent. */
function paths(records: RouteRecordRaw[], parent = ''): string[] {
  return records.flatMap((r) => {
    const full = r.path.startsWith('/') ? r.path : `${parent.replace(/\/$/, '')}/${r.path}`;
    return [full, ...paths(r.children ?? [], full)];
  });
}

describe('routes', () => {
  it('no page sits on a path the gateway serves itself (a reload would hit the data plane)', () => {
    const clashes = paths(routes).filter((p) =>
      reservedServerPaths.some((r) => p === r || p.startsWith(`${r}/`)));
    expect(clashes).toEqual([]);
  });
});
