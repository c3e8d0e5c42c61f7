// The chat as a running app (`npm run demo -- --web`). JIT: the compiler, imported first, compiles
// the components' templates in the browser, so a plain esbuild bundle runs it — no Angular CLI.
import '@angular/compiler';
import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { OllamaClient } from 'ollama-rx';
import { ChatComponent } from './chat.component';
import { OLLAMA_CLIENT } from './ollama-chat.service';

// The page's own origin serves Ollama's /api (the demo proxies it), so no CORS setup is needed.
// `?model=NAME` picks the model, installed or not.
const model = new URLSearchParams(location.search).get('model') ?? undefined;

bootstrapApplication(ChatComponent, {
  providers: [provideZonelessChangeDetection(), { provide: OLLAMA_CLIENT, useValue: new OllamaClient({ host: location.origin, model }) }],
}).catch((error: unknown) => console.error(error));
