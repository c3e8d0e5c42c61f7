// Angular ships ESM only and jest runs CommonJS here: the entry is bundled with esbuild (Angular's
// packages with it, as an app's build would) and required once per test file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnvironmentInjector } from '@angular/core';
import { type Plugin, build } from 'esbuild';
import type { ModelScript, RecordedRequest, TestServer } from '../../src/testing/server/index.js';
import { startTestServer } from '../../src/testing/server/index.js';

type AngularEntry = typeof import('../../src/angular/index.js');
type Core = typeof import('@angular/core');
type Http = typeof import('@angular/common/http');
type Library = typeof import('../../src/index.js');
type Testing = typeof import('../../src/testing/scripted/fetch.js');

/** ollama-rx/angular, the parts of Angular the tests drive, and the library's own classes of the same bundle (for instanceof). */
export type Bundle = AngularEntry &
  Pick<
    Core,
    | 'createEnvironmentInjector'
    | 'provideZonelessChangeDetection'
    | 'Injector'
    | 'ApplicationRef'
    | 'EnvironmentInjector'
    | 'runInInjectionContext'
    | 'signal'
    | 'ɵINJECTOR_SCOPE'
  > &
  Pick<Http, 'provideHttpClient' | 'withFetch' | 'withInterceptors' | 'HttpClient'> &
  Pick<Library, 'OllamaClient' | 'OllamaError'> &
  Testing;

const ROOT = join(__dirname, '..', '..');

export function loadAngular(): Promise<Bundle> {
  // Angular's packages are partially compiled: an app's build links them; here JIT does it at load.
  return requireBundle<Bundle>(
    `
    import '@angular/compiler';
    export * from './src/angular/index.ts';
    export { createEnvironmentInjector, provideZonelessChangeDetection, Injector, ApplicationRef, EnvironmentInjector, runInInjectionContext, signal, ɵINJECTOR_SCOPE } from '@angular/core';
    export { provideHttpClient, withFetch, withInterceptors, HttpClient } from '@angular/common/http';
    export { OllamaClient, OllamaError } from './src/index.ts';
    export { scriptedFetch } from './src/testing/scripted/fetch.ts';`,
    ROOT,
  );
}

/** `contents` (TypeScript, imports resolved from `resolveDir`) bundled as CommonJS for Node, and required. */
export async function requireBundle<T>(contents: string, resolveDir: string, plugins: Plugin[] = []): Promise<T> {
  const { outputFiles } = await build({
    stdin: { contents, resolveDir, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'es2022',
    plugins,
    logLevel: 'silent',
  });
  const dir = mkdtempSync(join(tmpdir(), 'ollama-rx-angular-'));
  try {
    writeFileSync(join(dir, 'angular.cjs'), outputFiles[0]!.text);
    return require(join(dir, 'angular.cjs')) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An application's root injector without a DOM: root-scoped (so `providedIn: 'root'` services such as
 * the change-detection scheduler that effects and `rxResource` need live in it), zoneless, holding
 * `providers`. `bootstrapApplication` or TestBed make the same; both want a document.
 */
export function appInjector(
  ng: Bundle,
  providers: Parameters<Bundle['createEnvironmentInjector']>[0],
): import('@angular/core').EnvironmentInjector {
  const parent = ng.Injector.create({ providers: [] }) as import('@angular/core').EnvironmentInjector;
  return ng.createEnvironmentInjector(
    [{ provide: ng.ɵINJECTOR_SCOPE, useValue: 'root' }, ng.provideZonelessChangeDetection(), ...providers],
    parent,
  );
}

type Providers = Parameters<typeof appInjector>[1];

/** What a test file of test/angular shares: the bundle, a test server with `models`, injectors destroyed after each test. */
export interface AngularSuite {
  readonly ng: Bundle;
  readonly server: TestServer;
  /** An app injector with `providers`, destroyed after the test. */
  app(...providers: Providers): EnvironmentInjector;
  /** An app injector whose `provideOllama` points at the test server with `model`. */
  withModel(model: string, ...providers: Providers): EnvironmentInjector;
  /** The last request the server received (for `model`, if given). */
  lastRequest(model?: string): RecordedRequest;
}

export function angularSuite(models: Record<string, ModelScript>): AngularSuite {
  let ng: Bundle;
  let server: TestServer;
  const injectors: EnvironmentInjector[] = [];
  beforeAll(async () => {
    ng = await loadAngular();
    server = await startTestServer({ models });
  }, 60_000);
  afterAll(() => server?.close());
  afterEach(() => {
    for (const injector of injectors.splice(0)) if (!injector.destroyed) injector.destroy();
  });
  const app = (...providers: Providers) => {
    const injector = appInjector(ng, providers);
    injectors.push(injector);
    return injector;
  };
  return {
    get ng() {
      return ng;
    },
    get server() {
      return server;
    },
    app,
    withModel: (model, ...providers) => app(ng.provideOllama({ host: server.url, model }), ...providers),
    lastRequest: (model) => server.requests.filter((request) => model === undefined || request.body?.model === model).at(-1)!,
  };
}
