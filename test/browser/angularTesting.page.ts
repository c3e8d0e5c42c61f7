// The page of the provideOllamaTesting test: a real standalone component on chatResource, bootstrapped
// in Chromium against scripted models. Its host is one no request could reach.
import '@angular/compiler'; // JIT: compiles the component's metadata at run time
import { ChangeDetectionStrategy, Component, provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { chatResource, provideOllama, provideOllamaTesting } from '../../src/angular/index.js';

@Component({
  selector: 'test-chat',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ol>
      @for (message of chat.messages(); track $index) {
        <li [class]="message.role">{{ message.content }}</li>
      }
    </ol>
    <p id="status">{{ chat.status() }}</p>
    <p id="thinking">{{ chat.thinking() }}</p>
    <button id="send" (click)="chat.send('Hi')">Send</button>
    <button id="stop" (click)="chat.stop()">Stop</button>
  `,
})
class TestChat {
  readonly chat = chatResource();
}

void bootstrapApplication(TestChat, {
  providers: [
    provideZonelessChangeDetection(),
    provideOllama({ host: 'http://ollama.invalid:11434', model: 'scripted' }),
    provideOllamaTesting({ scripted: { thinking: ['Hmm'], tokens: ['Hello', ' from', ' Chromium'], tokenDelayMs: 150 } }),
  ],
});
