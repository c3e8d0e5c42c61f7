// Issue 21: model text and server errors must not drive the terminal. On a TTY every control character
// but newline and tab shows visibly (C0, DEL and C1: OSC titles, ESC[2J, OSC 8 and 52, CSI as U+009B);
// with --json, or when the output is not a terminal, the bytes stay exact.
import { NEVER } from 'rxjs';
import { run } from '../../src/cli/run.js';
import { type TestServer, startTestServer } from '../../src/testing/index.js';
import { Capture } from '../integration/examples/harness.js';
import { CONTROLS, HOSTILE, RAW_CONTROL } from './controls.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    models: {
      hostile: { tokens: ['safe\t', ...HOSTILE, '\nend'] },
      failing: { tokens: ['ok'], faults: { errorAfterTokens: 1, errorMessage: `bad \x1b]0;pwned\x07 ${CONTROLS.join('')}` } },
    },
  });
});
afterAll(() => server.close());

async function cli(args: string[], terminal: boolean) {
  const size = terminal ? { rows: 24, columns: 80 } : undefined;
  const [stdout, stderr] = [new Capture(size), new Capture(size)];
  const code = await run(args, { stdout, stderr, env: { OLLAMA_HOST: server.url }, interrupts: NEVER });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('on a terminal, control characters show visibly', () => {
  test('in the model text: every one of them, and newline and tab kept', async () => {
    const { code, stdout } = await cli(['-m', 'hostile', 'hi'], true);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(RAW_CONTROL);
    expect(stdout).toContain('title\\x1b]0;pwned\\x07');
    expect(stdout).toContain('\\x9b31m');
    for (const control of CONTROLS) expect(stdout).toContain(`\\x${control.charCodeAt(0).toString(16).padStart(2, '0')}`);
    expect(stdout.startsWith('safe\t')).toBe(true);
    expect(stdout.endsWith('\nend\n')).toBe(true);
  });

  test("in the server's error on stderr", async () => {
    const { code, stderr } = await cli(['-m', 'failing', 'hi'], true);
    expect(code).toBe(1);
    expect(stderr).not.toMatch(RAW_CONTROL);
    expect(stderr).toContain('bad \\x1b]0;pwned\\x07');
  });
});

describe('the bytes stay exact', () => {
  test('when the output is not a terminal', async () => {
    const { stdout } = await cli(['-m', 'hostile', 'hi'], false);
    expect(stdout).toBe(`safe\t${HOSTILE.join('')}\nend\n`);
    const { stderr } = await cli(['-m', 'failing', 'hi'], false);
    expect(stderr).toBe(`ollama-rx: bad \x1b]0;pwned\x07 ${CONTROLS.join('')}\n`);
  });

  test('with --json, even on a terminal', async () => {
    const { stdout } = await cli(['--json', '-m', 'hostile', 'hi'], true);
    const texts = stdout
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { text: string }).text);
    expect(texts.join('')).toBe(`safe\t${HOSTILE.join('')}\nend`);
  });
});
