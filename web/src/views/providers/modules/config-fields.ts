import type { ConfigFieldSpec, JsonObject } from '@/api/types';

export type FieldKind = 'text' | 'secret' | 'number' | 'boolean' | 'json';

export interface ConfigField {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  placeholder: string;
  defaultValue: unknown;
}

const SECRET = /(secret|token|password|api_key|access_key)/i;

function kindOf(name: string, type: string | undefined, secret: boolean | undefined): FieldKind {
  const t = (type ?? '').toLowerCase();
  if (secret || t === 'secret' || t === 'password') return 'secret';
  if (t === 'number' || t === 'integer') return 'number';
  if (t === 'boolean' || t === 'bool') return 'boolean';
  if (t === 'json' || t === 'object' || t === 'map' || t === 'array') return 'json';
  if (!t && name === 'deployments') return 'json';
  if (!t && SECRET.test(name)) return 'secret';
  return 'text';
}

/** Normalises a template's `config_fields` (strings or objects) into form fields. */
export function normaliseFields(specs: ConfigFieldSpec[] | undefined): ConfigField[] {
  return (specs ?? []).flatMap((spec): ConfigField[] => {
    if (typeof spec === 'string') {
      return [{ name: spec, label: spec, kind: kindOf(spec, undefined, undefined), required: false, placeholder: '', defaultValue: undefined }];
    }
    const name = spec.name ?? spec.key;
    if (!name) return [];
    return [{
      name,
      label: spec.label ?? name,
      kind: kindOf(name, spec.type, spec.secret),
      required: spec.required === true,
      placeholder: spec.placeholder ?? spec.help ?? spec.description ?? '',
      defaultValue: spec.default,
    }];
  });
}

/** Editable string values of the fields (JSON as text) from a stored config. */
export type FieldValue = string | number | boolean | null;

export function fieldValues(fields: ConfigField[], config: JsonObject): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const f of fields) {
    const v = config[f.name] ?? f.defaultValue;
    if (f.kind === 'json') out[f.name] = v === undefined ? '' : JSON.stringify(v, null, 2);
    else if (f.kind === 'boolean') out[f.name] = v === true;
    else if (f.kind === 'number') out[f.name] = typeof v === 'number' ? v : null;
    else out[f.name] = typeof v === 'string' ? v : '';
  }
  return out;
}

/** Builds `config` from the field values plus the JSON of other keys; throws on bad JSON. */
export function buildConfig(
  fields: ConfigField[],
  values: Record<string, FieldValue>,
  otherText: string,
): JsonObject {
  const config: JsonObject = otherText.trim() ? (JSON.parse(otherText) as JsonObject) : {};
  for (const f of fields) {
    const v = values[f.name];
    if (f.kind === 'json') {
      if (typeof v === 'string' && v.trim()) config[f.name] = JSON.parse(v);
    } else if (f.kind === 'boolean') {
      config[f.name] = v === true;
    } else if (f.kind === 'number') {
      if (typeof v === 'number') config[f.name] = v;
    } else if (typeof v === 'string' && v !== '') {
      config[f.name] = v;
    }
  }
  return config;
}

/** Keys of `config` not covered by the template's fields, shown as JSON. */
export function otherConfig(fields: ConfigField[], config: JsonObject): JsonObject {
  const names = new Set(fields.map((f) => f.name));
  return Object.fromEntries(Object.entries(config).filter(([k]) => !names.has(k)));
}
