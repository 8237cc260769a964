import axios, { AxiosError, type AxiosRequestConfig } from 'axios';
import { i18n } from '@/locales';
import type { ErrorBody, ErrorDetail } from './types';

/** Every failed call is normalised to this, whatever went wrong (HTTP, network, timeout). */
export interface ApiError {
  /** HTTP status, 0 when no answer arrived. */
  status: number;
  code: string;
  /** The server's `error.message` when it sent one. */
  message: string;
  details: ErrorDetail[];
}

export type ApiResult<T> = { data: T; error: null } | { data: null; error: ApiError };

const TOKEN_KEY = 'gw_token';

export const tokenStorage = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (token: string): void => localStorage.setItem(TOKEN_KEY, token),
  clear: (): void => localStorage.removeItem(TOKEN_KEY),
};

/** Paths whose 401 means "bad credentials", not "session expired". */
const CREDENTIAL_PATHS = ['/api/auth/login', '/api/auth/register', '/api/auth/password'];

let unauthorizedHandler: (() => void) | null = null;

/** Registers what to do when a signed-in call answers 401 (the auth store logs out and redirects). */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

export const http = axios.create({ timeout: 120_000 });

http.interceptors.request.use((config) => {
  const token = tokenStorage.get();
  if (token) config.headers.set('Authorization', `Bearer ${token}`);
  return config;
});

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && 'error' in value &&
    typeof (value as { error: unknown }).error === 'object' && (value as { error: unknown }).error !== null;
}

/** Turns anything thrown by axios into an ApiError carrying the server's message. */
export function normaliseError(err: unknown): ApiError {
  const t = i18n.global.t;
  if (err instanceof AxiosError) {
    const status = err.response?.status ?? 0;
    const body: unknown = err.response?.data;
    if (isErrorBody(body)) {
      const e = body.error;
      return {
        status,
        code: e.code ?? e.type ?? String(status),
        message: e.message || t('common.httpError', { status }),
        details: Array.isArray(e.details) ? e.details : [],
      };
    }
    // Not our error shape (e.g. a proxy's HTML page): the status is all we can trust.
    if (status > 0) return { status, code: String(status), message: t('common.httpError', { status }), details: [] };
    const timeout = err.code === AxiosError.ECONNABORTED || err.code === AxiosError.ETIMEDOUT;
    return {
      status: 0,
      code: err.code ?? 'network',
      message: timeout ? t('common.timeout') : t('common.networkError'),
      details: [],
    };
  }
  return {
    status: 0,
    code: 'unknown',
    message: err instanceof Error ? err.message : t('common.networkError'),
    details: [],
  };
}

/** Performs one call; never throws. */
export async function request<T>(config: AxiosRequestConfig): Promise<ApiResult<T>> {
  const hadToken = tokenStorage.get() !== null;
  try {
    const res = await http.request<T>(config);
    return { data: res.data, error: null };
  } catch (err) {
    const error = normaliseError(err);
    const url = config.url ?? '';
    if (error.status === 401 && hadToken && !CREDENTIAL_PATHS.some((p) => url.startsWith(p))) {
      tokenStorage.clear();
      unauthorizedHandler?.();
    }
    return { data: null, error };
  }
}
