import { describe, expect, it } from 'vitest';
import type { Finding } from '../lib/api';
import { template } from '../test/connections';
import {
  authConfigFor,
  connectionFromForm,
  emptyModel,
  fieldCandidates,
  findingsLabel,
  formFromConnection,
  headerRowNotes,
  headersObject,
  modelRow,
  moveRow,
  parseModelsJson,
  placeFindings,
  presetOf,
  setAuthKind,
  setModelsMode,
} from './form';

const finding = (path: string, severity: 'error' | 'warning' = 'error'): Finding => ({
  severity,
  code: 'name-pattern',
  path,
  message: path,
});

describe('header presets', () => {
  it('maps every preset to authConfig and back; the default writes none', () => {
    expect(authConfigFor('default', null)).toBeNull();
    for (const preset of ['bearer', 'ocpApim', 'xApiKey'] as const) {
      const config = authConfigFor(preset, null);
      expect(config?.kind).toBe('api_key');
      expect(config?.format).toContain('{api_key}');
      expect(presetOf(config)).toBe(preset);
    }
    expect(authConfigFor('bearer', null)).toEqual({
      kind: 'api_key',
      headerName: 'Authorization',
      format: 'Bearer {api_key}',
      extra: {},
    });
    expect(presetOf(null)).toBe('default');
  });

  it('treats anything else as custom, and custom starts from the current values', () => {
    const odd = { kind: 'api_key', headerName: 'X-Key', format: 'Token {api_key}', extra: {} };
    expect(presetOf(odd)).toBe('custom');
    expect(presetOf({ ...authConfigFor('bearer', null)!, extra: { extra: 1 } })).toBe('custom');
    expect(authConfigFor('custom', odd)).toEqual(odd);
    expect(authConfigFor('custom', null)).toEqual({ kind: 'api_key', headerName: '', format: '{api_key}', extra: {} });
  });
});

describe('parseModelsJson', () => {
  it('reads the models array shape, keeping unknown keys', () => {
    const result = parseModelsJson(
      '[{"name":"gpt-4o","properties":{"model":{"name":"gpt-4o","version":"2024-11-20","format":"OpenAI","x":1}},"sku":"S"}]',
    );
    expect(result).toEqual({
      ok: true,
      models: [
        {
          deploymentName: 'gpt-4o',
          modelName: 'gpt-4o',
          modelVersion: '2024-11-20',
          format: 'OpenAI',
          extra: { sku: 'S' },
          propertiesExtra: {},
          modelExtra: { x: 1 },
        },
      ],
    });
  });

  it('accepts the array JSON-encoded in a string, {"models": [...]}, and a single object', () => {
    const one = '{"name":"a","properties":{"model":{"name":"m"}}}';
    for (const text of [JSON.stringify(`[${one}]`), `{"models":[${one}]}`, one]) {
      const result = parseModelsJson(text);
      expect(result.ok && result.models.map((m) => m.deploymentName)).toEqual(['a']);
    }
  });

  it('leaves judging the content to the backend: missing fields become empty cells', () => {
    const result = parseModelsJson('[{"name": 7}]');
    expect(result.ok && result.models[0]).toMatchObject({ deploymentName: '7', modelName: null, format: null });
  });

  it('explains what is wrong with the shape', () => {
    expect(parseModelsJson('')).toEqual({ ok: false, error: expect.stringMatching(/Paste/) });
    expect(parseModelsJson('[{"name": "a",]')).toEqual({ ok: false, error: expect.stringMatching(/not valid JSON/) });
    expect(parseModelsJson('42')).toEqual({ ok: false, error: expect.stringMatching(/Expected a JSON array/) });
    expect(parseModelsJson('["gpt-4o"]')).toEqual({ ok: false, error: expect.stringMatching(/Item 1 is not an object/) });
    expect(parseModelsJson('[{"name":"a","properties":{"model":{"name":["x"]}}}]')).toEqual({
      ok: false,
      error: expect.stringMatching(/Item 1: "properties.model.name" should be a string/),
    });
  });
});

describe('form ⇄ connection', () => {
  it('round-trips a connection unchanged', () => {
    const c = template('ModelGateway');
    c.name = 'gw';
    c.metadata.models = [{ ...emptyModel(), deploymentName: 'a', modelName: 'a' }];
    c.metadata.customHeaders = { 'X-A': '1', 'X-B': '2' };
    c.auth = { kind: 'oauth2', clientId: 'id', clientSecret: null, tokenUrl: 'https://t', scopes: ['s1', 's2'] };
    expect(connectionFromForm(formFromConnection(c), {})).toEqual(c);
  });

  it('sets a secret reference exactly when the slot has a value', () => {
    const form = formFromConnection(template('ApiManagement'));
    expect(connectionFromForm(form, {}).auth).toEqual({ kind: 'apiKey', key: null });
    expect(connectionFromForm(form, { apiKey: true }).auth).toEqual({ kind: 'apiKey', key: { slot: 'apiKey' } });
  });

  it('builds models or discovery from the chosen mode, keeping the other aside', () => {
    const form = formFromConnection(template('ApiManagement'));
    expect(form.modelsMode).toBe('defaults');
    setModelsMode(form, 'dynamic', 'apim');
    expect(connectionFromForm(form, {}).metadata.modelDiscovery).toMatchObject({
      listModelsEndpoint: '/deployments',
      getModelEndpoint: '/deployments/{deploymentName}',
      deploymentProvider: 'AzureOpenAI',
    });
    form.discovery.listModelsEndpoint = '/v1/models';
    setModelsMode(form, 'static', 'apim');
    form.models.push(modelRow(emptyModel()));
    const built = connectionFromForm(form, {});
    expect(built.metadata.modelDiscovery).toBeNull();
    expect(built.metadata.models).toHaveLength(1);
    setModelsMode(form, 'dynamic', 'apim');
    expect(connectionFromForm(form, {}).metadata.modelDiscovery?.listModelsEndpoint).toBe('/v1/models');
  });

  it('keeps both models and discovery of an imported draft until a mode is chosen', () => {
    const c = template('ModelGateway');
    c.metadata.models = [];
    c.metadata.modelDiscovery = { listModelsEndpoint: '/m', getModelEndpoint: null, deploymentProvider: null, extra: {} };
    const form = formFromConnection(c);
    expect(form.keepBoth).toBe(true);
    expect(connectionFromForm(form, {}).metadata).toMatchObject({ models: [], modelDiscovery: { listModelsEndpoint: '/m' } });
    setModelsMode(form, 'static', 'openai');
    expect(connectionFromForm(form, {}).metadata.modelDiscovery).toBeNull();
  });

  it('switching auth keeps the other types’ values and the key header aside', () => {
    const c = template('ApiManagement');
    c.metadata.authConfig = authConfigFor('bearer', null);
    const form = formFromConnection(c);
    expect(form.headerPreset).toBe('bearer');
    setAuthKind(form, 'projectManagedIdentity');
    expect(form.c.auth).toEqual({ kind: 'projectManagedIdentity', audience: 'https://cognitiveservices.azure.com' });
    expect(form.c.metadata.authConfig).toBeNull();
    if (form.c.auth.kind === 'projectManagedIdentity') form.c.auth.audience = 'api://custom';
    setAuthKind(form, 'apiKey');
    expect(form.c.metadata.authConfig?.headerName).toBe('Authorization');
    expect(form.headerPreset).toBe('bearer');
    setAuthKind(form, 'projectManagedIdentity');
    expect(form.c.auth).toEqual({ kind: 'projectManagedIdentity', audience: 'api://custom' });
  });

  it('keeps row identities when a category switch returns the same rows', () => {
    const c = template('ApiManagement');
    c.metadata.models = [emptyModel(), emptyModel()];
    const form = formFromConnection(c);
    const again = formFromConnection({ ...connectionFromForm(form, {}), category: 'ModelGateway' }, form);
    expect(again.models.map((r) => r.uid)).toEqual(form.models.map((r) => r.uid));
  });
});

describe('custom header rows', () => {
  it('sends named rows only, the first of equal names, and says why a row is left out', () => {
    const rows = [
      { uid: 1, name: 'X-A', value: '1' },
      { uid: 2, name: '', value: 'orphan' },
      { uid: 3, name: 'X-A', value: '2' },
      { uid: 4, name: '', value: '' },
    ];
    expect(headersObject(rows)).toEqual({ 'X-A': '1' });
    const notes = headerRowNotes(rows);
    expect(notes.get(2)).toMatch(/name/);
    expect(notes.get(3)).toMatch(/only the first/);
    expect(notes.has(1) || notes.has(4)).toBe(false);
  });
});

describe('placing findings', () => {
  const form = () => {
    const c = template('ModelGateway');
    c.metadata.models = [emptyModel(), emptyModel()];
    c.metadata.customHeaders = { 'X-Foo': 'a', plain: 'b' };
    return formFromConnection(c);
  };

  it('maps model paths by index to the row shown there', () => {
    const f = form();
    const second = f.models[1].uid;
    expect(fieldCandidates('properties.metadata.models[1].properties.model.name', f)[0]).toBe(`model:${second}:modelName`);
    expect(fieldCandidates('properties.metadata.models[1].name', f)[0]).toBe(`model:${second}:deploymentName`);
    expect(fieldCandidates('properties.metadata.models[1].sku', f)[0]).toBe(`model:${second}`);
    expect(fieldCandidates('properties.metadata.models[9].name', f)).toEqual(['models']);
  });

  it('finds custom headers written as .key or ["key"]', () => {
    const f = form();
    const foo = f.headers.find((h) => h.name === 'X-Foo')!.uid;
    const plain = f.headers.find((h) => h.name === 'plain')!.uid;
    expect(fieldCandidates('properties.metadata.customHeaders["X-Foo"]', f)[0]).toBe(`header:${foo}`);
    expect(fieldCandidates('properties.metadata.customHeaders.plain', f)[0]).toBe(`header:${plain}`);
  });

  it('shows a finding at the first field that is on screen, and the rest above the form', () => {
    const f = form();
    const placed = placeFindings(
      [
        finding('name'),
        finding('properties.credentials.key'),
        finding('properties.audience'),
        finding('properties.metadata.surprise', 'warning'),
        finding('properties.metadata.modelDiscovery.listModelsEndpoint'),
      ],
      f,
    );
    expect(placed.byField.get('name')).toHaveLength(1);
    expect(placed.byField.get('apiKey')).toHaveLength(1);
    // No audience field with API key auth: shown with the auth choice instead.
    expect(placed.byField.get('auth')?.[0].path).toBe('properties.audience');
    // Static models on screen, not the discovery fields: shown with the models.
    expect(placed.byField.get('models')?.[0].path).toBe('properties.metadata.modelDiscovery.listModelsEndpoint');
    expect(placed.unplaced.map((x) => x.path)).toEqual(['properties.metadata.surprise']);
  });

  it('places a finding about the whole metadata by its code', () => {
    const f = formFromConnection(template('ModelGateway'));
    const missing: Finding = { severity: 'error', code: 'models-missing', path: 'properties.metadata', message: 'm' };
    expect(placeFindings([missing], f).byField.get('models')).toEqual([missing]);
  });

  it('labels counts', () => {
    expect(findingsLabel({ errors: 2, warnings: 1 })).toBe('2 errors · 1 warning');
    expect(findingsLabel({ errors: 0, warnings: 3 })).toBe('3 warnings');
    expect(findingsLabel({ errors: 0, warnings: 0 })).toBe('No problems');
  });
});

describe('moveRow', () => {
  it('moves within bounds only', () => {
    const rows = ['a', 'b', 'c'];
    expect(moveRow(rows, 0, 1)).toBe(true);
    expect(rows).toEqual(['b', 'a', 'c']);
    expect(moveRow(rows, 0, -1)).toBe(false);
    expect(moveRow(rows, 2, 3)).toBe(false);
  });
});
