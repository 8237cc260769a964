import { request } from './http';
import type { Agent, AgentCheckResult, AgentCreated, AgentInput, AgentQuery, Id, Page } from './types';

const base = '/api/admin/agents';

export const listAgents = (params: AgentQuery = {}) => request<Page<Agent>>({ url: base, params });
export const getAgent = (id: Id) => request<Agent>({ url: `${base}/${id}` });
export const createAgent = (body: AgentInput) => request<AgentCreated>({ url: base, method: 'post', data: body });
export const updateAgent = (id: Id, body: AgentInput) =>
  request<Agent>({ url: `${base}/${id}`, method: 'put', data: body });
export const deleteAgent = (id: Id) => request<void>({ url: `${base}/${id}`, method: 'delete' });
/** Issues a new key; the old one stops working at once. */
export const regenerateAgentKey = (id: Id) =>
  request<AgentCreated>({ url: `${base}/${id}/regenerate-key`, method: 'post' });
/** Probes the agent's endpoint (bounded to 5 s by the server). */
export const checkAgent = (id: Id) =>
  request<AgentCheckResult>({ url: `${base}/${id}/check`, method: 'post', timeout: 15_000 });
/** The install script without the key: it reads AGENT_KEY from the environment. */
export const getAgentInstallScript = (id: Id) =>
  request<string>({ url: `${base}/${id}/install-script`, responseType: 'text' });
