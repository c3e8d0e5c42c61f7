/**
 * `npm run bench`: every figure of the performance targets, each measured side by side against the
 * test server running in its own process, printed as one Markdown table. Exits 1 if a target is
 * missed. `--only=throughput,abort,first-token,fanout,bundle,replay,partial-json,browser` runs some sections; `BENCH_DEBUG=1`
 * prints every round's times; `BENCH_FANOUT_SECONDS` sets the fan-out streams' length (10 s).
 */
import { fileURLToPath } from 'node:url';
import { NGINX_BINARY, type Nginx, nginxInstalled, startNginx } from '../test/integration/nginx/nginx.js';
import { measureAbort } from './abort.js';
import { measureBrowser } from './browser.js';
import { measureBundle } from './bundle.js';
import { startBenchServer } from './child.js';
import { measureFanOut } from './fanout.js';
import { measureFirstToken } from './firstToken.js';
import { measurePartialJsonScale } from './partialJsonScale.js';
import { type Row, machine, table } from './table.js';
import { measureReplay } from './replay.js';
import { measureThroughput } from './throughput.js';

const only = process.argv
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wanted = (section: string) => !only || only.includes(section);

const server = await startBenchServer();
let nginx: Nginx | undefined;
if (nginxInstalled()) {
  nginx = await startNginx(fileURLToPath(new URL('../test/integration/nginx/ollama.conf', import.meta.url)), server.urls);
} else {
  console.warn(`nginx not found at ${NGINX_BINARY}: the rows through a reverse proxy are left out`);
}

const rows: Row[] = [];
const sections: Array<[string, () => Promise<Row[]>]> = [
  ['throughput', () => measureThroughput(server.urls[0]!, nginx?.url)],
  ['abort', () => measureAbort(server, nginx?.url)],
  ['first-token', () => measureFirstToken(server.urls[0]!)],
  ['fanout', () => measureFanOut(server.urls[0]!)],
  ['bundle', () => measureBundle()],
  ['replay', () => measureReplay()],
  ['partial-json', () => measurePartialJsonScale()],
  ['browser', () => measureBrowser(server.urls[0]!)],
];
const started = performance.now();
try {
  for (const [name, measure] of sections) {
    if (!wanted(name)) continue;
    const sectionStarted = performance.now();
    rows.push(...(await measure()));
    console.error(`${name}: ${((performance.now() - sectionStarted) / 1000).toFixed(1)} s`);
  }
} finally {
  await nginx?.close();
  await server.close();
}

console.log(`\n${machine()}; test server in a separate process; ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
console.log(table(rows));
const missed = rows.filter((row) => row.pass === false);
console.log(missed.length ? `\n${missed.length} target(s) missed` : '\nevery target met');
process.exitCode = missed.length ? 1 : 0;
