#!/usr/bin/env node
/** The `ollama-rx` command: this process's streams, environment, Ctrl-C and SIGTERM, handed to `run`. */
import { fromEvent } from 'rxjs';
import { run } from './run.js';

void run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  interrupts: fromEvent(process, 'SIGINT'),
  terminations: fromEvent(process, 'SIGTERM'),
}).then((code) => {
  process.exitCode = code;
});
