// The Azure commands of the fake backend, shaped like the sandbox's tenant: one subscription,
// a resource group with a Foundry account (and a non-Foundry one), a project, connections at
// project and account level and two model deployments. Like the real backend: the scope pick is
// remembered, open makes (or refreshes) a linked draft, deploy plans again and refuses blockers
// or unconfirmed confirmations, and delete leaves the linked draft in place, unlinked.

import type {
  AppError,
  ArmConnection,
  AzureScope,
  ConnectionParent,
  DeployIssue,
  DeployPlan,
  Deployment,
  SignInView,
} from '../lib/api';
import { template, type FakeConnections } from './connections';

export const SUBSCRIPTION_ID = '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b';
export const SANDBOX_SCOPE: AzureScope = {
  subscriptionId: SUBSCRIPTION_ID,
  subscriptionName: 'Sandbox subscription',
  resourceGroup: 'rg-gateway-sandbox',
  account: 'sandbox-foundry',
  project: 'sandbox-project',
};

const ACCOUNT_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-gateway-sandbox/providers/Microsoft.CognitiveServices/accounts/sandbox-foundry`;

export function armConnection(name: string, category: string, level: 'project' | 'account', extra: Record<string, unknown> = {}): ArmConnection {
  const parent = level === 'project' ? `${ACCOUNT_ID}/projects/sandbox-project` : ACCOUNT_ID;
  const properties = { category, target: `https://${name}.example.com/openai`, authType: 'ApiKey', metadata: {}, ...extra };
  return {
    id: `${parent}/connections/${name}`,
    name,
    scope: level,
    resourceType: 'Microsoft.CognitiveServices/accounts/connections',
    properties,
    createdAt: '2026-11-01T09:00:00Z',
    lastModifiedAt: '2026-11-20T09:00:00Z',
    raw: {},
  };
}

export const ARM_NOT_FOUND = {
  kind: 'arm' as const,
  message: "The Foundry account 'sandbox-foundry' was not found in resource group rg-gateway-sandbox",
  details: {
    code: 'arm-not-found',
    status: 404,
    armCode: 'ResourceNotFound',
    correlationId: 'c0ffee00-1111-2222-3333-444455556666',
    requestId: 'r-1',
    missing: 'account',
    hint: 'Check the account name, or pick it again on the Azure page.',
    url: null,
    traceRunId: 'run-404',
  },
} satisfies AppError;

export const CREDENTIAL_EXPIRED = {
  kind: 'credential' as const,
  message: 'Azure CLI could not get a token: the login has expired',
  details: { code: 'az-login-expired', fix: 'Run `az login --tenant contoso.onmicrosoft.com` and try again.' },
} satisfies AppError;

export type AzureOptions = {
  /** What each `azure_*` command fails with, by command name. */
  errors?: Record<string, AppError>;
  /** Blockers / confirmations every plan shows. */
  blockers?: DeployIssue[];
  confirmations?: DeployIssue[];
  /** No remembered scope. */
  noScope?: boolean;
};

export class FakeAzure {
  scope: AzureScope | null;
  connections: ArmConnection[];
  deployments: Deployment[] = [
    { id: `${ACCOUNT_ID}/deployments/gpt-4o`, name: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-11-20', modelFormat: 'OpenAI', skuName: 'GlobalStandard', skuCapacity: 50, provisioningState: 'Succeeded', raw: {} },
    { id: `${ACCOUNT_ID}/deployments/gpt-4o-mini`, name: 'gpt-4o-mini', modelName: 'gpt-4o-mini', modelVersion: '2024-07-18', modelFormat: 'OpenAI', skuName: 'GlobalStandard', skuCapacity: 100, provisioningState: 'Succeeded', raw: {} },
  ];
  signIn: SignInView = {
    cloud: 'public',
    method: { kind: 'azureCli', tenantId: null },
    customCloud: { armEndpoint: '', authorityHost: '', armScope: '', foundryScope: '' },
    hasClientSecret: false,
  };
  /** Client secrets given to azure_sign_in_set, in order (the keyring). */
  secrets: string[] = [];
  readonly #options: AzureOptions;

  constructor(
    private drafts: FakeConnections,
    options: AzureOptions = {},
  ) {
    this.#options = options;
    this.scope = options.noScope ? null : structuredClone(SANDBOX_SCOPE);
    this.connections = [
      armConnection('sandbox-apim', 'ApiManagement', 'project', {
        metadata: { models: JSON.stringify([{ name: 'gpt-4o' }, { name: 'gpt-4o-mini' }]) },
      }),
      armConnection('sandbox-openai', 'ModelGateway', 'project', { metadata: { modelDiscovery: '{}' } }),
      armConnection('blob-storage', 'AzureBlob', 'project', { authType: 'AAD' }),
      armConnection('shared-gateway', 'ModelGateway', 'account'),
    ];
  }

  #at(parent: ConnectionParent): ArmConnection[] {
    return this.connections.filter((c) => c.scope === (parent.project ? 'project' : 'account'));
  }

  #plan(draftId: string, parent: ConnectionParent): DeployPlan {
    const draft = this.drafts.drafts.get(draftId);
    if (!draft) throw { kind: 'notFound', message: `no draft ${draftId}`, details: { what: 'connection' } };
    const name = draft.connection.name ?? '';
    const existing = this.#at(parent).find((c) => c.name === name);
    const base = parent.project ? `${ACCOUNT_ID}/projects/${parent.project}` : ACCOUNT_ID;
    return {
      name,
      parent,
      url: `http://127.0.0.1:47110${base}/connections/${name}?api-version=2025-06-01`,
      action: existing ? 'replace' : 'create',
      before: existing ? existing.properties : null,
      after: { properties: { category: draft.connection.category, target: draft.connection.target, credentials: { key: '********' } } },
      changes: existing
        ? [{ path: 'properties.target', kind: 'changed', before: String((existing.properties as { target: string }).target), after: draft.connection.target }]
        : [
            { path: 'properties.target', kind: 'added', before: null, after: draft.connection.target },
            { path: 'properties.credentials.key', kind: 'secret', before: null, after: '********' },
          ],
      blockers: this.#options.blockers ?? [],
      confirmations: this.#options.confirmations ?? [],
    };
  }

  handle(cmd: string, args: Record<string, unknown>): unknown {
    const error = this.#options.errors?.[cmd];
    if (error) throw error;
    switch (cmd) {
      case 'azure_sign_in_get':
        return structuredClone(this.signIn);
      case 'azure_sign_in_set': {
        const method = args.method as SignInView['method'];
        if (method.kind === 'servicePrincipal' && method.tenantId.trim() === '')
          throw { kind: 'invalidInput', message: 'a service principal needs its tenant id', details: { field: 'method.tenantId' } };
        if (typeof args.clientSecret === 'string') this.secrets.push(args.clientSecret);
        this.signIn = {
          ...this.signIn,
          method,
          customCloud: (args.customCloud as SignInView['customCloud'] | null) ?? this.signIn.customCloud,
          hasClientSecret: this.signIn.hasClientSecret || typeof args.clientSecret === 'string',
        };
        return structuredClone(this.signIn);
      }
      case 'azure_whoami':
        return { source: 'Sandbox', account: null, tenantId: '72f988bf-0000-0000-0000-000000000000', subscription: 'Sandbox subscription' };
      case 'azure_subscriptions':
        return [{ id: `/subscriptions/${SUBSCRIPTION_ID}`, subscriptionId: SUBSCRIPTION_ID, displayName: 'Sandbox subscription', tenantId: null, state: 'Enabled', raw: {} }];
      case 'azure_resource_groups':
        return ['rg-gateway-sandbox', 'rg-other'].map((name) => ({ id: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${name}`, name, location: 'eastus2', raw: {} }));
      case 'azure_accounts':
        if (args.resourceGroup !== 'rg-gateway-sandbox') return [];
        return [
          { id: ACCOUNT_ID, name: 'sandbox-foundry', resourceGroup: 'rg-gateway-sandbox', subscriptionId: SUBSCRIPTION_ID, location: 'eastus2', kind: 'AIServices', foundryEndpoint: null, endpoint: null, allowProjectManagement: true, provisioningState: 'Succeeded', raw: {} },
          { id: `${ACCOUNT_ID}-legacy`, name: 'legacy-openai', resourceGroup: 'rg-gateway-sandbox', subscriptionId: SUBSCRIPTION_ID, location: 'eastus2', kind: 'OpenAI', foundryEndpoint: null, endpoint: null, allowProjectManagement: false, provisioningState: 'Succeeded', raw: {} },
        ];
      case 'azure_projects':
        return [{ id: `${ACCOUNT_ID}/projects/sandbox-project`, name: 'sandbox-project', location: 'eastus2', displayName: null, foundryEndpoint: null, provisioningState: 'Succeeded', raw: {} }];
      case 'azure_scope_get':
        return this.scope ? structuredClone(this.scope) : null;
      case 'azure_scope_set':
        this.scope = structuredClone(args.scope as AzureScope);
        return null;
      case 'azure_connections':
        return structuredClone(this.#at(args.parent as ConnectionParent));
      case 'azure_connection_open': {
        const parent = args.parent as ConnectionParent;
        const name = args.name as string;
        const existing = [...this.drafts.drafts.values()].find((d) => d.linked?.name === name);
        const id = existing?.id ?? `draft-azure-${name}`;
        const arm = this.#at(parent).find((c) => c.name === name)!;
        const c = template((arm.properties as { category: 'ApiManagement' | 'ModelGateway' }).category);
        c.name = name;
        c.target = (arm.properties as { target: string }).target;
        const draft = { id, connection: c, storedSecrets: [], createdAt: '2026-11-24T08:00:00Z', updatedAt: '2026-11-24T08:00:00Z', linked: { cloud: 'sandbox' as const, parent, name } };
        this.drafts.drafts.set(id, draft);
        return structuredClone(draft);
      }
      case 'azure_deploy_plan':
        return this.#plan(args.draftId as string, args.parent as ConnectionParent);
      case 'azure_deploy': {
        const parent = args.parent as ConnectionParent;
        const plan = this.#plan(args.draftId as string, parent);
        if (plan.blockers.length > 0) throw { kind: 'arm', message: 'Nothing was deployed', details: { code: 'deploy-blocked', status: null, armCode: null, correlationId: null, requestId: null, missing: null, hint: plan.blockers[0].fix, url: plan.url, traceRunId: 'run-blocked' } };
        if (plan.confirmations.length > 0 && !args.confirmed) throw { kind: 'arm', message: 'Needs a yes', details: { code: 'deploy-needs-confirmation', status: null, armCode: null, correlationId: null, requestId: null, missing: null, hint: '', url: plan.url, traceRunId: null } };
        const draft = this.drafts.drafts.get(args.draftId as string)!;
        const deployed = armConnection(plan.name, draft.connection.category, parent.project ? 'project' : 'account', { target: draft.connection.target });
        this.connections = [...this.connections.filter((c) => !(c.name === plan.name && c.scope === deployed.scope)), deployed];
        draft.linked = { cloud: 'sandbox', parent, name: plan.name };
        return structuredClone(deployed);
      }
      case 'azure_connection_delete': {
        const parent = args.parent as ConnectionParent;
        const level = parent.project ? 'project' : 'account';
        const before = this.connections.length;
        this.connections = this.connections.filter((c) => !(c.name === args.name && c.scope === level));
        for (const d of this.drafts.drafts.values()) if (d.linked?.name === args.name) d.linked = null;
        return this.connections.length < before ? 'deleted' : 'didNotExist';
      }
      case 'azure_deployments':
        return structuredClone(this.deployments);
      case 'azure_trace_list':
        return [{ id: 'x1', runId: args.runId, label: 'GET account', kind: 'arm', method: 'GET', url: `http://127.0.0.1:47110${ACCOUNT_ID}?api-version=2025-06-01`, status: 404, error: null, startedAtMs: 0, totalMs: 12.4 }];
      default:
        throw `Command ${cmd} not found`;
    }
  }
}
