import type { Model, ModelInput } from '@/api/types';

/** The editable fields of a model; the provider is unset until chosen. */
export type ModelFormModel = Omit<Model, 'id' | 'provider_id' | 'provider_name' | 'created_at' | 'updated_at'> & {
  provider_id: number | null;
};

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
