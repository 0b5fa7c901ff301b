import { mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, expect, it, vi } from 'vitest';
import type { Connection, Inspection } from '../lib/api';
import { resetWindow } from '../test/backend';
import { template } from '../test/connections';
import { EditorState } from './editor-state.svelte';

afterEach(() => {
  vi.useRealTimers();
  resetWindow();
});

it('inspects at once, then after a pause in typing, and drops answers that arrive late', async () => {
  vi.useFakeTimers();
  const pending: { connection: Connection; resolve: (i: Inspection) => void }[] = [];
  mockIPC((cmd, args) => {
    if (cmd !== 'connection_inspect') throw `unexpected ${cmd}`;
    return new Promise<Inspection>((resolve) => pending.push({ connection: (args as { connection: Connection }).connection, resolve }));
  });
  const editor = new EditorState(template('ApiManagement'));
  editor.scheduleInspect(editor.connection);
  await vi.advanceTimersByTimeAsync(0);
  expect(pending).toHaveLength(1);

  editor.form.c.name = 'a';
  editor.scheduleInspect(editor.connection);
  editor.form.c.name = 'ab';
  editor.scheduleInspect(editor.connection);
  await vi.advanceTimersByTimeAsync(100);
  expect(pending).toHaveLength(1); // still waiting for the pause
  await vi.advanceTimersByTimeAsync(100);
  expect(pending).toHaveLength(2);
  expect(pending[1].connection.name).toBe('ab');

  // The newer answer lands first; the older one, arriving late, is ignored.
  pending[1].resolve({ findings: [], armBody: '{"name": "ab"}' });
  await vi.advanceTimersByTimeAsync(0);
  pending[0].resolve({
    findings: [{ severity: 'error', code: 'name-missing', path: 'name', message: 'old' }],
    armBody: '{}',
  });
  await vi.advanceTimersByTimeAsync(0);
  expect(editor.armBody).toBe('{"name": "ab"}');
  expect(editor.findings).toEqual([]);
});

it('is dirty after an edit or a typed secret, and clean again after revert', () => {
  const editor = new EditorState(template('ModelGateway'));
  expect(editor.dirty).toBe(false);
  editor.form.c.target = 'https://gw';
  expect(editor.dirty).toBe(true);
  editor.revert();
  expect(editor.dirty).toBe(false);
  editor.typed.apiKey = 'k';
  expect(editor.dirty).toBe(true);
  expect(editor.typedSecrets()).toEqual([{ slot: 'apiKey', value: 'k' }]);
  editor.revert();
  expect(editor.typedSecrets()).toEqual([]);
});
