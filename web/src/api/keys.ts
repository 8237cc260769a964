import { request } from './http';
import type { Id, KeyValidation, Page, PageQuery, VirtualKey, VirtualKeyCreated, VirtualKeyInput } from './types';

const base = '/api/admin/virtual-keys';

export const listVirtualKeys = (params: PageQuery = {}) => request<Page<VirtualKey>>({ url: base, params });
export const createVirtualKey = (body: VirtualKeyInput) =>
  request<VirtualKeyCreated>({ url: base, method: 'post', data: body });
export const updateVirtualKey = (id: Id, body: VirtualKeyInput) =>
  request<VirtualKey>({ url: `${base}/${id}`, method: 'put', data: body });
export const deleteVirtualKey = (id: Id) => request<void>({ url: `${base}/${id}`, method: 'delete' });
export const validateVirtualKey = (key: string) =>
  request<KeyValidation>({ url: `${base}/validate`, method: 'post', data: { key } });
