import type { Capabilities, Model, ModelInput, ModelMode } from '@/api/types';

export interface ModelFormModel {
  provider_id: number | null;
  name: string;
  model_id: string;
  enabled: boolean;
  mode: ModelMode;
  context_window: number | null;
  max_output_tokens: number | null;
  input_price: number | null;
  output_price: number | null;
  cached_input_price: number | null;
  capabilities: Capabilities;
}

export function createDefaultModel(m?: Model | null): ModelFormModel {
  return {
    provider_id: m?.provider_id ?? null,
    name: m?.name ?? '',
    model_id: m?.model_id ?? '',
    enabled: m?.enabled ?? true,
    mode: m?.mode ?? 'chat',
    context_window: m?.context_window ?? null,
    max_output_tokens: m?.max_output_tokens ?? null,
    input_price: m?.input_price ?? null,
    output_price: m?.output_price ?? null,
    cached_input_price: m?.cached_input_price ?? null,
    capabilities: { ...(m?.capabilities ?? {}) },
  };
}

export function toInput(f: ModelFormModel): ModelInput {
  return {
    ...f,
    provider_id: f.provider_id ?? undefined,
    name: f.name.trim(),
    model_id: f.model_id.trim() || f.name.trim(),
  };
}
