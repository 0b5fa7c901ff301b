import { afterEach, describe, expect, it } from 'vitest';
import { fakeBackend, noBackend, READY_INFO, resetWindow, SCHEMA_TOO_NEW, settingsWith } from '../test/backend';
import { SANDBOX_START_FAILED } from '../test/cloud';
import {
  ApiError,
  appInfo,
  cloudSelect,
  cloudStatus,
  connectionExport,
  connectionImport,
  connectionInspect,
  connectionSave,
  describeError,
  guardWindowClose,
  setUnsavedWork,
  reportFirstPaint,
  getExchange,
  settingsGet,
  settingsSet,
  startChecks,
  toUiError,
  type UiError,
} from './api';
import { template } from '../test/connections';

afterEach(resetWindow);

async function failure(promise: Promise<unknown>): Promise<UiError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return (e as ApiError).error;
  }
  throw new Error('expected the call to fail');
}

describe('checks', () => {
  it('starts a run with a channel and hands its events to the callback', async () => {
    const backend = fakeBackend();
    const events: unknown[] = [];
    const connection = template('ApiManagement');
    const options = { deployments: ['gpt-4o'], only: ['chat' as const], timeoutSecs: 10, concurrency: 2 };
    await expect(startChecks('d-1', connection, [], 'token', options, (e) => events.push(e))).resolves.toBe('run-new-1');
    const args = backend.callsTo('check_run_start')[0].args as Record<string, unknown>;
    expect(args).toMatchObject({ draftId: 'd-1', connection, secrets: [], bearerToken: 'token', options });
    backend.checks.emit({ event: 'done', outcome: 'passed' });
    expect(events).toEqual([{ event: 'done', outcome: 'passed' }]);
  });

  it('fails with notFound for an exchange that is gone', async () => {
    fakeBackend();
    const error = await failure(getExchange('x-gone'));
    expect(error.kind).toBe('notFound');
  });
});

describe('cloud', () => {
  it('reads the cloud without starting the sandbox, and starts it when chosen', async () => {
    const backend = fakeBackend({ settings: settingsWith({ cloud: 'sandbox' }) });
    await expect(cloudStatus()).resolves.toEqual({ cloud: 'sandbox', sandbox: null });
    const status = await cloudSelect('sandbox');
    expect(backend.callsTo('cloud_select')[0].args).toEqual({ cloud: 'sandbox' });
    expect(status.sandbox?.gateways.map((g) => g.name)).toEqual(['sandbox-openai', 'sandbox-apim']);
    expect(status.sandbox?.gateways.every((g) => g.draftId !== null)).toBe(true);
  });

  it('hands a sandbox error over as data, and describes it with its hint', async () => {
    fakeBackend({ cloud: { startFailures: [SANDBOX_START_FAILED] } });
    const error = await failure(cloudSelect('sandbox'));
    expect(error).toEqual(SANDBOX_START_FAILED);
    const d = describeError(error);
    expect(d.title).toBe('The sandbox could not start');
    expect(d.body).toMatch(/^The ARM emulator on 127\.0\.0\.1:47110: address in use\./);
    expect(d.body).toContain('falls back to free ports');
  });
});

describe('calls', () => {
  it('unwraps a successful result', async () => {
    fakeBackend();
    await expect(appInfo()).resolves.toEqual(READY_INFO);
  });

  it('passes settings through under the argument name the command expects', async () => {
    const backend = fakeBackend();
    const settings = settingsWith({ theme: 'dark', network: { caBundles: ['/etc/ca.pem'], checkTimeoutSecs: 45 } });
    await expect(settingsSet(settings)).resolves.toEqual(settings);
    expect(backend.callsTo('settings_set')[0].args).toEqual({ settings });
  });

  it('hands an AppError from the backend to the caller unchanged', async () => {
    fakeBackend({ settingsError: SCHEMA_TOO_NEW });
    expect(await failure(settingsGet())).toEqual(SCHEMA_TOO_NEW);
  });

  it('turns a framework refusal (a plain string) into an internal error', async () => {
    fakeBackend({ reject: { settings_get: 'settings_get not allowed. Command not found' } });
    expect(await failure(settingsGet())).toEqual({
      kind: 'internal',
      message: 'settings_get not allowed. Command not found',
    });
  });

  it('turns a missing backend into an internal error that says so', async () => {
    noBackend();
    const error = await failure(appInfo());
    expect(error.kind).toBe('internal');
    expect(error.message).toMatch(/not connected to the Gateway Studio backend/);
  });

  it('returns the first-paint figure', async () => {
    fakeBackend();
    await expect(reportFirstPaint()).resolves.toBe(42.5);
  });
});

describe('connection calls', () => {
  it('passes the arguments the commands expect and unwraps the answers', async () => {
    const backend = fakeBackend();
    const c = { ...template('ApiManagement'), name: 'apim-gw', target: 'https://x' };
    const inspection = await connectionInspect(c);
    expect(inspection.armBody).toContain('"apim-gw"');
    expect(backend.callsTo('connection_inspect')[0].args).toEqual({ connection: c });
    const draft = await connectionSave(null, c, [{ slot: 'apiKey', value: 'k' }]);
    expect(draft.storedSecrets).toEqual(['apiKey']);
    expect(backend.callsTo('connection_save')[0].args).toEqual({ id: null, connection: c, secrets: [{ slot: 'apiKey', value: 'k' }] });
    await expect(connectionExport(c, 'bicep')).resolves.toMatch(/^# bicep export/);
    expect(backend.callsTo('connection_export')[0].args).toEqual({ connection: c, format: 'bicep' });
  });

  it('turns a keyring failure and a failed import into UiErrors', async () => {
    const keyring = { kind: 'keyring' as const, message: 'locked', details: { available: true } };
    fakeBackend({ connections: { saveError: keyring } });
    expect(await failure(connectionSave(null, template('ModelGateway'), []))).toEqual(keyring);
    expect((await failure(connectionImport('nope'))).kind).toBe('invalidFile');
  });
});

describe('toUiError', () => {
  it('keeps AppErrors and wraps everything else as internal', () => {
    fakeBackend();
    expect(toUiError(SCHEMA_TOO_NEW)).toBe(SCHEMA_TOO_NEW);
    expect(toUiError('denied')).toEqual({ kind: 'internal', message: 'denied' });
    expect(toUiError(new TypeError('boom'))).toEqual({ kind: 'internal', message: 'boom' });
    expect(toUiError({ kind: 'somethingNew' })).toEqual({
      kind: 'internal',
      message: 'The backend failed without saying why.',
    });
  });
});

describe('describeError', () => {
  it('schemaTooNew names both versions, the file, and that it was left untouched', () => {
    const d = describeError(SCHEMA_TOO_NEW);
    expect(d.title).toMatch(/newer Gateway Studio/);
    expect(d.body).toMatch(/schema version 7/);
    expect(d.body).toMatch(/up to version 3/);
    expect(d.body).toMatch(/left untouched/);
    expect(d.path).toBe(SCHEMA_TOO_NEW.details.path);
  });

  it.each([
    ['createDir', /data folder could not be created/],
    ['notADatabase', /not a Gateway Studio database/],
    ['schemaConflict', /does not match/],
    ['sqlite', /could not be opened/],
  ] as const)('storage/%s has its own title and keeps the message as a sentence', (problem, title) => {
    const d = describeError({
      kind: 'storage',
      message: 'disk I/O error',
      details: { path: '/data/gs.db', problem },
    });
    expect(d.title).toMatch(title);
    expect(d.body).toBe('Disk I/O error. Until then, changes are not saved.');
    expect(d.path).toBe('/data/gs.db');
  });

  it('storage does not repeat a path the message already names', () => {
    const d = describeError({
      kind: 'storage',
      message: '/data/gs.db is not a Gateway Studio database (file is not a database). It was left untouched',
      details: { path: '/data/gs.db', problem: 'notADatabase' },
    });
    expect(d.body).toMatch(/^\/data\/gs\.db is not a Gateway Studio database .* left untouched\. Until then/);
    expect(d.path).toBeUndefined();
  });

  it('keyring says nothing was saved, and what to do when there is no keyring at all', () => {
    const missing = describeError({ kind: 'keyring', message: 'no Secret Service provider', details: { available: false } });
    expect(missing.title).toBe('The OS keyring is not available');
    expect(missing.body).toMatch(/^No Secret Service provider\. Nothing was saved/);
    expect(missing.body).toMatch(/Start or unlock/);
    const refused = describeError({ kind: 'keyring', message: 'the user dismissed the prompt', details: { available: true } });
    expect(refused.title).toBe('The OS keyring refused the secret');
  });

  it('invalidFile keeps the parser’s message, which names the place and the fix', () => {
    const d = describeError({
      kind: 'invalidFile',
      message: '`properties.category` is "AzureOpenAI", which is not a gateway connection category',
      details: { path: 'properties.category', code: 'unsupported-category' },
    });
    expect(d.title).toMatch(/not a connection/);
    expect(d.body).toBe('`properties.category` is "AzureOpenAI", which is not a gateway connection category.');
  });

  it('notFound names what is gone', () => {
    const d = describeError({
      kind: 'notFound',
      message: 'connection draft draft-1 does not exist',
      details: { what: 'connection draft', id: 'draft-1' },
    });
    expect(d.title).toBe('This connection draft no longer exists');
    expect(d.body).toMatch(/^Connection draft draft-1 does not exist\./);
  });

  it('invalidInput names the field', () => {
    const d = describeError({ kind: 'invalidInput', message: 'unknown theme "blue"', details: { field: 'theme' } });
    expect(d.title).toBe('Invalid value for theme');
    expect(d.body).toBe('Unknown theme "blue".');
  });

  it('internal (a plain-string rejection) shows the message', () => {
    const d = describeError(toUiError('Command app_info not found'));
    expect(d.title).toBe('The request did not reach the backend');
    expect(d.body).toBe('Command app_info not found.');
  });
});

describe('closing the window', () => {
  type Watch = { onCloseRequest: { onmessage: (m: null) => void } };

  it('reports unsaved work to the backend', async () => {
    const backend = fakeBackend();
    await setUnsavedWork(true);
    expect(backend.callsTo('window_set_unsaved')[0].args).toEqual({ unsaved: true });
  });

  it('closes after a close request only when the user agrees', async () => {
    const backend = fakeBackend();
    const answers = [false, true];
    await guardWindowClose(async () => answers.shift() ?? false);
    const channel = (backend.callsTo('window_watch_close')[0].args as unknown as Watch).onCloseRequest;

    channel.onmessage(null); // the user cancels
    await new Promise((r) => setTimeout(r, 0));
    expect(backend.callsTo('window_close_confirmed')).toHaveLength(0);

    channel.onmessage(null); // the user saves or discards
    await new Promise((r) => setTimeout(r, 0));
    expect(backend.callsTo('window_close_confirmed')).toHaveLength(1);
  });

  it('does nothing without a backend', async () => {
    noBackend();
    await expect(setUnsavedWork(true)).resolves.toBeUndefined();
  });
});
