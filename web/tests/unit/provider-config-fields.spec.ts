import { describe, expect, it } from 'vitest';
import { buildConfig, fieldValues, normaliseFields, otherConfig } from '@/views/providers/modules/config-fields';
import { checkProviderDoc } from '@/views/providers/modules/import-doc';

// The shapes of src/providers/catalog.json.
const azure = [
  { key: 'api_version', label: 'API version', type: 'string', required: true, default: '2024-10-21' },
  { key: 'deployments', label: 'Deployments', type: 'map', required: false, help: 'Model id -> deployment name' },
];
const bedrock = [
  { key: 'region', label: 'Region', type: 'string', required: true, default: 'us-east-1' },
  { key: 'access_key_id', label: 'Access key ID', type: 'string', required: true },
  { key: 'secret_access_key', label: 'Secret access key', type: 'secret', required: true },
  { key: 'session_token', label: 'Session token', type: 'secret', required: false },
];

describe('provider config fields', () => {
  it('maps catalog field types to widgets', () => {
    expect(normaliseFields(azure).map((f) => [f.name, f.kind, f.required, f.placeholder])).toEqual([
      ['api_version', 'text', true, ''],
      ['deployments', 'json', false, 'Model id -> deployment name'],
    ]);
    expect(normaliseFields(bedrock).map((f) => f.kind)).toEqual(['text', 'text', 'secret', 'secret']);
    expect(normaliseFields(['region', 'secret_access_key']).map((f) => f.kind)).toEqual(['text', 'secret']);
  });

  it('fills defaults, builds config and keeps unknown keys', () => {
    const fields = normaliseFields(azure);
    const values = fieldValues(fields, {});
    expect(values).toEqual({ api_version: '2024-10-21', deployments: '' });
    values.deployments = '{"gpt-4o":"my-gpt4o"}';
    expect(buildConfig(fields, values, '{"headers":{"x-a":"1"}}')).toEqual({
      headers: { 'x-a': '1' }, api_version: '2024-10-21', deployments: { 'gpt-4o': 'my-gpt4o' },
    });
    expect(otherConfig(fields, { api_version: 'v', headers: {} })).toEqual({ headers: {} });
  });

  it('checks an import file before sending it', () => {
    expect(checkProviderDoc('{"version":1,"providers":[{"name":"a","type":"openai"}]}').ok).toBe(true);
    expect(checkProviderDoc('nope')).toMatchObject({ ok: false, key: 'common.invalidJson' });
    expect(checkProviderDoc('{"providers":{}}')).toMatchObject({ ok: false, key: 'provider.importMissingProviders' });
    expect(checkProviderDoc('{"providers":[{"name":"a"}]}')).toEqual({
      ok: false, key: 'provider.importMissingField', params: { index: 0, field: 'type' },
    });
  });
});
