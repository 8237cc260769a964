import type { I18nKey } from '@/locales';
import type { AgentKind, AgentStatus, BudgetPeriod, Capability, ModelMode, Role } from '@/api/types';

type TagType = 'default' | 'success' | 'info' | 'warning' | 'error' | 'primary';

export interface Option<T> {
  value: T;
  label: I18nKey;
}

function options<T extends string>(labels: Record<T, I18nKey>): Option<T>[] {
  return (Object.keys(labels) as T[]).map((value) => ({ value, label: labels[value] }));
}

export const modeLabel: Record<ModelMode, I18nKey> = {
  chat: 'mode.chat',
  embedding: 'mode.embedding',
  image: 'mode.image',
  audio: 'mode.audio',
  completion: 'mode.completion',
};
export const modeTag: Record<ModelMode, TagType> = {
  chat: 'success',
  embedding: 'info',
  image: 'warning',
  audio: 'primary',
  completion: 'default',
};
export const modeOptions = options(modeLabel);

export const capabilityLabel: Record<Capability, I18nKey> = {
  tools: 'capability.tools',
  vision: 'capability.vision',
  json_mode: 'capability.json_mode',
  reasoning: 'capability.reasoning',
};
export const capabilityOptions = options(capabilityLabel);
export const capabilities = Object.keys(capabilityLabel) as Capability[];

export const periodLabel: Record<BudgetPeriod, I18nKey> = {
  daily: 'period.daily',
  weekly: 'period.weekly',
  monthly: 'period.monthly',
  total: 'period.total',
};
export const periodOptions = options(periodLabel);

export const roleLabel: Record<Role, I18nKey> = { admin: 'roles.admin', viewer: 'roles.viewer' };
export const roleOptions = options(roleLabel);

export type StrategyMode = 'single' | 'loadbalance' | 'fallback' | 'conditional';
export const strategyLabel: Record<StrategyMode, I18nKey> = {
  single: 'strategy.single',
  loadbalance: 'strategy.loadbalance',
  fallback: 'strategy.fallback',
  conditional: 'strategy.conditional',
};
export const strategyTag: Record<StrategyMode, TagType> = {
  single: 'default',
  loadbalance: 'info',
  fallback: 'warning',
  conditional: 'primary',
};
export const strategyOptions = options(strategyLabel);

/** The enabled filter of list pages; the values are what the query string carries. */
export type EnabledFilter = 'true' | 'false';
export const enabledFilterLabel: Record<EnabledFilter, I18nKey> = { true: 'common.enabled', false: 'common.disabled' };
export const enabledFilterOptions = options(enabledFilterLabel);

export const agentStatusLabel: Record<AgentStatus, I18nKey> = {
  online: 'agentStatus.online',
  offline: 'agentStatus.offline',
  unknown: 'agentStatus.unknown',
  disabled: 'agentStatus.disabled',
};
export const agentStatusTag: Record<AgentStatus, TagType> = {
  online: 'success',
  offline: 'error',
  unknown: 'default',
  disabled: 'warning',
};

export const agentKindLabel: Record<AgentKind, I18nKey> = {
  gateway: 'agentKind.gateway',
  portkey: 'agentKind.portkey',
};
export const agentKindOptions = options(agentKindLabel);

/** Tag colour of an HTTP status in the logs. */
export function statusTag(status: number): TagType {
  if (status >= 200 && status < 300) return 'success';
  if (status === 429 || (status >= 400 && status < 500)) return 'warning';
  return 'error';
}
