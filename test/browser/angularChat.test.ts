// The Angular example as an app's build sees it: Angular ships ESM only and jest runs CommonJS here, so
// the test bundles the example with esbuild (as the Angular CLI would, browser build of ollama-rx
// included). Its behaviour — streaming, Stop, a new question, thinking and tool rounds — is tested on
// the running page in Chromium (webChat.test.ts); the example is type-checked by `npm run typecheck:angular`.
import { join } from 'node:path';
import type { Type, reflectComponentType } from '@angular/core';
import type { Plugin } from 'esbuild';
import { requireBundle } from '../angular/angular.js';

const { browserSource } = require('../../scripts/browser-source.cjs') as { browserSource: Plugin };

interface Bundle {
  ChatComponent: Type<unknown>;
  reflectComponentType: typeof reflectComponentType;
}

let angular: Bundle;

beforeAll(async () => {
  angular = await requireBundle<Bundle>(
    `
    import '@angular/compiler'; // JIT: compiles the decorators' metadata at run time
    export { reflectComponentType } from '@angular/core';
    export { ChatComponent } from './chat.component';`,
    join(__dirname, '..', '..', 'examples', 'angular'),
    [browserSource],
  );
}, 30_000);

test("the chat component's template compiles (JIT), standalone", () => {
  const component = angular.reflectComponentType(angular.ChatComponent);
  expect([component?.selector, component?.isStandalone]).toEqual(['ollama-chat', true]);
});
