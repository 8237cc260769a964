import type { Agent, AgentInput, AgentKind } from '@/api/types';

/** Limits of docs/agents: the server checks the same and names the path when it refuses. */
export const AGENT_NAME_MAX = 100;
export const REGION_RE = /^[A-Za-z0-9_.-]{1,64}$/;
export const RULES_MAX = 100;

/** The drawer's form: the agent's fields, with the rules flattened and the endpoint as text. */
export interface AgentFormModel {
  name: string;
  region: string;
  description: string;
  kind: AgentKind;
  endpoint: string;
  enabled: boolean;
  models: string[];
  providers: string[];
  regions: string[];
  priority: number | null;
}

export function createDefaultModel(a?: Agent | null): AgentFormModel {
  return {
    name: a?.name ?? '',
    region: a?.region ?? '',
    description: a?.description ?? '',
    kind: a?.kind ?? 'gateway',
    endpoint: a?.endpoint ?? '',
    enabled: a?.enabled ?? true,
    models: [...(a?.rules?.models ?? [])],
    providers: [...(a?.rules?.providers ?? [])],
    regions: [...(a?.rules?.regions ?? [])],
    priority: a?.priority ?? 0,
  };
}

/** Trimmed, without blanks and repeats, in the order typed. */
export function cleanList(list: string[]): string[] {
  return [...new Set(list.map((s) => s.trim()).filter(Boolean))];
}

/** Why a rules list cannot be sent, as an i18n key and its index; null when it is fine. */
export function ruleListProblem(list: string[]): { key: 'agent.ruleTooMany' | 'agent.ruleEmpty'; index: number } | null {
  if (list.length > RULES_MAX) return { key: 'agent.ruleTooMany', index: RULES_MAX };
  const index = list.findIndex((s) => s.trim() === '');
  return index >= 0 ? { key: 'agent.ruleEmpty', index } : null;
}

/** The API body for a form: every field, so one PUT replaces what the drawer shows. */
export function toInput(m: AgentFormModel): AgentInput {
  const endpoint = m.endpoint.trim().replace(/\/+$/, '');
  return {
    name: m.name.trim(),
    region: m.region.trim(),
    description: m.description.trim(),
    kind: m.kind,
    endpoint: endpoint === '' ? null : endpoint,
    enabled: m.enabled,
    rules: { models: cleanList(m.models), providers: cleanList(m.providers), regions: cleanList(m.regions) },
    priority: m.priority ?? 0,
  };
}
