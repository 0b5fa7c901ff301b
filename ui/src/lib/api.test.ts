import { afterEach, describe, expect, it } from 'vitest';
import { fakeBackend, noBackend, READY_INFO, resetWindow, SCHEMA_TOO_NEW } from '../test/backend';
import { ApiError, appInfo, describeError, reportFirstPaint, settingsGet, settingsSet, toUiError, type UiError } from './api';

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

describe('calls', () => {
  it('unwraps a successful result', async () => {
    fakeBackend();
    await expect(appInfo()).resolves.toEqual(READY_INFO);
  });

  it('passes settings through under the argument name the command expects', async () => {
    const backend = fakeBackend();
    await expect(settingsSet({ theme: 'dark' })).resolves.toEqual({ theme: 'dark' });
    expect(backend.callsTo('settings_set')[0].args).toEqual({ settings: { theme: 'dark' } });
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
