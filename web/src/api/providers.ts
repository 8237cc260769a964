import { request } from './http';
import type {
  BatchImportAnswer, FetchModelsAnswer, Id, ImportModelsAnswer, JsonObject, Page, Provider,
  ProviderExportDoc, ProviderInput, ProviderQuery, ProviderTemplate, ProviderTestResult,
} from './types';

const base = '/api/admin/providers';

export const listProviderTemplates = () =>
  request<{ data: ProviderTemplate[] }>({ url: '/api/admin/provider-templates' });
export const listProviders = (params: ProviderQuery = {}) => request<Page<Provider>>({ url: base, params });
export const createProvider = (body: ProviderInput) => request<Provider>({ url: base, method: 'post', data: body });
export const updateProvider = (id: Id, body: ProviderInput) =>
  request<Provider>({ url: `${base}/${id}`, method: 'put', data: body });
export const deleteProvider = (id: Id) => request<void>({ url: `${base}/${id}`, method: 'delete' });
export const testProvider = (id: Id) => request<ProviderTestResult>({ url: `${base}/${id}/test`, method: 'post' });
export const fetchProviderModels = (
  body: { provider_id: Id } | { type: string; base_url?: string; api_key?: string; config?: JsonObject },
) => request<FetchModelsAnswer>({ url: `${base}/fetch-models`, method: 'post', data: body });
export const importProviderModels = (id: Id, models: string[]) =>
  request<ImportModelsAnswer>({ url: `${base}/${id}/import-models`, method: 'post', data: { models } });
export const exportProviders = (enabledOnly: boolean) =>
  request<ProviderExportDoc>({ url: `${base}/export`, params: enabledOnly ? { enabled_only: true } : {} });
export const batchImportProviders = (doc: ProviderExportDoc) =>
  request<BatchImportAnswer>({ url: `${base}/batch-import`, method: 'post', data: doc });
