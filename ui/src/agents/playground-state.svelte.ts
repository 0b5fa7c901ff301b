// The agent playground's state, kept at module level: the agent being set up, the open
// conversation (its turns fill in as text streams on the channel), the history, a stored
// conversation opened read-only, and the left-overs of earlier sessions. It outlives the page:
// switching pages and coming back shows the same conversation, and a turn in flight keeps
// streaming into it meanwhile.

import {
  azureScopeGet,
  connectionGet,
  connectionList,
  playgroundCleanUp,
  playgroundConversation,
  playgroundEnd,
  playgroundHistory,
  playgroundLeftovers,
  playgroundSend,
  playgroundStart,
  toUiError,
  type AzureScope,
  type ConversationRecord,
  type ConversationSummary,
  type Draft,
  type DraftSummary,
  type PlaygroundMode,
  type PlaygroundSessionView,
  type PlaygroundSettings,
  type ToolCallView,
  type TurnInput,
  type TurnRecord,
  type UiError,
} from '../lib/api';
import {
  DEFAULT_INSTRUCTIONS,
  endedNotice,
  MAX_AUTO_ANSWERS,
  modelString,
  parseTemperature,
  projectOfEndpoint,
  transcript,
} from './playground';

/** One turn on screen: what was sent, the text streamed so far, then the turn as stored. */
export type ChatTurn = {
  key: number;
  input: TurnInput;
  /** Text heard on the channel so far. */
  text: string;
  /** Null while the turn runs. */
  record: TurnRecord | null;
  /** The backend refused the call itself (the conversation is gone, …): not a turn error. */
  failure: UiError | null;
  /** The outputs were sent by "auto-answer", not by the user. */
  auto: boolean;
  /** Came with the conversation (continued from history): its calls cannot be answered now. */
  earlier: boolean;
};

export type Notice = { tone: 'ok' | 'warn'; text: string };

let nextKey = 1;

export function turnFromRecord(record: TurnRecord, earlier: boolean): ChatTurn {
  return { key: nextKey++, input: record.input, text: record.reply, record, failure: null, auto: false, earlier };
}

/** What a turn shows as the agent's text. */
export function replyOf(turn: ChatTurn): string {
  return turn.record ? turn.record.reply || turn.text : turn.text;
}

/** The calls of the last turn that still wait for their outputs. */
export function pendingCalls(turns: readonly ChatTurn[]): ToolCallView[] {
  const last = turns.at(-1);
  if (!last?.record || last.record.error || last.earlier) return [];
  return last.record.toolCalls;
}

/** The open conversation. */
export class Conversation {
  readonly view: PlaygroundSessionView;
  readonly draftId: string;
  /** The Foundry project it runs in (Foundry runs). */
  readonly project: string | null;
  readonly startedAtMs = Date.now();
  turns = $state<ChatTurn[]>([]);
  /** What the output boxes hold, by call id. */
  outputs = $state<Record<string, string>>({});
  sending = $state(false);
  /** The backend no longer has it (ended elsewhere, or the app restarted): the next message starts anew. */
  gone = $state(false);
  /** Auto-answering stopped after too many calls in a row; the user answers the next. */
  autoStopped = $state(false);
  autoStreak = 0;

  pending: ToolCallView[] = $derived(this.gone ? [] : pendingCalls(this.turns));

  constructor(view: PlaygroundSessionView, draftId: string, project: string | null) {
    this.view = view;
    this.draftId = draftId;
    this.project = project ?? projectOfEndpoint(view.foundry?.projectEndpoint);
    this.turns = view.continued.map((r) => turnFromRecord(r, true));
  }
}

const PICK_KEY = 'gateway-studio.playground.connection';
const NOTICE_MS = 8000;

export class PlaygroundStore {
  // ---- the agent being set up (applies to the next conversation) ----
  draftId = $state<string | null>(null);
  deployment = $state('');
  instructions = $state(DEFAULT_INSTRUCTIONS);
  sampleTool = $state(true);
  autoAnswer = $state(false);
  temperature = $state('');
  mode = $state<PlaygroundMode>('local');
  /** A stand-in token for a managed-identity connection run locally (memory only). */
  bearerToken = $state('');

  drafts = $state<DraftSummary[] | null>(null);
  draftsError = $state<UiError | null>(null);
  draft = $state.raw<Draft | null>(null);
  draftError = $state<UiError | null>(null);

  /** The Azure page's pick; `undefined` until asked. */
  scope = $state<AzureScope | null | undefined>(undefined);
  /** A project endpoint typed instead (Foundry mode without a picked project). */
  projectEndpoint = $state('');
  scopeError = $state<UiError | null>(null);

  // ---- the conversation ----
  conversation = $state<Conversation | null>(null);
  starting = $state(false);
  startError = $state<UiError | null>(null);
  ending = $state(false);
  notice = $state<Notice | null>(null);

  // ---- history ----
  tab = $state<'setup' | 'history'>('setup');
  history = $state<ConversationSummary[] | null>(null);
  historyError = $state<UiError | null>(null);
  /** A stored conversation on screen, read-only. */
  stored = $state.raw<ConversationRecord | null>(null);
  storedLoading = $state<string | null>(null);
  storedError = $state<UiError | null>(null);
  /** Why "Continue" could not start (the connection is gone, no project, …). */
  continueProblem = $state<string | null>(null);

  // ---- left-overs of earlier sessions ----
  leftovers = $state<ConversationSummary[] | null>(null);
  leftoversDismissed = $state(false);
  cleaning = $state(false);
  /** What the last "Delete them" did. */
  cleanupResult = $state<{ deleted: number; failed: { id: string; agent: string; why: string }[] } | null>(null);

  #noticeTimer: ReturnType<typeof setTimeout> | undefined;
  #draftSeq = 0;
  #historySeq = 0;

  // ---- derived ----

  get settings(): PlaygroundSettings {
    return {
      deployment: this.deployment.trim(),
      instructions: this.instructions,
      sampleTool: this.sampleTool,
      temperature: parseTemperature(this.temperature) ?? null,
    };
  }

  get connectionName(): string | null {
    return this.draft?.connection.name?.trim() || null;
  }

  /** `<connection>/<deployment>` as the next conversation's agent will have it. */
  get model(): string {
    return modelString(this.connectionName, this.deployment);
  }

  /** The deployments the connection lists statically. */
  get staticModels(): string[] {
    return (this.draft?.connection.metadata.models ?? [])
      .map((m) => m.deploymentName?.trim() ?? '')
      .filter((n, i, all) => n !== '' && all.indexOf(n) === i);
  }

  get discovers(): boolean {
    return this.draft?.connection.metadata.modelDiscovery != null;
  }

  get managedIdentity(): string | null {
    const auth = this.draft?.connection.auth;
    return auth?.kind === 'projectManagedIdentity' ? auth.audience : null;
  }

  /** The Foundry project picked on the Azure page (null: none, or the account level). */
  get pickedProject(): string | null {
    return this.scope?.project ?? null;
  }

  /** The typed project endpoint when it has the shape of one, else null. */
  get typedEndpoint(): string | null {
    const e = this.projectEndpoint.trim();
    return /^https?:\/\/[^/\s]+\/api\/projects\/[^/?#\s]+\/?$/.test(e) ? e : null;
  }

  /** The project the next Foundry conversation runs in: the picked one, else the typed one's. */
  get project(): string | null {
    return this.pickedProject ?? projectOfEndpoint(this.typedEndpoint);
  }

  /** Why the next conversation cannot start, in a sentence; null when it can. */
  get blocker(): string | null {
    if (!this.draftId) return 'Choose a connection first.';
    if (this.draftError) return 'The connection could not be opened.';
    if (!this.draft) return 'Opening the connection…';
    if (!this.connectionName) return 'Name the connection in the editor first: the agent’s model is <connection>/<deployment>.';
    const d = this.deployment.trim();
    if (d === '') return 'Choose or type the deployment to use.';
    if (d.includes('/')) return 'Type only the deployment: the part after the slash.';
    if (parseTemperature(this.temperature) === undefined) return 'The temperature is between 0 and 2 (or empty for the default).';
    if (this.mode === 'foundry') {
      if (this.scope === undefined) return 'Looking up the Foundry project…';
      if (!this.project)
        return this.projectEndpoint.trim() === ''
          ? 'Foundry mode needs a project: pick one on the Azure page, or type its endpoint.'
          : 'The project endpoint looks like https://ACCOUNT.services.ai.azure.com/api/projects/PROJECT.';
    }
    if (this.mode === 'local' && this.managedIdentity !== null && this.bearerToken.trim() === '')
      return 'The connection uses the project’s managed identity: paste a stand-in token to run locally.';
    return null;
  }

  /** The open conversation runs on other settings than the form now shows. */
  get changed(): boolean {
    const c = this.conversation;
    if (!c) return false;
    const s = c.view.settings;
    const now = this.settings;
    return (
      c.draftId !== this.draftId ||
      c.view.mode !== this.mode ||
      s.deployment !== now.deployment ||
      s.instructions !== now.instructions ||
      s.sampleTool !== now.sampleTool ||
      (s.temperature ?? null) !== (now.temperature ?? null)
    );
  }

  get busy(): boolean {
    return this.starting || this.ending || (this.conversation?.sending ?? false);
  }

  // ---- loading ----

  /** What the page needs when it opens; what is already there stays on screen. */
  async load(): Promise<void> {
    void this.loadHistory();
    void this.loadLeftovers();
    void this.loadScope();
    await this.loadDrafts();
  }

  async loadDrafts(): Promise<void> {
    try {
      this.drafts = await connectionList();
      this.draftsError = null;
    } catch (failure) {
      this.draftsError = toUiError(failure);
      return;
    }
    const list = this.drafts;
    if (list.length === 0) return;
    if (this.draftId && list.some((d) => d.id === this.draftId)) {
      if (!this.draft || this.draft.id !== this.draftId) await this.selectDraft(this.draftId);
      return;
    }
    const wanted = readPick();
    await this.selectDraft(list.some((d) => d.id === wanted) ? wanted! : list[0].id);
  }

  async selectDraft(id: string): Promise<void> {
    const seq = ++this.#draftSeq;
    if (id !== this.draftId) this.bearerToken = '';
    this.draftId = id;
    rememberPick(id);
    this.draft = null;
    this.draftError = null;
    try {
      const loaded = await connectionGet(id);
      if (seq !== this.#draftSeq) return;
      this.draft = loaded;
      const known = this.staticModels;
      if (known.length > 0 && !known.includes(this.deployment.trim())) this.deployment = known[0];
    } catch (failure) {
      if (seq === this.#draftSeq) this.draftError = toUiError(failure);
    }
  }

  async loadScope(): Promise<void> {
    try {
      this.scope = await azureScopeGet();
      this.scopeError = null;
    } catch (failure) {
      this.scope = null;
      this.scopeError = toUiError(failure);
    }
  }

  async loadHistory(): Promise<void> {
    const seq = ++this.#historySeq;
    try {
      const list = await playgroundHistory();
      if (seq !== this.#historySeq) return;
      this.history = list;
      this.historyError = null;
    } catch (failure) {
      if (seq === this.#historySeq) this.historyError = toUiError(failure);
    }
  }

  async loadLeftovers(): Promise<void> {
    if (this.leftoversDismissed) return;
    try {
      this.leftovers = await playgroundLeftovers();
    } catch {
      // Nothing to offer: the notice is a convenience, History still lists them.
      this.leftovers = [];
    }
  }

  // ---- the conversation ----

  /**
   * Starts a conversation with the settings as they are now (or continues a stored one).
   * True when one is open afterwards.
   */
  async start(continueFrom: string | null = null): Promise<boolean> {
    if (this.busy || this.blocker !== null || !this.draftId) return false;
    this.starting = true;
    this.startError = null;
    const draftId = this.draftId;
    const mode = this.mode;
    const scope = this.scope;
    try {
      const view = await playgroundStart({
        draftId,
        mode,
        settings: this.settings,
        bearerToken: mode === 'local' && this.managedIdentity !== null ? this.bearerToken.trim() || null : null,
        parent:
          mode === 'foundry' && scope?.project
            ? {
                account: { subscriptionId: scope.subscriptionId, resourceGroup: scope.resourceGroup, account: scope.account },
                project: scope.project,
              }
            : null,
        projectEndpoint: mode === 'foundry' && !scope?.project ? this.typedEndpoint : null,
        continueFrom,
      });
      this.conversation = new Conversation(view, draftId, mode === 'foundry' ? this.project : null);
      this.stored = null;
      return true;
    } catch (failure) {
      this.startError = toUiError(failure);
      return false;
    } finally {
      this.starting = false;
      void this.loadHistory();
    }
  }

  /**
   * Sends a message; a first message (or one after the settings changed) starts a conversation
   * first, ending the one that ran on the old settings. False when nothing was sent.
   */
  async sendMessage(text: string): Promise<boolean> {
    if (text.trim() === '' || this.busy) return false;
    if (this.conversation && (this.changed || this.conversation.gone)) await this.end();
    if (!this.conversation && !(await this.start())) return false;
    const c = this.conversation!;
    if (c.pending.length > 0) return false;
    c.autoStreak = 0;
    c.autoStopped = false;
    void this.#send(c, { kind: 'message', text }, false);
    return true;
  }

  /** Sends what the output boxes hold for the pending calls. */
  async sendOutputs(): Promise<boolean> {
    const c = this.conversation;
    if (!c || c.gone || this.busy) return false;
    const calls = c.pending;
    if (calls.length === 0 || calls.some((call) => (c.outputs[call.callId] ?? '').trim() === '')) return false;
    c.autoStreak = 0;
    await this.#send(c, { kind: 'toolOutputs', outputs: calls.map((call) => ({ callId: call.callId, output: c.outputs[call.callId] })) }, false);
    return true;
  }

  /** The sample tool's suggestion, into the output box of `callId`. */
  fillSuggestion(call: ToolCallView): void {
    const c = this.conversation;
    if (!c || call.suggestedOutput == null) return;
    c.outputs[call.callId] = call.suggestedOutput;
  }

  async #send(c: Conversation, input: TurnInput, auto: boolean): Promise<void> {
    c.turns.push({ key: nextKey++, input, text: '', record: null, failure: null, auto, earlier: false });
    // The proxied turn: chunks appended to it re-render the bubble as they arrive.
    const turn = c.turns[c.turns.length - 1];
    c.sending = true;
    try {
      const record = await playgroundSend(c.view.id, input, (chunk) => {
        turn.text += chunk;
      });
      // An output box per call, empty until typed or filled in.
      for (const call of record.toolCalls) c.outputs[call.callId] ??= '';
      turn.record = record;
    } catch (failure) {
      const e = toUiError(failure);
      turn.failure = e;
      if (e.kind === 'notFound' && e.details.what === 'conversation') c.gone = true;
    } finally {
      c.sending = false;
    }
    void this.loadHistory();
    if (this.conversation === c && turn.record && !turn.record.error) await this.#autoAnswer(c);
  }

  /** Answers the sample tool's calls with their suggestions, when the toggle says so. */
  async #autoAnswer(c: Conversation): Promise<void> {
    const calls = c.pending;
    if (!this.autoAnswer || !c.view.settings.sampleTool || calls.length === 0) return;
    if (!calls.every((call) => call.suggestedOutput != null)) return;
    if (c.autoStreak >= MAX_AUTO_ANSWERS) {
      c.autoStopped = true;
      return;
    }
    c.autoStreak += 1;
    for (const call of calls) c.outputs[call.callId] = call.suggestedOutput!;
    await this.#send(c, { kind: 'toolOutputs', outputs: calls.map((call) => ({ callId: call.callId, output: call.suggestedOutput! })) }, true);
  }

  /** Ends the open conversation (Foundry deletes what it created) and says how that went. */
  async end(): Promise<void> {
    const c = this.conversation;
    if (!c || this.ending) return;
    this.ending = true;
    try {
      const summary = await playgroundEnd(c.view.id);
      this.#notify(endedNotice(summary));
      if (summary.cleanup === 'failed') this.leftoversDismissed = false;
    } catch (failure) {
      const e = toUiError(failure);
      this.#notify({ tone: 'warn', text: `The conversation was closed, but ending it failed: ${e.message}` });
    } finally {
      if (this.conversation === c) this.conversation = null;
      this.ending = false;
      this.startError = null;
      void this.loadHistory();
      void this.loadLeftovers();
    }
  }

  /** "New conversation": ends the open one; the next message starts afresh. */
  async newConversation(): Promise<void> {
    if (this.conversation?.sending || this.starting) return;
    this.stored = null;
    this.startError = null;
    await this.end();
  }

  /** The form back to what the open conversation runs on. */
  revertSettings(): void {
    const c = this.conversation;
    if (!c) return;
    const s = c.view.settings;
    if (this.draftId !== c.draftId) void this.selectDraft(c.draftId).then(() => (this.deployment = s.deployment));
    this.mode = c.view.mode;
    this.deployment = s.deployment;
    this.instructions = s.instructions;
    this.sampleTool = s.sampleTool;
    this.temperature = s.temperature == null ? '' : String(s.temperature);
  }

  dismissNotice(): void {
    clearTimeout(this.#noticeTimer);
    this.notice = null;
  }

  #notify(notice: Notice): void {
    clearTimeout(this.#noticeTimer);
    this.notice = notice;
    this.#noticeTimer = setTimeout(() => (this.notice = null), NOTICE_MS);
  }

  // ---- stored conversations ----

  async openStored(id: string): Promise<void> {
    if (this.conversation && this.conversation.view.id === id) {
      this.stored = null;
      return;
    }
    this.storedLoading = id;
    this.storedError = null;
    this.continueProblem = null;
    try {
      const record = await playgroundConversation(id);
      if (this.storedLoading !== id) return;
      this.stored = record;
    } catch (failure) {
      if (this.storedLoading === id) this.storedError = toUiError(failure);
    } finally {
      if (this.storedLoading === id) this.storedLoading = null;
    }
  }

  closeStored(): void {
    this.stored = null;
    this.storedError = null;
    this.continueProblem = null;
  }

  /** Continues the stored conversation on screen: its settings in the form, a new conversation that starts with its turns. */
  async continueStored(): Promise<boolean> {
    const record = this.stored;
    if (!record || this.busy) return false;
    this.continueProblem = null;
    const draftId = record.summary.draftId;
    if (!draftId || !(this.drafts ?? []).some((d) => d.id === draftId)) {
      this.continueProblem = `The connection ${record.summary.connectionName} is no longer among your drafts: open or import it again to continue.`;
      return false;
    }
    if (this.draftId !== draftId || !this.draft) await this.selectDraft(draftId);
    this.mode = record.summary.mode;
    this.deployment = record.settings.deployment;
    this.instructions = record.settings.instructions;
    this.sampleTool = record.settings.sampleTool;
    this.temperature = record.settings.temperature == null ? '' : String(record.settings.temperature);
    if (this.mode === 'foundry') await this.loadScope();
    const problem = this.blocker;
    if (problem) {
      this.continueProblem = problem;
      return false;
    }
    if (this.conversation) await this.end();
    const ok = await this.start(record.summary.id);
    if (!ok) this.stored = null;
    return ok;
  }

  // ---- left-overs ----

  async cleanUpLeftovers(): Promise<void> {
    const list = this.leftovers ?? [];
    if (this.cleaning || list.length === 0) return;
    this.cleaning = true;
    const failed: { id: string; agent: string; why: string }[] = [];
    let deleted = 0;
    for (const item of list) {
      const agent = item.foundry?.agentName ?? item.model;
      try {
        const after = await playgroundCleanUp(item.id);
        if (after.cleanup === 'failed' || after.cleanup === 'pending')
          failed.push({ id: item.id, agent, why: after.cleanupError ?? 'Foundry did not confirm the delete.' });
        else deleted += 1;
      } catch (failure) {
        failed.push({ id: item.id, agent, why: toUiError(failure).message });
      }
    }
    this.cleanupResult = { deleted, failed };
    this.cleaning = false;
    try {
      this.leftovers = await playgroundLeftovers();
    } catch {
      this.leftovers = list.filter((l) => failed.some((f) => f.id === l.id));
    }
    void this.loadHistory();
  }

  dismissLeftovers(): void {
    this.leftoversDismissed = true;
    this.cleanupResult = null;
  }

  // ---- transcript ----

  /** The conversation on screen (stored or open) as plain text; null when there is none. */
  transcriptText(): string | null {
    if (this.stored) {
      const r = this.stored;
      return transcript(
        {
          mode: r.summary.mode,
          model: r.summary.model,
          instructions: r.settings.instructions,
          sampleTool: r.settings.sampleTool,
          where: foundryWhere(r.summary.foundry?.agentName, r.summary.foundry?.agentVersion, projectOfEndpoint(r.summary.foundry?.projectEndpoint)),
          startedAtMs: r.summary.startedAtMs,
        },
        r.turns.map((t) => ({ input: t.input, text: t.reply, record: t })),
      );
    }
    const c = this.conversation;
    if (!c || c.turns.length === 0) return null;
    return transcript(
      {
        mode: c.view.mode,
        model: c.view.model,
        instructions: c.view.settings.instructions,
        sampleTool: c.view.settings.sampleTool,
        where: foundryWhere(c.view.foundry?.agentName, c.view.foundry?.agentVersion, c.project),
        startedAtMs: c.startedAtMs,
      },
      c.turns,
    );
  }
}

/** `gs-test-… v1 in project P`, or null for local runs. */
export function foundryWhere(agent: string | null | undefined, version: string | null | undefined, project: string | null): string | null {
  if (!agent) return null;
  return `agent version ${agent}${version ? ` v${version}` : ''}${project ? ` in project ${project}` : ''}`;
}

function readPick(): string | null {
  try {
    return localStorage.getItem(PICK_KEY);
  } catch {
    return null;
  }
}

function rememberPick(id: string) {
  try {
    localStorage.setItem(PICK_KEY, id);
  } catch {
    // not remembered: fine
  }
}

/** The one store: the page reads it each time it opens. */
export let playground = new PlaygroundStore();

/** A fresh store (tests start from nothing). */
export function resetPlayground(): PlaygroundStore {
  playground = new PlaygroundStore();
  return playground;
}
