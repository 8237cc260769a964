import { describe, expect, it, vi } from 'vitest';
import { ref } from 'vue';
import { usePagedTable } from '@/composables/usePagedTable';
import type { ApiResult } from '@/api/http';
import type { Page } from '@/api/types';

const ok = <T>(data: T): ApiResult<T> => ({ data, error: null });

describe('usePagedTable', () => {
  it('loads the first page at once and follows the pagination', async () => {
    const api = vi.fn(async ({ page, page_size }: { page: number; page_size: number }) =>
      ok<Page<number>>({ data: [page * 100 + page_size], total: 45 }));
    const t = usePagedTable({ api, pageSize: 10 });
    expect(t.loading.value).toBe(true);
    await vi.waitFor(() => expect(t.loading.value).toBe(false));
    expect(t.data.value).toEqual([110]);
    expect(t.pagination.itemCount).toBe(45);
    t.pagination.onUpdatePage(3);
    await vi.waitFor(() => expect(t.data.value).toEqual([310]));
    t.pagination.onUpdatePageSize(50);
    await vi.waitFor(() => expect(t.data.value).toEqual([150]));
    expect(t.pagination.page).toBe(1);
  });

  it('keeps the error message and clears it on a good retry', async () => {
    let fail = true;
    const api = vi.fn(async () =>
      fail
        ? ({ data: null, error: { status: 500, code: 'x', message: 'db down', details: [] } } as ApiResult<Page<number>>)
        : ok<Page<number>>({ data: [1], total: 1 }));
    const t = usePagedTable({ api, immediate: false });
    await t.getData();
    expect(t.error.value).toBe('db down');
    fail = false;
    await t.getData();
    expect(t.error.value).toBeNull();
    expect(t.data.value).toEqual([1]);
  });

  it('ignores an answer superseded by a newer request', async () => {
    const resolvers: ((v: ApiResult<Page<string>>) => void)[] = [];
    const api = () => new Promise<ApiResult<Page<string>>>((r) => resolvers.push(r));
    const t = usePagedTable({ api, immediate: false });
    const first = t.getData();
    const second = t.getData();
    resolvers[1](ok({ data: ['new'], total: 1 }));
    resolvers[0](ok({ data: ['old'], total: 1 }));
    await Promise.all([first, second]);
    expect(t.data.value).toEqual(['new']);
  });

  it('steps back a page when the current one became empty', async () => {
    const api = vi.fn(async ({ page }: { page: number; page_size: number }) =>
      ok<Page<number>>(page === 3 ? { data: [], total: 20 } : { data: [page], total: 20 }));
    const t = usePagedTable({ api, pageSize: 10, immediate: false });
    await t.getDataByPage(3);
    expect(t.pagination.page).toBe(2);
    expect(t.data.value).toEqual([2]);
    expect(api).toHaveBeenCalledTimes(2);
  });

  it('does not loop when an empty page is the last one', async () => {
    const api = vi.fn(async () => ok<Page<number>>({ data: [], total: 0 }));
    const t = usePagedTable({ api, immediate: false });
    await t.getDataByPage(1);
    expect(api).toHaveBeenCalledTimes(1);
  });

  it('recomputes columns when what they read changes (e.g. the locale)', () => {
    const label = ref('名称');
    const t = usePagedTable({
      api: async () => ok({ data: [], total: 0 }), columns: () => [{ title: label.value }], immediate: false,
    });
    expect(t.columns.value).toEqual([{ title: '名称' }]);
    label.value = 'Name';
    expect(t.columns.value).toEqual([{ title: 'Name' }]);
  });

  it('refreshes in the background: no spinner, rows kept until the answer, errors still shown', async () => {
    let answer: (v: ApiResult<Page<number>>) => void = () => undefined;
    const api = vi.fn(() => new Promise<ApiResult<Page<number>>>((r) => (answer = r)));
    const t = usePagedTable({ api, immediate: false });
    const first = t.getData();
    answer(ok({ data: [1], total: 1 }));
    await first;
    const bg = t.refresh();
    expect(t.loading.value).toBe(false);
    expect(t.data.value).toEqual([1]);
    answer({ data: null, error: { status: 0, code: 'network', message: 'offline', details: [] } });
    await bg;
    expect(t.error.value).toBe('offline');
    expect(t.data.value).toEqual([1]);
    const again = t.refresh();
    expect(t.error.value).toBe('offline'); // kept until a good answer
    answer(ok({ data: [2], total: 1 }));
    await again;
    expect(t.error.value).toBeNull();
    expect(t.data.value).toEqual([2]);
  });
});
