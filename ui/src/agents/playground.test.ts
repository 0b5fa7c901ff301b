import { describe, expect, it } from 'vitest';
import { summary, turnRecord, weatherCall } from '../test/playground';
import { endedNotice, modelString, parseTemperature, projectOfEndpoint, transcript, usageText } from './playground';

describe('playground helpers', () => {
  it('builds the model string, with placeholders for what is missing', () => {
    expect(modelString('my-apim', ' gpt-4o ')).toBe('my-apim/gpt-4o');
    expect(modelString(null, '')).toBe('<connection>/<deployment>');
  });

  it('reads the temperature: empty is the default, out of range is invalid', () => {
    expect(parseTemperature('')).toBeNull();
    expect(parseTemperature('0.7')).toBe(0.7);
    expect(parseTemperature('2')).toBe(2);
    expect(parseTemperature('2.5')).toBeUndefined();
    expect(parseTemperature('warm')).toBeUndefined();
  });

  it('finds the project in a project endpoint', () => {
    expect(projectOfEndpoint('https://acct.services.ai.azure.com/api/projects/proj-1')).toBe('proj-1');
    expect(projectOfEndpoint('http://127.0.0.1:47111/api/projects/sandbox-project/')).toBe('sandbox-project');
    expect(projectOfEndpoint(null)).toBeNull();
  });

  it('says how the end went', () => {
    expect(endedNotice(summary('c', 'local', 'a/b')).text).toMatch(/local conversation with a\/b ended.*nothing to delete in Foundry/);
    const foundry = { projectEndpoint: 'x', agentName: 'gs-test-1', agentVersion: '1', conversationId: null };
    expect(endedNotice(summary('c', 'foundry', 'a/b', { cleanup: 'done', foundry })).text).toMatch(/test agent gs-test-1 and its conversation were deleted from Foundry/);
    const failed = endedNotice(summary('c', 'foundry', 'a/b', { cleanup: 'failed', cleanupError: '403', foundry }));
    expect(failed.tone).toBe('warn');
    expect(failed.text).toMatch(/could not be deleted from Foundry: 403/);
    expect(usageText({ inputTokens: 1, outputTokens: 2, totalTokens: 3 })).toBe('1 in · 2 out · 3 tokens');
  });

  it('writes a transcript with calls, outputs, errors and figures', () => {
    const call = weatherCall();
    const turns = [
      turnRecord({ input: { kind: 'message', text: 'Weather in Paris?' }, toolCalls: [call] }),
      turnRecord({ input: { kind: 'toolOutputs', outputs: [{ callId: call.callId, output: '{"t":21}' }] }, reply: 'The tool said: {"t":21}', firstTokenMs: null }),
      turnRecord({ input: { kind: 'message', text: 'Again' }, usage: null, error: { code: 'gateway_error', message: 'boom', fix: 'Run the checks.' } }),
    ].map((r) => ({ input: r.input, text: r.reply, record: r }));
    const text = transcript(
      { mode: 'foundry', model: 'gw/gpt-4o', instructions: 'Be brief.', sampleTool: true, where: 'agent version gs-test-1 v1 in project p' },
      turns,
    );
    expect(text).toContain('Mode: Foundry (agent version gs-test-1 v1 in project p)');
    expect(text).toContain('Model: gw/gpt-4o');
    expect(text).toContain('User: Weather in Paris?');
    expect(text).toContain(`Agent calls get_weather (${call.callId}): ${call.arguments}`);
    expect(text).toContain(`Tool output (get_weather ${call.callId}): {"t":21}`);
    expect(text).toContain('Agent: The tool said: {"t":21}');
    expect(text).toContain('Error gateway_error: boom');
    expect(text).toContain('Fix: Run the checks.');
    expect(text).toContain('(12 in · 8 out · 20 tokens · 340 ms · first token 120 ms)');
  });
});
