// The cloud commands of the fake backend. Like the real one: the choice is stored in the
// settings, `cloud_status` never starts anything, `cloud_select('sandbox')` starts the emulators
// (here: flips a flag) and seeds or refreshes one draft per sample gateway, any other cloud stops
// them and keeps the drafts, and a failed start leaves the previous choice.

import type { AppError, CloudId, CloudStatus, Draft, SandboxView, Settings } from '../lib/api';
import { template, type FakeConnections } from './connections';

export const SANDBOX_VIEW: SandboxView = {
  armEndpoint: 'http://127.0.0.1:47110/',
  subscriptionId: '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b',
  resourceGroup: 'rg-gateway-sandbox',
  location: 'eastus2',
  account: 'sandbox-foundry',
  project: 'sandbox-project',
  projectEndpoint: 'http://127.0.0.1:47111/api/projects/sandbox-project',
  tokenUrl: 'http://127.0.0.1:47114/oauth2/v2.0/token',
  gateways: [
    {
      name: 'sandbox-openai',
      style: 'openai',
      target: 'http://127.0.0.1:47112/v1',
      authHeader: 'Authorization: Bearer {api_key}',
      apiVersion: null,
      deployments: ['gpt-4o', 'gpt-4o-mini'],
      draftId: null,
    },
    {
      name: 'sandbox-apim',
      style: 'apim',
      target: 'http://127.0.0.1:47113/openai',
      authHeader: 'api-key: {api_key}',
      apiVersion: '2025-03-01-preview',
      deployments: ['gpt-4o', 'gpt-4o-mini'],
      draftId: null,
    },
  ],
};

export const SANDBOX_START_FAILED = {
  kind: 'sandbox' as const,
  message: 'The sandbox could not start: the ARM emulator on 127.0.0.1:47110: address in use',
  details: {
    hint: 'Something else holds a loopback port the sandbox needs; try again (it falls back to free ports), or restart the app.',
  },
} satisfies AppError;

export type CloudOptions = {
  /** The sandbox already runs (the window was reloaded while the app kept running). */
  running?: boolean;
  /** What the next starts fail with, in order; later starts succeed. */
  startFailures?: AppError[];
  /** What `cloud_select` fails with for any cloud but the Sandbox. */
  selectError?: AppError;
};

function seededDraft(id: string, name: string, style: 'openai' | 'apim', target: string): Draft {
  const c = template(style === 'apim' ? 'ApiManagement' : 'ModelGateway');
  c.name = name;
  c.target = target;
  c.auth = { kind: 'apiKey', key: { slot: 'apiKey' } };
  if (style === 'openai') {
    c.metadata.modelDiscovery = {
      listModelsEndpoint: '/models',
      getModelEndpoint: '/models/{deploymentName}',
      deploymentProvider: 'OpenAI',
      extra: {},
    };
  }
  const at = '2025-01-02T09:00:00Z';
  return { id, connection: c, storedSecrets: ['apiKey'], createdAt: at, updatedAt: at, linked: null };
}

export class FakeCloud {
  running: boolean;
  /** Starts asked for, counted; a test can hold the next one with `hold()`. */
  starts = 0;
  #failures: AppError[];
  #options: CloudOptions;
  #held: Promise<void> | null = null;

  constructor(
    private readonly settings: { get(): Settings; set(s: Settings): void },
    private readonly connections: FakeConnections,
    options: CloudOptions = {},
  ) {
    this.#options = options;
    this.running = options.running ?? false;
    this.#failures = [...(options.startFailures ?? [])];
  }

  /** Makes the next sandbox start wait until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.#held = new Promise((resolve) => (release = resolve));
    return release;
  }

  /** The view with the ids of the drafts seeded for it. */
  view(): SandboxView {
    const view: SandboxView = structuredClone(SANDBOX_VIEW);
    for (const g of view.gateways) g.draftId = this.#draftIdOf(g.name);
    return view;
  }

  #draftIdOf(name: string): string | null {
    for (const d of this.connections.drafts.values()) if (d.connection.name === name) return d.id;
    return null;
  }

  #seed(): void {
    for (const g of SANDBOX_VIEW.gateways) {
      const id = this.#draftIdOf(g.name) ?? `draft-${g.name}`;
      this.connections.drafts.delete(id);
      this.connections.drafts.set(id, seededDraft(id, g.name, g.style as 'openai' | 'apim', g.target));
      this.connections.secrets.set(id, { apiKey: 'demo-key' });
    }
  }

  async handle(cmd: string, args: Record<string, unknown>): Promise<CloudStatus> {
    if (cmd === 'cloud_status') {
      return { cloud: this.settings.get().cloud, sandbox: this.running ? this.view() : null };
    }
    if (cmd !== 'cloud_select') throw `Command ${cmd} not found`;
    const cloud = args.cloud as CloudId;
    if (cloud === 'sandbox') {
      this.starts += 1;
      const held = this.#held;
      this.#held = null;
      if (held) await held;
      const failure = this.#failures.shift();
      if (failure) throw failure;
      if (!this.running) this.#seed();
      this.running = true;
    } else {
      if (this.#options.selectError) throw this.#options.selectError;
      this.running = false;
    }
    this.settings.set({ ...this.settings.get(), cloud });
    return { cloud, sandbox: this.running ? this.view() : null };
  }
}
