import { OllamaClient } from '../src/client.js';
import { startTestServer } from '../src/testing/server.js';
import { tokenize } from '../src/testing/simulated.js';

describe('ollama-rx/testing', () => {
  it('tokenize keeps every character, trailing whitespace included', () => {
    expect(tokenize('Hi there.\n')).toEqual(['Hi', ' there.', '\n']);
    expect(tokenize('  lead')).toEqual(['  lead']);
    expect(tokenize('a b c').join('')).toBe('a b c');
  });

  it('setModel starts a new script with its own count of failures before success', async () => {
    const server = await startTestServer({ models: { m: { tokens: ['ok'] } } });
    const client = new OllamaClient({ host: server.url, model: 'm' });
    expect((await client.generate('x')).success).toBe(true);
    expect((await client.generate('x')).success).toBe(true);
    server.setModel('m', { status: 503, body: { error: 'busy' }, failuresBeforeSuccess: 1 });
    expect(await client.generate('x')).toMatchObject({ success: false, statusCode: 503 });
    expect((await client.generate('x')).success).toBe(true);
    await client.close();
    await server.close();
  });
});
