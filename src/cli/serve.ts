import { NEVER, firstValueFrom, merge } from 'rxjs';
import { loadRecording } from '../testing/har/file.js';
import { startRecorder } from '../testing/har/recorder.js';
import { simulatedModels } from '../testing/simulated.js';
import { startTestServer } from '../testing/server/index.js';
import type { CliIO } from './io.js';

/** What `serve` and `record` run: a loopback server with a URL, stopped by `close`. */
interface Running {
  url: string;
  close(): Promise<void>;
}

/**
 * Runs a loopback server until Ctrl-C or SIGTERM. Its URL is the first line on stdout, so a script
 * can read it; `banner` goes to stderr. Resolves to 0 once it has stopped.
 */
async function untilStopped(
  io: CliIO,
  port: number | undefined,
  start: () => Promise<Running>,
  banner: (url: string) => string,
): Promise<number> {
  // Listening before the URL is out: whoever reads it may stop the server at once.
  const stopped = firstValueFrom(merge(io.interrupts, io.terminations ?? NEVER));
  const running = await start().catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EADDRINUSE'
      ? new Error(`port ${port} is already in use; choose another with --port, or leave it out for any free one`)
      : error;
  });
  try {
    io.stdout.write(`${running.url}\n`);
    io.stderr.write(banner(running.url));
    await stopped;
  } finally {
    await running.close();
  }
  return 0;
}

const tryIt = (url: string) => `Try: OLLAMA_HOST=${url} ollama-rx "Why is the sky blue?"`;

/**
 * `ollama-rx serve --simulated`: the simulated Ollama (the demo's model and the scripted ones, by
 * name) for trying the CLI, the examples or one's own code without an Ollama.
 */
export function serve(port: number | undefined, io: CliIO): Promise<number> {
  const models = simulatedModels();
  return untilStopped(
    io,
    port,
    () => startTestServer({ models, port }),
    (url) =>
      `Simulated Ollama at ${url}: no real model, scripted answers. Models: ${Object.keys(models).join(', ')}.\n` +
      `${tryIt(url)}   (Ctrl-C stops it)\n`,
  );
}

/**
 * `ollama-rx serve --replay FILE.har [--speed N]`: answers every request from a recorded session,
 * at the recorded pace × `speed`.
 */
export function serveReplay(file: string, speed: number | undefined, port: number | undefined, io: CliIO): Promise<number> {
  const recording = loadRecording(file);
  return untilStopped(
    io,
    port,
    () => startTestServer({ replay: recording, speed, port }),
    (url) =>
      `Replaying ${file} (${recording.entries.length} recorded exchange(s), each answered once, in order) at ${url}, ` +
      `${speed === 0 ? 'without pauses' : `at ${speed ?? 1}× the recorded pace`}. (Ctrl-C stops it)\n`,
  );
}

/**
 * `ollama-rx record --upstream URL --to FILE.har`: a recording proxy in front of an Ollama; Ctrl-C
 * or SIGTERM writes the file.
 */
export function record(upstream: string, file: string, port: number | undefined, io: CliIO): Promise<number> {
  return untilStopped(
    io,
    port,
    async () => {
      const recorder = await startRecorder({ upstream, file, port });
      return {
        url: recorder.url,
        async close() {
          await recorder.close();
          io.stderr.write(`Wrote ${recorder.entries.length} recorded exchange(s) to ${file}\n`);
        },
      };
    },
    (url) => `Recording ${upstream} through ${url} into ${file}. ${tryIt(url)}   (Ctrl-C writes the file)\n`,
  );
}
