import { request } from './http';
import type { ConfigStatus, EngineStatus, Settings, SystemStatus } from './types';

export const fetchSystemStatus = () => request<SystemStatus>({ url: '/api/admin/system/status' });
export const fetchConfigStatus = () => request<ConfigStatus>({ url: '/api/admin/config/status' });
export const regenerateConfig = () =>
  request<ConfigStatus>({ url: '/api/admin/config/regenerate', method: 'post' });
export const fetchEngineStatus = () => request<EngineStatus>({ url: '/api/admin/docker/status' });
export const fetchSettings = () => request<Settings>({ url: '/api/admin/settings' });
export const saveSettings = (body: Settings) => request<Settings>({ url: '/api/admin/settings', method: 'put', data: body });
