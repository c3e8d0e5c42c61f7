import { NEVER } from 'rxjs';
import { progressLine } from '../../src/cli/pull.js';
import { run } from '../../src/cli/run.js';
import { startTestServer } from '../../src/testing/index.js';
import { Capture } from '../integration/examples/harness.js';

describe('progressLine', () => {
  test('status, bar, percent and sizes', () => {
    expect(progressLine({ status: 'pulling 4f6b7c8d9e0a', percent: 25, completed: 1_000_000, total: 4_000_000 }, 80)).toBe(
      'pulling 4f6b7c8d9e0a  [██████░░░░░░░░░░░░░░░░░░]  25%  1.0 MB/4.0 MB',
    );
    expect(progressLine({ status: 'pulling x', percent: 100, completed: 2_000_000_000, total: 2_000_000_000 }, 80)).toContain(
      '[████████████████████████] 100%  2.0 GB/2.0 GB',
    );
  });

  test('a status without progress is the status alone; every line fits the terminal', () => {
    expect(progressLine({ status: 'verifying sha256 digest' }, 80)).toBe('verifying sha256 digest');
    expect(progressLine({ status: 'pulling 4f6b7c8d9e0a', percent: 50, completed: 1, total: 2 }, 30)).toHaveLength(29);
  });
});

test('on a terminal: one line per status, the bar redrawn in place', async () => {
  const server = await startTestServer({ pullable: { 'new-model': {} } });
  try {
    const stdout = new Capture({ rows: 24, columns: 100 });
    const stderr = new Capture();
    const code = await run(['pull', 'new-model'], { stdout, stderr, env: { OLLAMA_HOST: server.url }, interrupts: NEVER });
    expect([code, stderr.text]).toEqual([0, '']);
    const lines = stdout.text.split('\n');
    expect(lines).toEqual([
      '\r\x1b[2Kpulling manifest',
      expect.stringMatching(/^(\r\x1b\[2Kpulling abababababab {2}\[[█░]{24}\] +\d+% {2}[\d.]+ M?B\/4\.0 MB){5}$/),
      '\r\x1b[2Kverifying sha256 digest',
      '\r\x1b[2Kwriting manifest',
      '\r\x1b[2Ksuccess',
      '',
    ]);
    expect(lines[1]).toContain('100%  4.0 MB/4.0 MB');
  } finally {
    await server.close();
  }
});
