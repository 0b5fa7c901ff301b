import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppError, PlaygroundStart, TurnInput } from '../lib/api';
import App from '../shell/App.svelte';
import { fakeBackend, resetWindow, type FakeBackend } from '../test/backend';
import { draft } from '../test/connections';
import { conversation, summary, turnRecord, weatherCall, type PlaygroundOptions } from '../test/playground';
import type { AzureOptions } from '../test/azure';
import { resetPlayground } from './playground-state.svelte';

beforeEach(() => {
  resetPlayground();
});
afterEach(resetWindow);

const model = (name: string) => ({
  deploymentName: name,
  modelName: name,
  modelVersion: '',
  format: 'OpenAI',
  extra: {},
  propertiesExtra: {},
  modelExtra: {},
});

const OPENAI = {
  ...draft(
    'd-openai',
    (c) => {
      c.category = 'ModelGateway';
      c.name = 'sandbox-openai';
      c.target = 'http://127.0.0.1:47112/v1';
      c.auth = { kind: 'apiKey', key: { slot: 'apiKey' } };
      c.metadata.modelDiscovery = { listModelsEndpoint: '/models', getModelEndpoint: '/models/{deploymentName}', deploymentProvider: 'OpenAI', extra: {} };
    },
    ['apiKey'],
  ),
  updatedAt: '2025-01-02T10:00:00Z',
};

const APIM = draft(
  'd-apim',
  (c) => {
    c.name = 'sandbox-apim';
    c.target = 'http://127.0.0.1:47113/openai';
    c.auth = { kind: 'apiKey', key: { slot: 'apiKey' } };
    c.metadata.models = [model('gpt-4o'), model('gpt-4o-mini')];
  },
  ['apiKey'],
);

const PMI = {
  ...draft('d-pmi', (c) => {
    c.name = 'apim-mi';
    c.target = 'https://contoso-apim.azure-api.net/openai';
    c.auth = { kind: 'projectManagedIdentity', audience: 'https://cognitiveservices.azure.com' };
    c.metadata.models = [model('gpt-4o')];
  }),
  updatedAt: '2024-12-01T10:00:00Z',
};

function open(options: { playground?: PlaygroundOptions; azure?: AzureOptions; drafts?: (typeof APIM)[] } = {}): FakeBackend {
  const backend = fakeBackend({
    connections: { drafts: options.drafts ?? [OPENAI, APIM, PMI] },
    playground: options.playground,
    azure: options.azure,
  });
  window.history.replaceState(null, '', '/#/playground');
  render(App);
  return backend;
}

const composer = () => screen.getByTestId('composer') as HTMLTextAreaElement;
const sendButton = () => screen.getByTestId('send') as HTMLButtonElement;
const starts = (b: FakeBackend) => b.callsTo('playground_start').map((c) => (c.args as { request: PlaygroundStart }).request);
const sends = (b: FakeBackend) => b.callsTo('playground_send').map((c) => c.args as { conversationId: string; input: TurnInput });
const lastReply = () => {
  const replies = screen.queryAllByTestId('agent-reply');
  return replies.at(-1)?.textContent ?? '';
};

/** The page with sandbox-openai chosen and `gpt-4o` typed in as the deployment. */
async function ready(options: Parameters<typeof open>[0] = {}): Promise<FakeBackend> {
  const backend = open(options);
  const connection = (await screen.findByTestId('playground-connection')) as HTMLSelectElement;
  await waitFor(() => expect(connection.value).toBe('d-openai'));
  const deployment = screen.getByTestId('playground-deployment') as HTMLInputElement;
  await fireEvent.input(deployment, { target: { value: 'gpt-4o' } });
  await waitFor(() => expect(screen.getByTestId('playground-model').textContent).toBe('sandbox-openai/gpt-4o'));
  return backend;
}

/** The last turn ended with `reply` (its record is in: figures shown, composer back). */
async function answered(reply: string | RegExp) {
  await waitFor(() => {
    const text = lastReply();
    if (typeof reply === 'string') expect(text).toBe(reply);
    else expect(text).toMatch(reply);
    const turns = screen.getAllByTestId('turn');
    expect(turns.at(-1)!.dataset.state).not.toBe('running');
  });
}

async function say(text: string) {
  await fireEvent.input(composer(), { target: { value: text } });
  await waitFor(() => expect(sendButton().disabled).toBe(false));
  await fireEvent.keyDown(composer(), { key: 'Enter' });
}

describe('agent playground: setup', () => {
  it('builds <connection>/<deployment> from the connection and its models, and hints before the first message', async () => {
    open();
    const connection = (await screen.findByTestId('playground-connection')) as HTMLSelectElement;
    await waitFor(() => expect(connection.value).toBe('d-openai'));
    // A discovery connection: the deployment is typed.
    expect(screen.getByTestId('playground-setup').textContent).toMatch(/discovers its models: type a deployment/);
    expect(screen.getByTestId('playground-model').textContent).toBe('sandbox-openai/<deployment>');
    expect(screen.getByTestId('playground-blocker').textContent).toMatch(/deployment/);
    expect(sendButton().disabled).toBe(true);

    // A connection with static models: its rows are offered, the first one picked.
    await fireEvent.change(connection, { target: { value: 'd-apim' } });
    await waitFor(() => expect(screen.getByTestId('playground-model').textContent).toBe('sandbox-apim/gpt-4o'));
    const chips = screen.getAllByTestId('model-chip').map((c) => c.dataset.deployment);
    expect(chips).toEqual(['gpt-4o', 'gpt-4o-mini']);
    await fireEvent.click(screen.getAllByTestId('model-chip')[1]);
    expect(screen.getByTestId('playground-model').textContent).toBe('sandbox-apim/gpt-4o-mini');

    const hint = screen.getByTestId('compat-hint');
    expect(hint.textContent).toMatch(/Only prompt agents can use gateway models/);
    expect(hint.textContent).toContain('<connection-name>/<deployment-name>');
    expect(hint.textContent).toContain('sandbox-apim/gpt-4o-mini');

    // The mode says what runs.
    expect(screen.getByTestId('mode-label').textContent).toMatch(/Local — Gateway Studio plays the Agent Service and calls your gateway directly/);
  });

  it('asks a managed-identity connection run locally for a stand-in token', async () => {
    open();
    const connection = (await screen.findByTestId('playground-connection')) as HTMLSelectElement;
    await waitFor(() => expect(connection.value).toBe('d-openai'));
    await fireEvent.change(connection, { target: { value: 'd-pmi' } });
    await screen.findByTestId('bearer-token');
    expect(screen.getByTestId('playground-blocker').textContent).toMatch(/stand-in token/);
  });
});

describe('agent playground: a local conversation', () => {
  it('starts locally on the first message and shows the reply with its usage and latency', async () => {
    const backend = await ready();
    await say('Hello');
    await answered('Echo from gpt-4o: Hello');
    const [request] = starts(backend);
    expect(request).toMatchObject({
      draftId: 'd-openai',
      mode: 'local',
      settings: { deployment: 'gpt-4o', sampleTool: true, temperature: null },
      parent: null,
      continueFrom: null,
    });
    expect(sends(backend)[0].input).toEqual({ kind: 'message', text: 'Hello' });
    expect(screen.getByTestId('user-message').textContent).toBe('Hello');
    expect(screen.getByTestId('turn-usage').textContent).toBe('12 in · 8 out · 20 tokens');
    expect(screen.getByTestId('turn-latency').textContent).toBe('340 ms');
    expect(screen.getByTestId('turn-first-token').textContent).toBe('first token 120 ms');
    expect(composer().value).toBe('');
    expect(screen.getByTestId('conversation-open')).toBeTruthy();
    // The hint is for before the first message.
    expect(screen.queryByTestId('compat-hint')).toBeNull();

    // Multi-turn: the same conversation, no second start.
    await say('Again');
    await answered('Echo from gpt-4o: Again');
    expect(starts(backend)).toHaveLength(1);
    expect(new Set(sends(backend).map((s) => s.conversationId)).size).toBe(1);
    expect(screen.getAllByTestId('turn')).toHaveLength(2);
  });

  it('renders streamed chunks as they arrive, with the composer disabled meanwhile', async () => {
    const backend = await ready();
    backend.playground.hold();
    await say('Tell me');
    await waitFor(() => expect(backend.playground.waiting).toBe(true));
    expect(screen.getByTestId('agent-thinking')).toBeTruthy();
    expect(composer().disabled).toBe(true);
    expect(sendButton().textContent).toMatch(/Running/);

    backend.playground.emit('Once ');
    await waitFor(() => expect(lastReply()).toBe('Once '));
    expect(screen.getByTestId('agent-reply').classList.contains('streaming')).toBe(true);
    backend.playground.emit('upon ', 'a time');
    await waitFor(() => expect(lastReply()).toBe('Once upon a time'));
    expect(screen.queryByTestId('turn-meta')).toBeNull();

    backend.playground.finish({ reply: 'Once upon a time.', firstTokenMs: 80, latencyMs: 1500 });
    await answered('Once upon a time.');
    expect(screen.getByTestId('agent-reply').classList.contains('streaming')).toBe(false);
    expect(screen.getByTestId('turn-latency').textContent).toBe('1.50 s');
    expect(screen.getByTestId('turn-first-token').textContent).toBe('first token 80 ms');
    await waitFor(() => expect(composer().disabled).toBe(false));
  });

  it('Shift+Enter makes a new line, Ctrl+Enter sends too', async () => {
    const backend = await ready();
    await fireEvent.input(composer(), { target: { value: 'line one' } });
    await fireEvent.keyDown(composer(), { key: 'Enter', shiftKey: true });
    expect(backend.callsTo('playground_start')).toHaveLength(0);
    await fireEvent.keyDown(composer(), { key: 'Enter', ctrlKey: true });
    await answered('Echo from gpt-4o: line one');
  });

  it('shows a tool call as a card, auto-fills its output and sends it', async () => {
    const backend = await ready();
    await say('What is the weather in Paris?');
    const card = await screen.findByTestId('tool-call');
    expect(card.dataset.name).toBe('get_weather');
    expect(within(card).getByTestId('tool-arguments').textContent).toContain('"location": "Paris"');
    expect(card.dataset.status).toBe('waiting');
    // The composer waits for the output; focus went to the output box.
    expect(composer().disabled).toBe(true);
    const box = within(card).getByTestId('tool-output') as HTMLTextAreaElement;
    await waitFor(() => expect(document.activeElement).toBe(box));
    expect((within(card).getByTestId('tool-send') as HTMLButtonElement).disabled).toBe(true);

    // Esc leaves the box.
    await fireEvent.keyDown(box, { key: 'Escape' });
    expect(document.activeElement).toBe(card);

    await fireEvent.click(within(card).getByTestId('tool-autofill'));
    await waitFor(() => expect(box.value).toBe(weatherCall().suggestedOutput));
    await fireEvent.click(within(card).getByTestId('tool-send'));

    await answered(/^The tool said: /);
    const outputs = sends(backend)[1].input;
    expect(outputs).toEqual({ kind: 'toolOutputs', outputs: [{ callId: card.dataset.callId, output: weatherCall().suggestedOutput }] });
    const done = screen.getByTestId('tool-call');
    expect(done.dataset.status).toBe('sent');
    expect(within(done).getByTestId('tool-output-sent').textContent).toContain('"conditions": "sunny"');
    await waitFor(() => expect(composer().disabled).toBe(false));
  });

  it('types an output by hand and sends it with Ctrl+Enter', async () => {
    const backend = await ready();
    await say('weather?');
    const box = (await screen.findByTestId('tool-output')) as HTMLTextAreaElement;
    await fireEvent.input(box, { target: { value: '{"temperature": 3}' } });
    await fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await answered('The tool said: {"temperature": 3}');
    expect(sends(backend)).toHaveLength(2);
  });

  it('auto-answers the sample tool when the toggle is on', async () => {
    const backend = await ready();
    await fireEvent.click(screen.getByTestId('playground-auto-answer'));
    await say('What is the weather in Paris?');
    await answered(/^The tool said: .*sunny/);
    expect(sends(backend).map((s) => s.input.kind)).toEqual(['message', 'toolOutputs']);
    expect(screen.getByTestId('tool-call').dataset.status).toBe('auto');
    expect(screen.queryByTestId('tool-output')).toBeNull();
  });
});

describe('agent playground: errors', () => {
  it('shows a failed turn inline with its code, message and fix, and the exchanges of its run', async () => {
    const backend = await ready();
    backend.playground.failNext({
      code: 'model_not_found',
      message: "Model 'sandbox-openai/gpt-5' not found.",
      fix: 'Write the agent’s model as <connection-name>/<deployment-name>.',
    });
    await say('Hi');
    const card = await screen.findByTestId('turn-error');
    expect(card.dataset.code).toBe('model_not_found');
    expect(within(card).getByTestId('turn-error-code').textContent).toBe('model_not_found');
    expect(within(card).getByTestId('turn-error-message').textContent).toContain("Model 'sandbox-openai/gpt-5' not found.");
    expect(within(card).getByTestId('turn-error-fix').textContent).toContain('<connection-name>/<deployment-name>');

    await fireEvent.click(within(card).getByTestId('show-exchanges'));
    const list = await within(card).findByTestId('exchange-list');
    const [call] = backend.callsTo('azure_trace_list');
    expect((call.args as { runId: string }).runId).toMatch(/^run-fail-/);
    expect(within(list).getAllByTestId('exchange-item')).toHaveLength(1);
    // The conversation goes on after a failed turn.
    await waitFor(() => expect(composer().disabled).toBe(false));
  });

  it('shows an agent error of the start with its exchanges, and keeps the message', async () => {
    const error = {
      kind: 'agent',
      message: 'The gateway answered 404 for the deployment gpt-4o.',
      details: { code: 'DeploymentNotFound', fix: 'Use a deployment the connection lists.', traceRunId: 'run-start-1' },
    } satisfies AppError;
    const backend = await ready({ playground: { startError: error } });
    await say('Hello');
    const card = await screen.findByTestId('start-error-card');
    expect(card.dataset.code).toBe('DeploymentNotFound');
    expect(card.textContent).toContain('The gateway answered 404');
    expect(card.textContent).toContain('Use a deployment the connection lists.');
    await fireEvent.click(within(card).getByTestId('show-exchanges'));
    await within(card).findByTestId('exchange-list');
    expect((backend.callsTo('azure_trace_list')[0].args as { runId: string }).runId).toBe('run-start-1');
    expect(composer().value).toBe('Hello');
  });
});

describe('agent playground: Foundry mode', () => {
  it('without a project on the Azure page, says so and links there', async () => {
    await ready({ azure: { noScope: true } });
    await fireEvent.click(document.querySelector('[data-mode-option="foundry"]')!);
    const prompt = await screen.findByTestId('playground-pick-project');
    expect(prompt.textContent).toMatch(/Foundry mode needs a project/);
    expect(screen.getByTestId('mode-label').textContent).toMatch(/no project picked/);
    await fireEvent.input(composer(), { target: { value: 'Hello' } });
    expect(sendButton().disabled).toBe(true);
    expect(screen.getByTestId('playground-blocker').textContent).toMatch(/pick one on the Azure page/);
    await fireEvent.click(screen.getByTestId('playground-open-azure'));
    await waitFor(() => expect(window.location.hash).toBe('#/azure'));
  });

  it('without a picked project, runs in a project whose endpoint is typed', async () => {
    const backend = await ready({ azure: { noScope: true } });
    await fireEvent.click(document.querySelector('[data-mode-option="foundry"]')!);
    const endpoint = await screen.findByTestId('playground-project-endpoint');
    await fireEvent.input(endpoint, { target: { value: 'contoso/p1' } });
    await fireEvent.input(composer(), { target: { value: 'Hello' } });
    expect(sendButton().disabled).toBe(true);
    expect(screen.getByTestId('playground-blocker').textContent).toMatch(/api\/projects\/PROJECT/);
    expect(endpoint.getAttribute('aria-invalid')).toBe('true');
    await fireEvent.input(endpoint, { target: { value: 'https://contoso.services.ai.azure.com/api/projects/p1' } });
    await waitFor(() => expect(screen.getByTestId('mode-label').textContent).toMatch(/in project p1/));
    await fireEvent.click(screen.getByTestId('playground-sample-tool'));
    await say('Hello');
    await answered('Echo from gpt-4o: Hello');
    const [request] = starts(backend);
    expect(request.mode).toBe('foundry');
    expect(request.parent).toBeNull();
    expect(request.projectEndpoint).toBe('https://contoso.services.ai.azure.com/api/projects/p1');
  });

  it('runs in the picked project and names the test agent', async () => {
    const backend = await ready();
    await fireEvent.click(document.querySelector('[data-mode-option="foundry"]')!);
    await waitFor(() => expect(screen.getByTestId('mode-label').textContent).toMatch(/in project sandbox-project/));
    await fireEvent.click(screen.getByTestId('playground-sample-tool'));
    await say('Hello');
    await answered('Echo from gpt-4o: Hello');
    const [request] = starts(backend);
    expect(request.mode).toBe('foundry');
    expect(request.parent).toEqual({
      account: { subscriptionId: '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b', resourceGroup: 'rg-gateway-sandbox', account: 'sandbox-foundry' },
      project: 'sandbox-project',
    });
    expect(screen.getByTestId('mode-label').textContent).toMatch(/Foundry — agent version gs-test-\d+\s*v1 in project sandbox-project/);
  });
});

describe('agent playground: conversations', () => {
  it('New conversation ends the open one, shows the cleanup result and starts afresh', async () => {
    const backend = await ready();
    await fireEvent.click(document.querySelector('[data-mode-option="foundry"]')!);
    await waitFor(() => expect(screen.getByTestId('mode-label').textContent).toMatch(/sandbox-project/));
    await say('Hello');
    await answered('Echo from gpt-4o: Hello');
    const id = sends(backend)[0].conversationId;

    await fireEvent.click(screen.getByTestId('new-conversation'));
    await waitFor(() => expect(backend.callsTo('playground_end')).toHaveLength(1));
    expect((backend.callsTo('playground_end')[0].args as { conversationId: string }).conversationId).toBe(id);
    const notice = await screen.findByTestId('ended-notice');
    expect(notice.textContent).toMatch(/deleted from Foundry/);
    expect(screen.queryAllByTestId('turn')).toHaveLength(0);
    expect(screen.getByTestId('playground-intro')).toBeTruthy();

    await say('Hi again');
    await answered('Echo from gpt-4o: Hi again');
    expect(starts(backend)).toHaveLength(2);
    expect(sends(backend)[1].conversationId).not.toBe(id);
  });

  it('a changed setting ends the conversation with the next message', async () => {
    const backend = await ready();
    await say('Hello');
    await answered('Echo from gpt-4o: Hello');
    await fireEvent.input(screen.getByTestId('playground-instructions'), { target: { value: 'Answer in French.' } });
    expect((await screen.findByTestId('settings-changed')).textContent).toMatch(/next message ends this conversation/);
    await say('Bonjour');
    await waitFor(() => expect(starts(backend)).toHaveLength(2));
    expect(backend.callsTo('playground_end')).toHaveLength(1);
    expect(starts(backend)[1].settings.instructions).toBe('Answer in French.');
    await answered('Echo from gpt-4o: Bonjour');
    expect(screen.getAllByTestId('turn')).toHaveLength(1);
  });

  it('the mode label follows the toggle, and says the open conversation ends with the next message', async () => {
    await ready();
    await say('Hello');
    await answered('Echo from gpt-4o: Hello');
    expect(screen.getByTestId('conversation-open').textContent).toMatch(/^Open$/);
    await fireEvent.click(document.querySelector('[data-mode-option="foundry"]')!);
    await waitFor(() => expect(screen.getByTestId('mode-label').dataset.mode).toBe('foundry'));
    await waitFor(() => expect(screen.getByTestId('mode-label').textContent).toMatch(/in project sandbox-project · created with your next message/));
    expect(screen.getByTestId('conversation-open').textContent).toMatch(/Local conversation still open/);
    expect(screen.getByTestId('settings-changed').textContent).toMatch(/Foundry · sandbox-openai\/gpt-4o/);
    // Undo puts the form back on the open conversation.
    await fireEvent.click(within(screen.getByTestId('settings-changed')).getByRole('button', { name: 'Undo the changes' }));
    await waitFor(() => expect(screen.getByTestId('mode-label').dataset.mode).toBe('local'));
    expect(screen.queryByTestId('settings-changed')).toBeNull();
  });

  it('starts anew when the backend no longer has the conversation', async () => {
    const backend = await ready();
    await say('Hello');
    await answered('Echo from gpt-4o: Hello');
    backend.playground.open.clear();
    await say('Still there?');
    const failure = await screen.findByTestId('turn-failure');
    expect(failure.textContent).toMatch(/not open any more/);
    await waitFor(() => expect(composer().disabled).toBe(false));
    await say('Hello again');
    await answered('Echo from gpt-4o: Hello again');
    expect(starts(backend)).toHaveLength(2);
  });

  it('keeps the conversation when the user goes to another page and comes back', async () => {
    await ready();
    await say('Remember me');
    await answered('Echo from gpt-4o: Remember me');
    window.location.hash = '#/checks';
    await waitFor(() => expect(document.querySelector('[data-page="checks"]')).toBeTruthy());
    window.location.hash = '#/playground';
    await screen.findByTestId('chat');
    expect(screen.getByTestId('user-message').textContent).toBe('Remember me');
    expect(lastReply()).toBe('Echo from gpt-4o: Remember me');
  });

  it('opens a past conversation read-only and continues it', async () => {
    const past = conversation(
      summary('conv-past', 'local', 'sandbox-openai/gpt-4o', { draftId: 'd-openai', startedAtMs: Date.now() - 3_600_000 }),
      [turnRecord({ input: { kind: 'message', text: 'Old question' }, reply: 'Echo from gpt-4o: Old question' })],
      { instructions: 'Be brief.' },
    );
    const backend = open({ playground: { conversations: [past] } });
    await screen.findByTestId('playground-connection');
    await fireEvent.click(screen.getByTestId('tab-history'));
    const item = await screen.findByTestId('conversation-item');
    expect(item.textContent).toContain('Local');
    expect(item.textContent).toContain('sandbox-openai/gpt-4o');
    expect(item.textContent).toMatch(/1 turn/);
    expect(item.textContent).toContain('Ended');

    await fireEvent.click(item);
    const view = await screen.findByTestId('stored-view');
    expect(view.textContent).toMatch(/read-only/);
    expect(screen.getByTestId('user-message').textContent).toBe('Old question');
    expect(screen.queryByTestId('composer')).toBeNull();

    await fireEvent.click(screen.getByTestId('continue-conversation'));
    await waitFor(() => expect(starts(backend)).toHaveLength(1));
    expect(starts(backend)[0]).toMatchObject({ draftId: 'd-openai', continueFrom: 'conv-past', settings: { instructions: 'Be brief.', deployment: 'gpt-4o' } });
    await screen.findByTestId('composer');
    expect(screen.queryByTestId('stored-view')).toBeNull();
    expect(screen.getByTestId('user-message').textContent).toBe('Old question');
    await say('New question');
    await answered('Echo from gpt-4o: New question');
    expect(screen.getAllByTestId('turn')).toHaveLength(2);
  });

  it('copies the transcript as plain text without secrets', async () => {
    let copied = '';
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void (copied = t) } });
    open();
    const connection = (await screen.findByTestId('playground-connection')) as HTMLSelectElement;
    await waitFor(() => expect(connection.value).toBe('d-openai'));
    await fireEvent.change(connection, { target: { value: 'd-pmi' } });
    const token = (await screen.findByTestId('bearer-token')).querySelector('input')!;
    await fireEvent.input(token, { target: { value: 'eyJ-secret-stand-in-token' } });
    await fireEvent.click(screen.getByTestId('playground-sample-tool'));
    expect((screen.getByTestId('copy-transcript') as HTMLButtonElement).disabled).toBe(true);
    await say('Hello');
    await answered('Echo from gpt-4o: Hello');

    await fireEvent.click(screen.getByTestId('copy-transcript'));
    await waitFor(() => expect(copied).not.toBe(''));
    expect(copied).toContain('Model: apim-mi/gpt-4o');
    expect(copied).toContain('Mode: Local');
    expect(copied).toContain('User: Hello');
    expect(copied).toContain('Agent: Echo from gpt-4o: Hello');
    expect(copied).toContain('20 tokens');
    expect(copied).not.toContain('eyJ-secret-stand-in-token');
    expect(screen.getByTestId('copy-transcript').textContent).toMatch(/Copied/);
  });
});

describe('agent playground: left-overs', () => {
  const leftover = (id: string) =>
    conversation(
      summary(id, 'foundry', 'sandbox-openai/gpt-4o', {
        state: 'interrupted',
        cleanup: 'pending',
        foundry: { projectEndpoint: 'http://127.0.0.1:47111/api/projects/sandbox-project', agentName: `gs-test-${id}`, agentVersion: '1', conversationId: 'conv_x' },
      }),
      [],
    );

  it('offers to delete test agents an earlier session left in Foundry', async () => {
    const backend = open({ playground: { conversations: [leftover('a1'), leftover('b2')] } });
    const notice = await screen.findByTestId('leftovers-notice');
    expect(notice.textContent).toMatch(/2 test agents from an earlier session are still in Foundry/);
    await fireEvent.click(within(notice).getByTestId('leftovers-delete'));
    await waitFor(() => expect(backend.callsTo('playground_clean_up')).toHaveLength(2));
    await waitFor(() => expect(screen.getByTestId('leftovers-result').textContent).toMatch(/Deleted 2 test agents/));
    await fireEvent.click(screen.getByTestId('leftovers-dismiss'));
    expect(screen.queryByTestId('leftovers-notice')).toBeNull();
  });

  it('says which could not be deleted, and can be dismissed', async () => {
    open({ playground: { conversations: [leftover('a1')], cleanupFails: 'conversation conv_x: 403 PermissionDenied' } });
    const notice = await screen.findByTestId('leftovers-notice');
    expect(notice.textContent).toMatch(/1 test agent from an earlier session is still in Foundry/);
    await fireEvent.click(within(notice).getByTestId('leftovers-delete'));
    await waitFor(() => expect(screen.getByTestId('leftovers-result').textContent).toMatch(/1 could not be deleted/));
    expect(screen.getByTestId('leftovers-result').textContent).toContain('403 PermissionDenied');
    await fireEvent.click(screen.getByTestId('leftovers-dismiss'));
    expect(screen.queryByTestId('leftovers-notice')).toBeNull();
  });
});

describe('agent playground: empty', () => {
  it('offers to create a connection when there is none', async () => {
    open({ drafts: [] });
    const empty = await screen.findByTestId('playground-empty');
    expect(empty.textContent).toMatch(/No connections/);
    await fireEvent.click(screen.getByTestId('playground-create-connection'));
    await waitFor(() => expect(window.location.hash).toBe('#/connections'));
  });
});
