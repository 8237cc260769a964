import type { ProviderExportDoc } from '@/api/types';

export type ImportCheck =
  | { ok: true; doc: ProviderExportDoc }
  | { ok: false; key: 'provider.importMissingProviders' | 'provider.importMissingField' | 'common.invalidJson'; params: Record<string, string | number> };

/** Checks an uploaded file is a provider export document before it is sent. */
export function checkProviderDoc(text: string): ImportCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, key: 'common.invalidJson', params: { error: (e as Error).message } };
  }
  const providers = typeof value === 'object' && value !== null ? (value as { providers?: unknown }).providers : undefined;
  if (!Array.isArray(providers)) return { ok: false, key: 'provider.importMissingProviders', params: {} };
  for (let i = 0; i < providers.length; i++) {
    const p: unknown = providers[i];
    for (const field of ['name', 'type']) {
      if (typeof p !== 'object' || p === null || typeof (p as Record<string, unknown>)[field] !== 'string') {
        return { ok: false, key: 'provider.importMissingField', params: { index: i, field } };
      }
    }
  }
  return { ok: true, doc: value as ProviderExportDoc };
}
