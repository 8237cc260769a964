import { request } from './http';
import type { Id, JsonObject, Page, PageQuery, RoutingConfig, RoutingConfigInput, RoutingValidation } from './types';

const base = '/api/admin/routing-configs';

export const listRoutingConfigs = (params: PageQuery = {}) => request<Page<RoutingConfig>>({ url: base, params });
export const createRoutingConfig = (body: RoutingConfigInput) =>
  request<RoutingConfig>({ url: base, method: 'post', data: body });
export const updateRoutingConfig = (id: Id, body: RoutingConfigInput) =>
  request<RoutingConfig>({ url: `${base}/${id}`, method: 'put', data: body });
export const deleteRoutingConfig = (id: Id) => request<void>({ url: `${base}/${id}`, method: 'delete' });
export const validateRoutingConfig = (config: JsonObject) =>
  request<RoutingValidation>({ url: `${base}/validate`, method: 'post', data: { config } });
