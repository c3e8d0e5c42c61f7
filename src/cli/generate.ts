import { type Observable, EMPTY, connect, defer, merge, switchMap, tap } from 'rxjs';
import type { OllamaClient } from '../client/client.js';
import { type StreamTimings, streamTimings } from '../operators/streamTimings.js';
import type { StreamChunk } from '../core/types.js';
import type { CliIO } from './io.js';
import { forTerminal, writeLines } from './terminal.js';

export interface GenerateCommand {
  prompt: string;
  model?: string;
  system?: string;
  /** NDJSON of the chunks instead of the text. */
  json: boolean;
  /** The timings on stderr after the answer. */
  timings: boolean;
}

/** Streams the answer to stdout (and the timings to stderr); the model is resolved at subscription. */
export function generate$(client: OllamaClient, command: GenerateCommand, io: CliIO): Observable<unknown> {
  const { prompt, system, json, timings } = command;
  return defer(async () => command.model ?? (io.env.OLLAMA_MODEL?.trim() || (await firstInstalledModel(client)))).pipe(
    switchMap((model) => client.generate$({ prompt, model, system })),
    connect((chunks) =>
      merge(
        chunks.pipe(
          writeLines(
            io.stdout,
            json ? (chunk: StreamChunk) => `${JSON.stringify(chunk)}\n` : (chunk) => forTerminal(io.stdout, chunk.text),
          ),
        ),
        timings
          ? chunks.pipe(
              streamTimings(),
              tap((measured) => io.stderr.write(`${describeTimings(measured)}\n`)),
            )
          : EMPTY,
      ),
    ),
  );
}

async function firstInstalledModel(client: OllamaClient): Promise<string> {
  const [first] = await client.list();
  if (!first) throw new Error(`the Ollama at ${client.host} has no models. Install one with: ollama-rx pull llama3.2`);
  return first.name;
}

function describeTimings({ firstTokenMs, totalMs, tokens, tokensPerSecond }: StreamTimings): string {
  const parts = [firstTokenMs === undefined ? 'no text' : `first token ${Math.round(firstTokenMs)} ms`, `${tokens} tokens`];
  if (tokensPerSecond !== undefined) parts.push(`${tokensPerSecond.toFixed(1)} tokens/s`);
  parts.push(`${(totalMs / 1000).toFixed(1)} s total`);
  return parts.join(' · ');
}
