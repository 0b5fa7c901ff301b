// The Azure page's state: who is signed in, the cascade subscription → resource group →
// account → project (or the account level), and what lives there. Each level loads when the one
// above is picked; an answer that arrives after the pick changed is dropped. The pick is saved
// per cloud by the backend and restored when the page opens again.

import {
  azureAccounts,
  azureConnections,
  azureDeployments,
  azureProjects,
  azureResourceGroups,
  azureScopeGet,
  azureScopeSet,
  azureSubscriptions,
  azureWhoami,
  toUiError,
  type Account,
  type ArmConnection,
  type AzureScope,
  type Deployment,
  type Identity,
  type Project,
  type ResourceGroup,
  type Subscription,
  type UiError,
} from '../lib/api';
import { parentOf } from './rows';

/** One list from Azure: not asked yet, on its way, there, or failed. */
export type Load<T> =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; items: T[] }
  | { status: 'error'; error: UiError };

const IDLE = { status: 'idle' } as const;
const LOADING = { status: 'loading' } as const;

/** What each level holds. */
type Levels = {
  subscriptions: Subscription;
  groups: ResourceGroup;
  accounts: Account;
  projects: Project;
  connections: ArmConnection;
  deployments: Deployment;
};

/** The project picker's value for "the account itself". */
export const ACCOUNT_LEVEL = '';

export class AzureState {
  identity = $state<Identity | null>(null);
  identityError = $state<UiError | null>(null);

  subscriptions = $state<Load<Subscription>>(IDLE);
  groups = $state<Load<ResourceGroup>>(IDLE);
  accounts = $state<Load<Account>>(IDLE);
  projects = $state<Load<Project>>(IDLE);
  connections = $state<Load<ArmConnection>>(IDLE);
  deployments = $state<Load<Deployment>>(IDLE);

  subscriptionId = $state<string | null>(null);
  resourceGroup = $state<string | null>(null);
  account = $state<string | null>(null);
  /** A project name, `ACCOUNT_LEVEL`, or null while nothing is picked. */
  project = $state<string | null>(null);
  /** Why the pick could not be saved (the page still works). */
  saveError = $state<UiError | null>(null);

  // One counter per level: an answer is used only if its level was not re-asked meanwhile.
  #seq = { subscriptions: 0, groups: 0, accounts: 0, projects: 0, connections: 0, deployments: 0 };

  /** The full pick, once a project or the account level is chosen. */
  get scope(): AzureScope | null {
    if (!this.subscriptionId || !this.resourceGroup || !this.account || this.project === null) return null;
    const subscription =
      this.subscriptions.status === 'ready'
        ? this.subscriptions.items.find((s) => s.subscriptionId === this.subscriptionId)
        : undefined;
    return {
      subscriptionId: this.subscriptionId,
      subscriptionName: subscription?.displayName ?? null,
      resourceGroup: this.resourceGroup,
      account: this.account,
      project: this.project === ACCOUNT_LEVEL ? null : this.project,
    };
  }

  /** Who is signed in, the subscriptions, and the saved pick walked down again. */
  async load(): Promise<void> {
    void this.loadIdentity();
    let saved: AzureScope | null = null;
    try {
      saved = await azureScopeGet();
    } catch {
      // Nothing remembered (or unreadable): start from the top.
    }
    const subscriptions = await this.#fetch('subscriptions', () => azureSubscriptions());
    if (!subscriptions || !saved) return;
    // Restore only what still exists, level by level.
    if (!subscriptions.some((s) => s.subscriptionId === saved.subscriptionId)) return;
    this.subscriptionId = saved.subscriptionId;
    const groups = await this.#fetch('groups', () => azureResourceGroups(saved.subscriptionId));
    if (!groups?.some((g) => g.name.toLowerCase() === saved.resourceGroup.toLowerCase())) return;
    this.resourceGroup = saved.resourceGroup;
    const accounts = await this.#fetch('accounts', () => azureAccounts(saved.subscriptionId, saved.resourceGroup));
    if (!accounts?.some((a) => a.name.toLowerCase() === saved.account.toLowerCase())) return;
    this.account = saved.account;
    const projects = await this.#fetch('projects', () => azureProjects(this.#accountRef()!));
    if (!projects) return;
    if (saved.project === null) this.project = ACCOUNT_LEVEL;
    else if (projects.some((p) => p.name.toLowerCase() === saved.project!.toLowerCase())) this.project = saved.project;
    else return;
    void this.refreshContents();
  }

  async loadIdentity(): Promise<void> {
    this.identityError = null;
    try {
      this.identity = await azureWhoami();
    } catch (failure) {
      this.identity = null;
      this.identityError = toUiError(failure);
    }
  }

  /** Starts over: every list asked again, the pick kept where it still exists. */
  async reload(): Promise<void> {
    this.subscriptionId = this.resourceGroup = this.account = this.project = null;
    this.groups = this.accounts = this.projects = this.connections = this.deployments = IDLE;
    await this.load();
  }

  pickSubscription(id: string): void {
    if (id === this.subscriptionId) return;
    this.subscriptionId = id;
    this.resourceGroup = this.account = this.project = null;
    this.accounts = this.projects = this.connections = this.deployments = IDLE;
    this.#bump('accounts', 'projects', 'connections', 'deployments');
    void this.#fetch('groups', () => azureResourceGroups(id));
  }

  pickResourceGroup(name: string): void {
    if (name === this.resourceGroup || !this.subscriptionId) return;
    this.resourceGroup = name;
    this.account = this.project = null;
    this.projects = this.connections = this.deployments = IDLE;
    this.#bump('projects', 'connections', 'deployments');
    const subscription = this.subscriptionId;
    void this.#fetch('accounts', () => azureAccounts(subscription, name));
  }

  pickAccount(name: string): void {
    if (name === this.account || !this.resourceGroup) return;
    this.account = name;
    this.project = null;
    this.connections = this.deployments = IDLE;
    this.#bump('connections', 'deployments');
    const ref = this.#accountRef()!;
    void this.#fetch('projects', () => azureProjects(ref));
  }

  /** A project name, or `ACCOUNT_LEVEL`. Saves the pick and lists what is there. */
  pickProject(project: string): void {
    if (project === this.project || !this.account) return;
    this.project = project;
    void this.#save();
    void this.refreshContents();
  }

  /** The connections (and the account's deployments) of the current pick, asked again. */
  async refreshContents(): Promise<void> {
    const scope = this.scope;
    if (!scope) return;
    const parent = parentOf(scope);
    await Promise.all([
      this.#fetch('connections', () => azureConnections(parent)),
      this.#fetch('deployments', () => azureDeployments(parent.account)),
    ]);
  }

  /** Drops a deleted connection from the list without asking Azure again. */
  forget(name: string): void {
    if (this.connections.status === 'ready')
      this.connections = { status: 'ready', items: this.connections.items.filter((c) => c.name !== name) };
  }

  #accountRef() {
    if (!this.subscriptionId || !this.resourceGroup || !this.account) return null;
    return { subscriptionId: this.subscriptionId, resourceGroup: this.resourceGroup, account: this.account };
  }

  async #save(): Promise<void> {
    const scope = this.scope;
    if (!scope) return;
    try {
      await azureScopeSet(scope);
      this.saveError = null;
    } catch (failure) {
      this.saveError = toUiError(failure);
    }
  }

  #bump(...levels: (keyof Levels)[]): void {
    for (const level of levels) this.#seq[level]++;
  }

  /** Loads one level; resolves to its items, or null when it failed or was overtaken. */
  async #fetch<K extends keyof Levels>(
    level: K,
    call: () => Promise<Levels[K][]>,
  ): Promise<Levels[K][] | null> {
    const seq = ++this.#seq[level];
    (this as unknown as Record<K, Load<unknown>>)[level] = LOADING;
    try {
      const items = await call();
      if (seq !== this.#seq[level]) return null;
      (this as unknown as Record<K, Load<unknown>>)[level] = { status: 'ready', items };
      return items;
    } catch (failure) {
      if (seq !== this.#seq[level]) return null;
      (this as unknown as Record<K, Load<unknown>>)[level] = { status: 'error', error: toUiError(failure) };
      return null;
    }
  }
}
