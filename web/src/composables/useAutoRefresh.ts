import { onScopeDispose, ref, toValue, type MaybeRefOrGetter } from 'vue';

export interface AutoRefreshOptions {
  /** Milliseconds between the end of one run and the start of the next. */
  interval: number;
  /** Runs are skipped while this is false (e.g. a dialog is open); default always true. */
  active?: MaybeRefOrGetter<boolean>;
  /** Start at once (default true); otherwise call `start()`. */
  immediate?: boolean;
}

/**
 * Calls `fn` every `interval` ms while the page is visible. A hidden tab stops the timer; coming
 * back runs `fn` at once and starts it again. Runs never overlap: the next one is scheduled when
 * the previous one has finished. Stops with the calling component (or effect scope).
 * `now` is the time of the last run, for "x seconds ago" cells that should follow the refresh.
 */
export function useAutoRefresh(fn: () => unknown, options: AutoRefreshOptions) {
  const now = ref(Date.now());
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let started = false;

  const visible = () => typeof document === 'undefined' || document.visibilityState !== 'hidden';

  function clear(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  function schedule(): void {
    clear();
    if (started && visible()) timer = setTimeout(() => void tick(), options.interval);
  }

  async function tick(): Promise<void> {
    timer = null;
    if (running) return;
    if (toValue(options.active ?? true)) {
      running = true;
      try {
        await fn();
      } finally {
        running = false;
      }
    }
    now.value = Date.now();
    schedule();
  }

  function onVisibility(): void {
    if (!started) return;
    if (visible()) void tick();
    else clear();
  }

  function start(): void {
    if (started) return;
    started = true;
    document.addEventListener('visibilitychange', onVisibility);
    schedule();
  }

  function stop(): void {
    started = false;
    clear();
    document.removeEventListener('visibilitychange', onVisibility);
  }

  if (options.immediate !== false) start();
  onScopeDispose(stop);

  return { now, start, stop };
}
