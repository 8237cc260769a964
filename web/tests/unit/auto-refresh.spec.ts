import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { useAutoRefresh } from '@/composables/useAutoRefresh';

let visibility: DocumentVisibilityState = 'visible';

function setVisibility(v: DocumentVisibilityState): void {
  visibility = v;
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('useAutoRefresh', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    visibility = 'visible';
    vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('runs every interval and stops with its scope', async () => {
    const fn = vi.fn();
    const scope = effectScope();
    scope.run(() => useAutoRefresh(fn, { interval: 10_000 }));
    expect(fn).not.toHaveBeenCalled(); // the page loads its first data itself
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(fn).toHaveBeenCalledTimes(3);
    scope.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('pauses while the page is hidden and refreshes at once when it is shown again', async () => {
    const fn = vi.fn();
    const scope = effectScope();
    scope.run(() => useAutoRefresh(fn, { interval: 10_000 }));
    setVisibility('hidden');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fn).not.toHaveBeenCalled();
    setVisibility('visible');
    await vi.advanceTimersByTimeAsync(0);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fn).toHaveBeenCalledTimes(2);
    scope.stop();
    setVisibility('hidden');
    setVisibility('visible');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('never overlaps runs: the next waits for the slow one to finish', async () => {
    let release: () => void = () => undefined;
    const fn = vi.fn(() => new Promise<void>((r) => (release = r)));
    const scope = effectScope();
    scope.run(() => useAutoRefresh(fn, { interval: 1_000 }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fn).toHaveBeenCalledTimes(1);
    setVisibility('hidden');
    setVisibility('visible'); // would start a second run while the first is pending
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fn).toHaveBeenCalledTimes(1);
    release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fn).toHaveBeenCalledTimes(2);
    scope.stop();
  });

  it('moves `now` forward after each run and can start later', async () => {
    const scope = effectScope();
    const r = scope.run(() => useAutoRefresh(() => undefined, { interval: 5_000, immediate: false }))!;
    const before = r.now.value;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(r.now.value).toBe(before);
    r.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(r.now.value).toBe(before + 25_000);
    scope.stop();
  });
});
