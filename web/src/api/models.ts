import { request } from './http';
import type {
  ApplyProviderAnswer, BatchAction, BatchImportAnswer, Id, Model, ModelInput, ModelQuery, Page, Preset,
  PresetQuery, PresetStatus,
} from './types';

const base = '/api/admin/models';

export const listModels = (params: ModelQuery = {}) => request<Page<Model>>({ url: base, params });
export const createModel = (body: ModelInput) => request<Model>({ url: base, method: 'post', data: body });
export const updateModel = (id: Id, body: ModelInput) =>
  request<Model>({ url: `${base}/${id}`, method: 'put', data: body });
export const deleteModel = (id: Id) => request<void>({ url: `${base}/${id}`, method: 'delete' });
export const batchModels = (ids: Id[], action: BatchAction) =>
  request<unknown>({ url: `${base}/batch`, method: 'post', data: { ids, action } });
export const importModelsJson = (models: unknown[]) =>
  request<BatchImportAnswer>({ url: `${base}/batch-import`, method: 'post', data: { models } });
export const importModelsCsv = (csv: string) =>
  request<BatchImportAnswer>({
    url: `${base}/batch-import`, method: 'post', data: csv, headers: { 'Content-Type': 'text/csv' },
  });

export const fetchPresetStatus = () => request<PresetStatus>({ url: '/api/admin/presets/status' });
export const searchPresets = (params: PresetQuery) =>
  request<{ data: Preset[] }>({ url: '/api/admin/presets/search', params });
export const refreshPresets = () => request<PresetStatus>({ url: '/api/admin/presets/refresh', method: 'post' });
export const applyPreset = (modelId: Id, preset: string) =>
  request<Model>({ url: '/api/admin/presets/apply', method: 'post', data: { model_id: modelId, preset } });
export const applyPresetsToProvider = (providerId: Id) =>
  request<ApplyProviderAnswer>({
    url: '/api/admin/presets/apply-provider', method: 'post', data: { provider_id: providerId },
  });
