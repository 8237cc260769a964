import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AxiosError, AxiosHeaders, type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios';
import { http, normaliseError, onUnauthorized, request, tokenStorage } from '@/api/http';

function reply(status: number, data: unknown): AxiosAdapter {
  return async (config: InternalAxiosRequestConfig) => {
    const response = { status, statusText: '', data, headers: {}, config };
    if (status >= 400) {
      throw new AxiosError('fail', AxiosError.ERR_BAD_RESPONSE, config, null, response);
    }
    return response;
  };
}

describe('api/http', () => {
  beforeEach(() => {
    localStorage.clear();
    onUnauthorized(null);
  });

  it('adds the bearer token and returns data', async () => {
    tokenStorage.set('jwt-1');
    let seen = '';
    http.defaults.adapter = async (config) => {
      seen = String(config.headers.get('Authorization'));
      return { status: 200, statusText: 'OK', data: { ok: 1 }, headers: {}, config };
    };
    const r = await request<{ ok: number }>({ url: '/api/admin/providers' });
    expect(seen).toBe('Bearer jwt-1');
    expect(r).toEqual({ data: { ok: 1 }, error: null });
  });

  it("normalises an error body to the server's message and details", async () => {
    http.defaults.adapter = reply(400, {
      error: { code: 'invalid_request', message: 'name is required', details: [{ path: 'name', message: 'required' }] },
    });
    const r = await request({ url: '/api/admin/providers', method: 'post' });
    expect(r.data).toBeNull();
    expect(r.error).toEqual({
      status: 400, code: 'invalid_request', message: 'name is required', details: [{ path: 'name', message: 'required' }],
    });
  });

  it('falls back to the status for bodies without an error object', async () => {
    http.defaults.adapter = reply(502, '<html>bad gateway</html>');
    const r = await request({ url: '/x' });
    expect(r.error?.status).toBe(502);
    expect(r.error?.message).toContain('502');
  });

  it('reports network failures with status 0', () => {
    const cfg = { headers: new AxiosHeaders() } as InternalAxiosRequestConfig;
    const e = normaliseError(new AxiosError('Network Error', AxiosError.ERR_NETWORK, cfg));
    expect(e.status).toBe(0);
    expect(e.message).not.toBe('');
    const timeout = normaliseError(new AxiosError('timeout', AxiosError.ECONNABORTED, cfg));
    expect(timeout.code).toBe('ECONNABORTED');
  });

  it('logs out on 401 when a token was sent', async () => {
    tokenStorage.set('expired');
    const handler = vi.fn();
    onUnauthorized(handler);
    http.defaults.adapter = reply(401, { error: { code: 'unauthorized', message: 'token expired' } });
    const r = await request({ url: '/api/admin/models' });
    expect(r.error?.message).toBe('token expired');
    expect(handler).toHaveBeenCalledOnce();
    expect(tokenStorage.get()).toBeNull();
  });

  it('does not log out on a failed login (bad credentials)', async () => {
    tokenStorage.set('still-valid');
    const handler = vi.fn();
    onUnauthorized(handler);
    http.defaults.adapter = reply(401, { error: { code: 'unauthorized', message: 'bad credentials' } });
    const r = await request({ url: '/api/auth/login', method: 'post' });
    expect(r.error?.message).toBe('bad credentials');
    expect(handler).not.toHaveBeenCalled();
    expect(tokenStorage.get()).toBe('still-valid');
  });

  it('does not call the handler without a token', async () => {
    const handler = vi.fn();
    onUnauthorized(handler);
    http.defaults.adapter = reply(401, { error: { message: 'no token' } });
    await request({ url: '/api/admin/models' });
    expect(handler).not.toHaveBeenCalled();
  });
});
