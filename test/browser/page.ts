// The page of the Chromium test: streams an answer from Ollama (the test server, another origin)
// into the DOM through `typewriter`, until it ends, fails, or the user clicks Stop.
import { fromOllama, typewriter } from '../../src/index.js';
import type { OllamaError } from '../../src/index.js';

const params = new URLSearchParams(location.search);
const answer = document.querySelector('#answer')!;
const status = document.querySelector('#status')!;
const stop = document.querySelector<HTMLButtonElement>('#stop')!;

status.textContent = 'streaming';
const subscription = fromOllama('Tell me a story', { host: params.get('host')!, model: params.get('model')! })
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
