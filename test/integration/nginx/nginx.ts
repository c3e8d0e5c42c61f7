/**
 * A real nginx in front of test servers: the config users deploy (`ollama.conf`, next to this file)
 * with its ports replaced, run in the foreground as a child process with all its files in a
 * temporary directory. Used by `proxy.test.ts` (CommonJS under jest) and by `npm run bench` (ESM),
 * which is why each passes the config's path, found its own way.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Where Debian's package puts nginx; `NGINX` overrides it. */
export const NGINX_BINARY = process.env.NGINX ?? '/usr/sbin/nginx';
export const nginxInstalled = () => existsSync(NGINX_BINARY);

export interface Nginx {
  /** Base URL of the proxy, e.g. `http://127.0.0.1:40124`. */
  readonly url: string;
  close(): Promise<void>;
}

/** The config at `confPath`, listening on `port` and balancing over `upstreams` (base URLs). */
export function proxyConfig(confPath: string, port: number, upstreams: readonly string[]): string {
  const conf = readFileSync(confPath, 'utf8');
  const servers = upstreams.map((url) => `    server ${new URL(url).host};`).join('\n');
  const replaced = conf
    .replace(/^(\s*)listen [^;]+;/m, `$1listen 127.0.0.1:${port};`)
    .replace(/^(?:\s*server \d+\.\d+\.\d+\.\d+:\d+;\n)+/m, `${servers}\n`);
  if (!replaced.includes(servers) || !replaced.includes(`listen 127.0.0.1:${port};`)) {
    throw new Error(`${confPath} no longer has the listen and upstream server lines this helper replaces`);
  }
  return replaced;
}

function mainConfig(dir: string, confPath: string, port: number, upstreams: readonly string[]): string {
  const temp = (name: string) => `${name}_temp_path ${join(dir, name)};`;
  return [
    'daemon off;',
    'worker_processes 1;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} warn;`,
    // As root, workers would switch to `nobody`, who cannot enter the private temporary directory.
    ...(process.getuid?.() === 0 ? [`user ${userInfo().username};`] : []),
    'events { worker_connections 4096; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${temp(name)}`),
    proxyConfig(confPath, port, upstreams),
    '}',
    '',
  ].join('\n');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Starts nginx with the config at `confPath` balancing over `upstreams`; resolves once it accepts connections. */
export async function startNginx(confPath: string, upstreams: readonly string[]): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'ollama-rx-nginx-'));
  const port = await freePort();
  const confFile = join(dir, 'nginx.conf');
  writeFileSync(confFile, mainConfig(dir, confPath, port, upstreams));
  const child: ChildProcess = spawn(NGINX_BINARY, ['-p', dir, '-e', join(dir, 'error.log'), '-c', confFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (data: Buffer) => (stderr += data));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const errorLog = () => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };

  for (let attempt = 0; attempt < 250; attempt++) {
    if (child.exitCode !== null) break;
    if (await accepts(port)) return { url: `http://127.0.0.1:${port}`, close };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const why = `${stderr}${errorLog()}`.trim();
  await close();
  throw new Error(`nginx did not start on port ${port}: ${why || 'no output'}`);
}
