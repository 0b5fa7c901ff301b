// One open connection: the form, the secrets typed in this session, and what the backend says
// about it (findings and the ARM body), kept current as the user types.

import {
  connectionInspect,
  connectionSave,
  connectionWithCategory,
  toUiError,
  type Connection,
  type ConnectionCategory,
  type DiscoveredModel,
  type Draft,
  type DraftLink,
  type Finding,
  type SecretSlot,
  type SecretValue,
  type UiError,
} from '../lib/api';
import {
  connectionFromForm,
  countFindings,
  formFromConnection,
  placeFindings,
  useDiscoveredModels,
  type Form,
  type SecretsPresent,
} from './form';

export type EditorStatus =
  | { kind: 'saved'; note: string | null }
  | { kind: 'imported'; note: string }
  /** A change made for the user (not typed), unsaved until they save. */
  | { kind: 'applied'; title: string; note: string }
  | { kind: 'error'; title: string; error: UiError };

const INSPECT_DELAY_MS = 150;

export class EditorState {
  /** Null until the draft is saved for the first time. */
  id = $state<string | null>(null);
  form = $state<Form>() as Form;
  /** Which secrets the keyring holds for this draft (never their values). */
  storedSecrets = $state<SecretSlot[]>([]);
  /** Secrets typed in this session; they leave the webview only on save. */
  typed = $state<Record<SecretSlot, string>>({ apiKey: '', clientSecret: '' });
  /** The user chose to replace a stored secret: show the input instead of "stored". */
  replacing = $state<Record<SecretSlot, boolean>>({ apiKey: false, clientSecret: false });

  findings = $state<Finding[]>([]);
  armBody = $state('');
  inspected = $state(false);
  inspectError = $state<UiError | null>(null);
  /** Findings of the imported file that the draft itself no longer shows (repairs made on import). */
  importFindings = $state<Finding[]>([]);

  busy = $state<null | 'category' | 'save'>(null);
  status = $state<EditorStatus | null>(null);
  updatedAt = $state<string | null>(null);
  /** The Azure resource this draft was opened from or deployed to. */
  linked = $state<DraftLink | null>(null);

  #saved: Connection;
  #baseline = $state('');
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(connection: Connection, draft?: Draft) {
    this.#saved = connection;
    this.form = formFromConnection(connection);
    if (draft) {
      this.id = draft.id;
      this.storedSecrets = [...draft.storedSecrets];
      this.updatedAt = draft.updatedAt;
      this.linked = draft.linked ?? null;
    }
    this.#baseline = JSON.stringify(connectionFromForm(this.form, this.#present()));
  }

  static fromDraft(draft: Draft): EditorState {
    return new EditorState(draft.connection, draft);
  }

  #present(): SecretsPresent {
    return {
      apiKey: this.typed.apiKey !== '' || this.storedSecrets.includes('apiKey'),
      clientSecret: this.typed.clientSecret !== '' || this.storedSecrets.includes('clientSecret'),
    };
  }

  connection = $derived(connectionFromForm(this.form, this.#present()));
  json = $derived(JSON.stringify(this.connection));
  placed = $derived(placeFindings(this.findings, this.form));
  counts = $derived(countFindings(this.findings));
  dirty = $derived(this.json !== this.#baseline || this.typedSecrets().length > 0);
  /** Import findings the current inspection does not repeat: what the file got wrong. */
  importOnly = $derived(
    this.inspected
      ? this.importFindings.filter((f) => !this.findings.some((g) => g.code === f.code && g.path === f.path))
      : [],
  );
  title = $derived(this.form.c.name?.trim() ? this.form.c.name.trim() : 'Unnamed');

  /** Secrets to send on save: only values typed now, only for the auth type in use. */
  typedSecrets(): SecretValue[] {
    const auth = this.form.c.auth;
    if (auth.kind === 'apiKey' && this.typed.apiKey !== '') return [{ slot: 'apiKey', value: this.typed.apiKey }];
    if (auth.kind === 'oauth2' && this.typed.clientSecret !== '')
      return [{ slot: 'clientSecret', value: this.typed.clientSecret }];
    return [];
  }

  isStored(slot: SecretSlot): boolean {
    return this.storedSecrets.includes(slot);
  }

  /** Asks the backend about `connection`: at once the first time, then after a pause in typing. */
  scheduleInspect(connection: Connection): void {
    if (this.#timer) clearTimeout(this.#timer);
    const seq = ++this.#seq;
    const run = () => {
      this.#timer = null;
      void this.#inspect(connection, seq);
    };
    if (!this.inspected && seq === 1) run();
    else this.#timer = setTimeout(run, INSPECT_DELAY_MS);
  }

  async #inspect(connection: Connection, seq: number): Promise<void> {
    try {
      const result = await connectionInspect(connection);
      if (seq !== this.#seq) return; // the user typed again meanwhile
      this.findings = result.findings;
      this.armBody = result.armBody;
      this.inspectError = null;
      this.inspected = true;
    } catch (failure) {
      if (seq !== this.#seq) return;
      this.inspectError = toUiError(failure);
    }
  }

  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#seq += 1;
  }

  /** Moves the draft to another category; the backend decides what follows it. */
  async setCategory(category: ConnectionCategory): Promise<void> {
    if (category === this.form.c.category || this.busy) return;
    this.busy = 'category';
    try {
      const moved = await connectionWithCategory(this.connection, category);
      this.form = formFromConnection(moved, $state.snapshot(this.form as unknown) as Form);
    } catch (failure) {
      this.status = { kind: 'error', title: 'The category could not be changed', error: toUiError(failure) };
    } finally {
      this.busy = null;
    }
  }

  /** Saves the draft (errors in findings do not stop it). Returns the draft, or null on failure. */
  async save(): Promise<Draft | null> {
    if (this.busy === 'save') return null;
    const connection = this.connection;
    const json = this.json;
    const secrets = this.typedSecrets();
    this.busy = 'save';
    this.status = null;
    try {
      const draft = await connectionSave(this.id, connection, secrets);
      this.id = draft.id;
      this.storedSecrets = [...draft.storedSecrets];
      this.updatedAt = draft.updatedAt;
      this.linked = draft.linked ?? null;
      this.#saved = draft.connection;
      for (const s of secrets) {
        if (this.typed[s.slot] === s.value) this.typed[s.slot] = '';
        this.replacing[s.slot] = false;
      }
      this.#baseline = json;
      const { errors } = this.counts;
      this.status = {
        kind: 'saved',
        note:
          errors > 0
            ? `Saved as a draft with ${errors} ${errors === 1 ? 'error' : 'errors'}: Azure would not accept it as it is.`
            : null,
      };
      return draft;
    } catch (failure) {
      this.status = { kind: 'error', title: 'Not saved', error: toUiError(failure) };
      return null;
    } finally {
      this.busy = null;
    }
  }

  /** Makes models a check discovered the static list, as an unsaved change (Revert undoes it). */
  applyDiscoveredModels(models: DiscoveredModel[]): void {
    useDiscoveredModels(this.form, models);
    const n = models.length;
    this.status = {
      kind: 'applied',
      title: `${n === 1 ? '1 discovered model is' : `${n} discovered models are`} now the static list`,
      note: 'Discovery is off but kept: choose Dynamic discovery under Models to undo. Nothing is saved until you save.',
    };
  }

  /** Back to what was last saved (or the fresh template), forgetting typed secrets. */
  revert(): void {
    this.form = formFromConnection(this.#saved);
    this.typed = { apiKey: '', clientSecret: '' };
    this.replacing = { apiKey: false, clientSecret: false };
    this.status = null;
  }
}
