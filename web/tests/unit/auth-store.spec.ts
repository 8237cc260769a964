import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { AxiosAdapter } from 'axios';
import { AxiosError } from 'axios';
import { http, onUnauthorized, request, tokenStorage } from '@/api/http';
import { useAuthStore } from '@/stores/auth';

function route(table: Record<string, [number, unknown]>): AxiosAdapter {
  return async (config) => {
    const [status, data] = table[`${config.method?.toUpperCase()} ${config.url}`] ?? [404, { error: { message: 'nf' } }];
    const response = { status, statusText: '', data, headers: {}, config };
    if (status >= 400) throw new AxiosError('x', 'ERR', config, null, response);
    return response;
  };
}

const user = { id: 1, username: 'admin', role: 'admin' as const };

describe('auth store', () => {
  beforeEach(() => {
    localStorage.clear();
    setActivePinia(createPinia());
  });

  it('logs in, persists the session and knows the role', async () => {
    http.defaults.adapter = route({ 'POST /api/auth/login': [200, { token: 't1', user }] });
    const auth = useAuthStore();
    expect(auth.isLoggedIn).toBe(false);
    expect(await auth.login({ username: 'admin', password: 'password1' })).toBeNull();
    expect(auth.isLoggedIn).toBe(true);
    expect(auth.isAdmin).toBe(true);
    expect(tokenStorage.get()).toBe('t1');
    // a fresh store (page reload) restores the session
    setActivePinia(createPinia());
    expect(useAuthStore().user).toEqual(user);
  });

  it('returns the server message on bad credentials and stays logged out', async () => {
    http.defaults.adapter = route({ 'POST /api/auth/login': [401, { error: { message: 'invalid username or password' } }] });
    const auth = useAuthStore();
    const err = await auth.login({ username: 'admin', password: 'nope' });
    expect(err?.message).toBe('invalid username or password');
    expect(auth.isLoggedIn).toBe(false);
  });

  it('registers the first admin', async () => {
    http.defaults.adapter = route({ 'POST /api/auth/register': [201, { token: 't2', user }] });
    const auth = useAuthStore();
    expect(await auth.register({ username: 'admin', password: 'password1' })).toBeNull();
    expect(auth.token).toBe('t2');
  });

  it('logout clears everything', async () => {
    http.defaults.adapter = route({ 'POST /api/auth/login': [200, { token: 't1', user }] });
    const auth = useAuthStore();
    await auth.login({ username: 'admin', password: 'password1' });
    auth.logout();
    expect(auth.isLoggedIn).toBe(false);
    expect(auth.user).toBeNull();
    expect(localStorage.length).toBe(0);
  });

  it('a 401 on an admin call ends the session through the handler', async () => {
    http.defaults.adapter = route({
      'POST /api/auth/login': [200, { token: 't1', user }],
      'GET /api/admin/providers': [401, { error: { message: 'expired' } }],
    });
    const auth = useAuthStore();
    onUnauthorized(() => auth.logout());
    await auth.login({ username: 'admin', password: 'password1' });
    await request({ url: '/api/admin/providers' });
    expect(auth.isLoggedIn).toBe(false);
    onUnauthorized(null);
  });

  it('loadProfile refreshes the user', async () => {
    http.defaults.adapter = route({
      'POST /api/auth/login': [200, { token: 't1', user }],
      'GET /api/auth/profile': [200, { ...user, role: 'viewer' }],
    });
    const auth = useAuthStore();
    await auth.login({ username: 'admin', password: 'password1' });
    await auth.loadProfile();
    expect(auth.isAdmin).toBe(false);
  });
});
