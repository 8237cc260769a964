import type { BudgetPeriod, VirtualKey, VirtualKeyInput } from '@/api/types';
import { splitList } from '@/utils/validators';

export type Binding = 'none' | 'provider' | 'config';

type Limits = Pick<VirtualKey, 'name' | 'enabled' | 'allowed_models' | 'provider_id' | 'routing_config_id' |
  'rpm_limit' | 'tpm_limit' | 'max_concurrency' | 'budget_usd' | 'allow_config_header'>;

/** The drawer's form: the key's fields, with widget-friendly period, expiry (ms) and IPs (text). */
export interface KeyFormModel extends Limits {
  keyMode: 'auto' | 'custom';
  key: string;
  binding: Binding;
  budget_period: BudgetPeriod;
  expires_at: number | null;
  allowed_ips: string;
}

export function createDefaultModel(k?: VirtualKey | null): KeyFormModel {
  return {
    name: k?.name ?? '',
    keyMode: 'auto',
    key: '',
    enabled: k?.enabled ?? true,
    allowed_models: [...(k?.allowed_models ?? [])],
    binding: k?.routing_config_id ? 'config' : k?.provider_id ? 'provider' : 'none',
    provider_id: k?.provider_id ?? null,
    routing_config_id: k?.routing_config_id ?? null,
    rpm_limit: k?.rpm_limit ?? null,
    tpm_limit: k?.tpm_limit ?? null,
    max_concurrency: k?.max_concurrency ?? null,
    budget_usd: k?.budget_usd ?? null,
    budget_period: k?.budget_period ?? 'monthly',
    expires_at: k?.expires_at ? new Date(k.expires_at).getTime() : null,
    allowed_ips: (k?.allowed_ips ?? []).join('\n'),
    allow_config_header: k?.allow_config_header ?? false,
  };
}

/** The API body for a form; `key` only on creation with a custom value. */
export function toInput(m: KeyFormModel, creating: boolean): VirtualKeyInput {
  const body: VirtualKeyInput = {
    name: m.name.trim(),
    enabled: m.enabled,
    allowed_models: m.allowed_models,
    provider_id: m.binding === 'provider' ? m.provider_id : null,
    routing_config_id: m.binding === 'config' ? m.routing_config_id : null,
    rpm_limit: m.rpm_limit,
    tpm_limit: m.tpm_limit,
    max_concurrency: m.max_concurrency,
    budget_usd: m.budget_usd,
    budget_period: m.budget_usd === null ? null : m.budget_period,
    expires_at: m.expires_at === null ? null : new Date(m.expires_at).toISOString(),
    allowed_ips: splitList(m.allowed_ips),
    allow_config_header: m.allow_config_header,
  };
  if (creating && m.keyMode === 'custom') body.key = m.key.trim();
  return body;
}
