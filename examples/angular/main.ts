// The chat as a running app (`npm run demo -- --web`). JIT: the compiler, imported first, compiles
// the components' templates in the browser, so a plain esbuild bundle runs it — no Angular CLI.
import '@angular/compiler';
import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import type { Tools } from 'ollama-rx';
import { provideOllama } from 'ollama-rx/angular';
import { CHAT_TOOLS, ChatComponent } from './chat.component';

// The page's own origin serves Ollama's /api (the demo proxies it), so no CORS setup is needed.
// `?model=NAME` picks the model, installed or not; `?tools` offers the model a clock.
const query = new URLSearchParams(location.search);
const tools: Tools = {
  clock: {
    description: 'The current date and time',
    parameters: { type: 'object', properties: {} },
    execute: () => new Date().toString(),
  },
};

bootstrapApplication(ChatComponent, {
  providers: [
    provideZonelessChangeDetection(),
    provideOllama({ host: location.origin, model: query.get('model') ?? undefined }),
    query.has('tools') ? { provide: CHAT_TOOLS, useValue: tools } : [],
  ],
}).catch((error: unknown) => console.error(error));
