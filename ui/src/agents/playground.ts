// Pure helpers of the agent playground: the model string, the settings' validation, what a
// turn's figures and a conversation's cleanup say, and the plain-text transcript.

import type {
  Cleanup,
  ConversationState,
  ConversationSummary,
  PlaygroundMode,
  ToolCallView,
  TurnInput,
  TurnRecord,
  TurnUsage,
} from '../lib/api';
import { formatMs, prettyJson } from '../lib/format';

/** The form the Agent Service wants, as the docs write it. */
export const MODEL_FORM = '<connection-name>/<deployment-name>';

export const SAMPLE_TOOL = 'get_weather';

export const DEFAULT_INSTRUCTIONS = 'You are a helpful assistant. Answer briefly.';

/** How many sample-tool calls in a row are answered without asking, before the user is asked. */
export const MAX_AUTO_ANSWERS = 4;

/** `<connection>/<deployment>`, with placeholders for what is missing. */
export function modelString(connection: string | null | undefined, deployment: string): string {
  const c = connection?.trim() || '<connection>';
  const d = deployment.trim() || '<deployment>';
  return `${c}/${d}`;
}

/** The temperature field: '' is the model's default (null); undefined when out of range. */
export function parseTemperature(text: string): number | null | undefined {
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0 || n > 2) return undefined;
  return n;
}

/** The project name in a project endpoint (`…/api/projects/{name}`), if there is one. */
export function projectOfEndpoint(endpoint: string | null | undefined): string | null {
  if (!endpoint) return null;
  const m = /\/api\/projects\/([^/?#]+)/.exec(endpoint);
  return m ? decodeURIComponent(m[1]) : null;
}

export const MODE_LABEL: Record<PlaygroundMode, string> = { local: 'Local', foundry: 'Foundry' };

export const STATE_LABEL: Record<ConversationState, string> = {
  open: 'Open',
  ended: 'Ended',
  interrupted: 'Interrupted',
};

/** What became of the Foundry side, for the history list ('' when there is nothing to say). */
export function cleanupLabel(cleanup: Cleanup): string {
  switch (cleanup) {
    case 'pending':
      return 'not deleted yet';
    case 'failed':
      return 'delete failed';
    case 'done':
      return 'deleted';
    case 'none':
      return '';
  }
}

/** The notice shown for a moment after a conversation ended. */
export function endedNotice(summary: ConversationSummary): { tone: 'ok' | 'warn'; text: string } {
  if (summary.mode === 'local' || summary.cleanup === 'none')
    return { tone: 'ok', text: `The local conversation with ${summary.model} ended. It ran on this machine: nothing to delete in Foundry.` };
  const agent = summary.foundry?.agentName ?? 'the test agent';
  if (summary.cleanup === 'done')
    return { tone: 'ok', text: `The Foundry conversation ended: the test agent ${agent} and its conversation were deleted from Foundry.` };
  return {
    tone: 'warn',
    text: `The Foundry conversation ended, but ${agent} could not be deleted from Foundry${summary.cleanupError ? `: ${summary.cleanupError}` : '.'} It is offered again as a left-over.`,
  };
}

/** "12 in · 30 out · 42 tokens". */
export function usageText(usage: TurnUsage | null | undefined): string | null {
  if (!usage) return null;
  return `${usage.inputTokens} in · ${usage.outputTokens} out · ${usage.totalTokens} tokens`;
}

/** The arguments of a call, pretty when they are JSON. */
export function prettyArguments(text: string): string {
  return prettyJson(text) ?? text;
}

/** The name of the call `callId` answers, looked up in the turns before. */
export function callName(turns: readonly { record: TurnRecord | null }[], callId: string): string | null {
  for (let i = turns.length - 1; i >= 0; i--) {
    const call = turns[i].record?.toolCalls.find((c) => c.callId === callId);
    if (call) return call.name;
  }
  return null;
}

export type TranscriptHeader = {
  mode: PlaygroundMode;
  model: string;
  instructions: string;
  sampleTool: boolean;
  /** `gs-test-… v1 in project P` for Foundry runs. */
  where?: string | null;
  startedAtMs?: number | null;
};

function inputLines(input: TurnInput, names: (callId: string) => string | null): string[] {
  if (input.kind === 'message') return [`User: ${input.text}`];
  return input.outputs.map((o) => `Tool output (${names(o.callId) ?? 'function'} ${o.callId}): ${o.output}`);
}

function callLine(call: ToolCallView): string {
  return `Agent calls ${call.name} (${call.callId}): ${call.arguments}`;
}

/**
 * The conversation as plain text, to paste in a ticket or a chat. It holds what was said and
 * the figures, never a secret: the stand-in token and the connection's key are not part of a
 * turn.
 */
export function transcript(header: TranscriptHeader, turns: readonly { input: TurnInput; text: string; record: TurnRecord | null }[]): string {
  const lines: string[] = [];
  lines.push('Gateway Studio · agent playground');
  lines.push(`Mode: ${MODE_LABEL[header.mode]}${header.where ? ` (${header.where})` : ''}`);
  lines.push(`Model: ${header.model}`);
  if (header.startedAtMs) lines.push(`Started: ${new Date(header.startedAtMs).toISOString()}`);
  lines.push(`Sample tool ${SAMPLE_TOOL}: ${header.sampleTool ? 'on' : 'off'}`);
  if (header.instructions.trim() !== '') lines.push(`Instructions: ${header.instructions.trim()}`);
  const names = (callId: string) => callName(turns, callId);
  for (const turn of turns) {
    lines.push('');
    lines.push(...inputLines(turn.input, names));
    const record = turn.record;
    const reply = record ? record.reply || turn.text : turn.text;
    if (record?.error) {
      lines.push(`Error ${record.error.code}: ${record.error.message}`);
      if (record.error.fix) lines.push(`Fix: ${record.error.fix}`);
    } else {
      if (reply !== '') lines.push(`Agent: ${reply}`);
      for (const call of record?.toolCalls ?? []) lines.push(callLine(call));
    }
    if (record) {
      const figures = [usageText(record.usage), `${formatMs(record.latencyMs)}`];
      if (record.firstTokenMs != null) figures.push(`first token ${formatMs(record.firstTokenMs)}`);
      lines.push(`  (${figures.filter(Boolean).join(' · ')})`);
    } else {
      lines.push('  (still running)');
    }
  }
  return `${lines.join('\n')}\n`;
}
