// The page of the Chromium test: streams an answer from Ollama (the test server, another origin)
// into the DOM through `typewriter`, until it ends, fails, or the user clicks Stop.
import { fromOllama, typewriter } from '../../src/index.js';
import type { OllamaError } from '../../src/index.js';

const params = new URLSearchParams(location.search);
const answer = document.querySelector('#answer')!;
const status = document.querySelector('#status')!;
const stop = document.querySelector<HTMLButtonElement>('#stop')!;

// `?image=N`: send an image of N bytes (0, 1, …, 255, 0, …) as a Uint8Array, which the browser
// build must base64-encode without Node's Buffer.
const imageBytes = Number(params.get('image') ?? 0);
const images = imageBytes ? [Uint8Array.from({ length: imageBytes }, (_, i) => i % 256)] : undefined;

status.textContent = 'streaming';
const subscription = fromOllama({ prompt: 'Tell me a story', images }, { host: params.get('host')!, model: params.get('model')! })
  .pipe(typewriter(2))
  .subscribe({
    next: (chunk) => answer.append(chunk.text),
    error: (error: OllamaError) => (status.textContent = `${error.kind}: ${error.message}`),
    complete: () => (status.textContent = 'done'),
  });

stop.addEventListener('click', () => {
  subscription.unsubscribe();
  status.textContent = 'stopped';
});
