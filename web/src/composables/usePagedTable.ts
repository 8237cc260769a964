import { computed, reactive, ref, shallowRef, type Ref } from 'vue';
import type { ApiResult } from '@/api/http';
import type { Page } from '@/api/types';

export interface PagedTableOptions<T, C> {
  /** Fetches one page; `page` starts at 1. */
  api: (paging: { page: number; page_size: number }) => Promise<ApiResult<Page<T>>>;
  /** Columns as a function, so they re-render on locale changes. */
  columns?: () => C[];
  pageSize?: number;
  /** Load the first page at once (default true). */
  immediate?: boolean;
}

/** Server-side paged table state for NDataTable (`remote` mode). */
export function usePagedTable<T, C = unknown>(options: PagedTableOptions<T, C>) {
  const data: Ref<T[]> = shallowRef([]);
  const total = ref(0);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let seq = 0;

  const pagination = reactive({
    page: 1,
    pageSize: options.pageSize ?? 20,
    itemCount: 0,
    showSizePicker: true,
    pageSizes: [10, 20, 50, 100],
    onUpdatePage: (page: number) => {
      void getDataByPage(page);
    },
    onUpdatePageSize: (size: number) => {
      pagination.pageSize = size;
      void getDataByPage(1);
    },
  });

  async function load(silent: boolean): Promise<void> {
    const mine = ++seq;
    if (!silent) {
      loading.value = true;
      error.value = null;
    }
    const { data: page, error: err } = await options.api({ page: pagination.page, page_size: pagination.pageSize });
    if (mine !== seq) return; // a newer request superseded this one
    loading.value = false;
    if (err) {
      error.value = err.message;
      return;
    }
    error.value = null;
    data.value = page.data ?? [];
    total.value = page.total ?? data.value.length;
    pagination.itemCount = total.value;
    // The last row of the last page was deleted: step back.
    const lastPage = Math.max(1, Math.ceil(total.value / pagination.pageSize));
    if (data.value.length === 0 && pagination.page > lastPage) await getDataByPage(lastPage);
  }

  /** Reloads the current page. */
  async function getData(): Promise<void> {
    await load(false);
  }

  /**
   * Reloads the current page in the background (auto-refresh): no loading spinner, and the rows
   * stay until the answer arrives; a failure still shows in `error`.
   */
  async function refresh(): Promise<void> {
    await load(true);
  }

  async function getDataByPage(page = 1): Promise<void> {
    pagination.page = page;
    await getData();
  }

  const columns = computed(() => (options.columns ? options.columns() : []));

  if (options.immediate !== false) void getData();

  return { data, total, loading, error, pagination, columns, getData, getDataByPage, refresh };
}
