import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { messageOf } from '../../core/describe.js';
import { OllamaConfigError } from '../../core/errors.js';
import { toRecording } from './normalise.js';
import type { Har, Recording } from './types.js';

/**
 * A recording from a HAR 1.2 file or object: one written by `startRecorder` or `ollama-rx record`,
 * or by a browser's devtools or Playwright's `recordHar` (whose NDJSON lines are spread evenly over
 * each entry's receive time). Node only for a file name; in a browser, pass the parsed HAR to
 * `replayFetch` or `replayChunks` directly.
 *
 * @example
 * const recording = loadRecording('test/fixtures/chat-thinking.har');
 */
export function loadRecording(fileOrHar: string | Har | Recording): Recording {
  if (typeof fileOrHar !== 'string') return toRecording(fileOrHar);
  let har: Har;
  try {
    har = JSON.parse(readFileSync(fileOrHar, 'utf8')) as Har;
  } catch (error) {
    throw new OllamaConfigError(`Cannot load the recording ${fileOrHar}: ${messageOf(error)}`);
  }
  return toRecording(har);
}

/** Writes a HAR file, indented as devtools writes it. */
export const writeHar = (file: string, har: Har): Promise<void> => writeFile(file, `${JSON.stringify(har, null, 2)}\n`);
