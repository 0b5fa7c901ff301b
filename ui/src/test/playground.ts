// The playground commands of the fake backend. Like the real one: a start checks the draft and
// the deployment (a Foundry start needs the project and creates a `gs-test-…` agent version),
// a turn streams its text on the channel before it resolves with the stored record, a failed
// turn resolves with `error` set, ending deletes what Foundry created, and history keeps every
// conversation with its turns. The sample gateway's manners are copied: a message with the
// sample tool on gets a `get_weather` call, an output gets "The tool said: …", anything else
// "Echo from <deployment>: <text>".
//
// Tests can hold the next turn (`hold()`), send chunks themselves (`emit`) and let it finish
// (`finish`), or make the next turn fail (`failNext`).

import type {
  AppError,
  Cleanup,
  ConversationRecord,
  ConversationSummary,
  PlaygroundMode,
  PlaygroundSessionView,
  PlaygroundSettings,
  PlaygroundStart,
  ToolCallView,
  TurnError,
  TurnInput,
  TurnRecord,
} from '../lib/api';
import type { FakeConnections } from './connections';

export type PlaygroundOptions = {
  /** Stored conversations, newest first or not (the list is sorted). */
  conversations?: ConversationRecord[];
  /** What playground_start fails with. */
  startError?: AppError;
  /** Cleanups (end or clean_up) fail with this message. */
  cleanupFails?: string;
};

type ChannelLike = { onmessage: (chunk: string) => void };

type Held = {
  channel: ChannelLike;
  input: TurnInput;
  resolve: (record: TurnRecord) => void;
  startedAtMs: number;
};

export const PROJECT_ENDPOINT = 'http://127.0.0.1:47111/api/projects/sandbox-project';

export class FakePlayground {
  conversations = new Map<string, ConversationRecord>();
  /** The conversations open now (started and not ended). */
  open = new Set<string>();
  #options: PlaygroundOptions;
  #drafts: FakeConnections;
  #next = 1;
  #hold = false;
  #held: Held | null = null;
  #fail: TurnError | null = null;

  constructor(drafts: FakeConnections, options: PlaygroundOptions = {}) {
    this.#drafts = drafts;
    this.#options = options;
    for (const c of options.conversations ?? []) this.conversations.set(c.summary.id, structuredClone(c));
  }

  /** The next turn waits: `emit` sends its chunks, `finish` resolves it. */
  hold(): void {
    this.#hold = true;
  }

  /** True once a held turn waits for `finish`. */
  get waiting(): boolean {
    return this.#held !== null;
  }

  emit(...chunks: string[]): void {
    if (!this.#held) throw new Error('no turn is held');
    for (const c of chunks) this.#held.channel.onmessage(c);
  }

  /** Resolves the held turn; `reply` defaults to what the sample gateway would say. */
  finish(patch: Partial<TurnRecord> = {}): void {
    const held = this.#held;
    if (!held) throw new Error('no turn is held');
    this.#held = null;
    held.resolve({ ...this.#answer(held.input), ...patch });
  }

  /** The next turn fails with `error`. */
  failNext(error: TurnError): void {
    this.#fail = error;
  }

  #settingsOf(id: string): PlaygroundSettings {
    return this.conversations.get(id)!.settings;
  }

  #answer(input: TurnInput, id?: string): TurnRecord {
    const settings = id ? this.#settingsOf(id) : { deployment: 'gpt-4o', sampleTool: false, instructions: '', temperature: null };
    const base = turnRecord({ input, startedAtMs: Date.now(), traceRunId: `run-turn-${this.#next++}` });
    if (input.kind === 'toolOutputs') return { ...base, reply: `The tool said: ${input.outputs.map((o) => o.output).join(' ')}` };
    if (settings.sampleTool && /weather/i.test(input.text)) {
      const args = JSON.stringify({ location: 'Paris', unit: 'celsius' });
      return {
        ...base,
        reply: '',
        toolCalls: [
          {
            callId: `call_${String(this.#next++).padStart(4, '0')}`,
            name: 'get_weather',
            arguments: args,
            suggestedOutput: JSON.stringify({ location: 'Paris', temperature: 21, unit: 'celsius', conditions: 'sunny' }),
          },
        ],
      };
    }
    return { ...base, reply: `Echo from ${settings.deployment}: ${input.text}` };
  }

  handle(cmd: string, args: Record<string, unknown>): unknown {
    switch (cmd) {
      case 'playground_start':
        return this.#start(args.request as PlaygroundStart);
      case 'playground_send':
        return this.#send(args.conversationId as string, args.input as TurnInput, args.onText as ChannelLike);
      case 'playground_end': {
        const id = args.conversationId as string;
        const record = this.#get(id);
        if (this.open.delete(id)) {
          record.summary.state = 'ended';
          record.summary.endedAtMs = record.summary.startedAtMs + 60_000;
          if (record.summary.mode === 'foundry') this.#cleanup(record);
        }
        return structuredClone(record.summary);
      }
      case 'playground_history':
        return [...this.conversations.values()]
          .map((c) => structuredClone(c.summary))
          .sort((a, b) => b.startedAtMs - a.startedAtMs);
      case 'playground_conversation':
        return structuredClone(this.#get(args.conversationId as string));
      case 'playground_leftovers':
        return [...this.conversations.values()]
          .filter((c) => (c.summary.cleanup === 'pending' || c.summary.cleanup === 'failed') && c.summary.state !== 'open')
          .map((c) => structuredClone(c.summary));
      case 'playground_clean_up': {
        const record = this.#get(args.conversationId as string);
        if (record.summary.foundry) this.#cleanup(record);
        return structuredClone(record.summary);
      }
      default:
        throw `Command ${cmd} not found`;
    }
  }

  #get(id: string): ConversationRecord {
    const record = this.conversations.get(id);
    if (!record) throw { kind: 'notFound', message: `no conversation ${id}`, details: { what: 'conversation', id } } satisfies AppError;
    return record;
  }

  #cleanup(record: ConversationRecord): void {
    const fails = this.#options.cleanupFails;
    record.summary.cleanup = fails ? 'failed' : 'done';
    record.summary.cleanupError = fails ?? null;
  }

  #start(request: PlaygroundStart): PlaygroundSessionView {
    if (this.#options.startError) throw this.#options.startError;
    const draft = this.#drafts.drafts.get(request.draftId);
    if (!draft) throw { kind: 'notFound', message: `connection draft ${request.draftId} does not exist`, details: { what: 'connection draft', id: request.draftId } } satisfies AppError;
    const name = draft.connection.name ?? '';
    const deployment = request.settings.deployment.trim();
    if (deployment === '' || deployment.includes('/'))
      throw { kind: 'invalidInput', message: 'Pick the deployment to use.', details: { field: 'settings.deployment' } } satisfies AppError;
    if (request.mode === 'foundry' && !request.parent && !request.projectEndpoint)
      throw { kind: 'invalidInput', message: 'Running in Foundry needs a project: pick one on the Azure page, type its endpoint, or run locally.', details: { field: 'parent' } } satisfies AppError;
    const id = `conv-${this.#next++}`;
    const foundry =
      request.mode === 'foundry'
        ? { projectEndpoint: request.parent ? PROJECT_ENDPOINT.replace('sandbox-project', request.parent.project ?? '_project') : request.projectEndpoint!, agentName: `gs-test-${String(this.#next).padStart(12, '0')}`, agentVersion: '1', conversationId: `conv_foundry_${this.#next}` }
        : null;
    const continued = request.continueFrom ? structuredClone(this.#get(request.continueFrom).turns.filter((t) => !t.error)) : [];
    const settings = { ...request.settings, deployment };
    this.conversations.set(id, {
      summary: summary(id, request.mode, `${name}/${deployment}`, {
        draftId: request.draftId,
        connectionName: name,
        state: 'open',
        cleanup: request.mode === 'foundry' ? 'pending' : 'none',
        foundry,
        startedAtMs: Date.now(),
        turns: continued.length,
      }),
      settings,
      turns: continued,
    });
    this.open.add(id);
    return { id, mode: request.mode, model: `${name}/${deployment}`, connectionName: name, settings, foundry, continued };
  }

  #send(id: string, input: TurnInput, channel: ChannelLike): TurnRecord | Promise<TurnRecord> {
    if (!this.open.has(id))
      throw { kind: 'notFound', message: `The conversation ${id} is not open any more: start a new one (its turns are in History).`, details: { what: 'conversation', id } } satisfies AppError;
    const record = this.#get(id);
    const store = (turn: TurnRecord) => {
      record.turns.push(structuredClone(turn));
      record.summary.turns += 1;
      if (turn.error) record.summary.failedTurns += 1;
      return JSON.parse(JSON.stringify(turn)) as TurnRecord;
    };
    if (this.#fail) {
      const error = this.#fail;
      this.#fail = null;
      return store({ ...turnRecord({ input, traceRunId: `run-fail-${this.#next++}`, latencyMs: 95 }), error });
    }
    if (this.#hold) {
      this.#hold = false;
      return new Promise<TurnRecord>((resolve) => {
        this.#held = { channel, input, resolve: (r) => resolve(store(r)), startedAtMs: Date.now() };
      });
    }
    const answer = this.#answer(input, id);
    // Streamed a word at a time, as the Foundry emulator does, before the answer.
    for (const piece of answer.reply.match(/\S+\s*/g) ?? []) channel.onmessage(piece);
    return store(answer);
  }
}

// ---- builders ------------------------------------------------------------------------------

export function turnRecord(patch: Partial<TurnRecord> = {}): TurnRecord {
  return {
    input: { kind: 'message', text: 'Hello' },
    reply: '',
    toolCalls: [],
    usage: { inputTokens: 12, outputTokens: 8, totalTokens: 20 },
    latencyMs: 340,
    firstTokenMs: 120,
    responseId: null,
    traceRunId: 'run-turn-0',
    error: null,
    startedAtMs: 1_767_000_000_000,
    ...patch,
  };
}

export function summary(id: string, mode: PlaygroundMode, model: string, patch: Partial<ConversationSummary> = {}): ConversationSummary {
  const cleanup: Cleanup = mode === 'foundry' ? 'done' : 'none';
  return {
    id,
    mode,
    model,
    draftId: null,
    connectionName: model.split('/')[0],
    state: 'ended',
    cleanup,
    cleanupError: null,
    foundry: null,
    startedAtMs: 1_767_000_000_000,
    endedAtMs: 1_767_000_060_000,
    turns: 0,
    failedTurns: 0,
    ...patch,
  };
}

export function conversation(s: ConversationSummary, turns: TurnRecord[], settings: Partial<PlaygroundSettings> = {}): ConversationRecord {
  return {
    summary: { ...s, turns: turns.length, failedTurns: turns.filter((t) => t.error).length },
    settings: { deployment: s.model.split('/')[1] ?? 'gpt-4o', instructions: 'Be brief.', sampleTool: false, temperature: null, ...settings },
    turns,
  };
}

export function weatherCall(patch: Partial<ToolCallView> = {}): ToolCallView {
  return {
    callId: 'call_0001',
    name: 'get_weather',
    arguments: '{"location":"Paris","unit":"celsius"}',
    suggestedOutput: '{"location":"Paris","temperature":21,"unit":"celsius","conditions":"sunny"}',
    ...patch,
  };
}
