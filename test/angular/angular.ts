// Angular ships ESM only and jest runs CommonJS here: the entry is bundled with esbuild (Angular's
// packages with it, as an app's build would) and required once per test file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

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

export async function loadAngular(): Promise<Bundle> {
  const { outputFiles } = await build({
    stdin: {
      // Angular's packages are partially compiled: an app's build links them; here JIT does it at load.
      contents: `
        import '@angular/compiler';
        export * from './src/angular/index.ts';
        export { createEnvironmentInjector, provideZonelessChangeDetection, Injector, ApplicationRef, EnvironmentInjector, runInInjectionContext, signal, ɵINJECTOR_SCOPE } from '@angular/core';
        export { provideHttpClient, withFetch, withInterceptors, HttpClient } from '@angular/common/http';
        export { OllamaClient, OllamaError } from './src/index.ts';
        export { scriptedFetch } from './src/testing/scripted/fetch.ts';`,
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'es2022',
    logLevel: 'silent',
  });
  const dir = mkdtempSync(join(tmpdir(), 'ollama-rx-angular-'));
  try {
    writeFileSync(join(dir, 'angular.cjs'), outputFiles[0]!.text);
    return require(join(dir, 'angular.cjs')) as Bundle;
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
