// Starts what the end-to-end tests drive: CollabHost (serving the demo, and by default its /ws; COLLAB_E2E_SERVER=sharedb
// points the pages at the stock ShareDB peer instead), Debian's Chromium through playwright-core, and a Node ShareDB
// client to read the server's snapshot. Everything binds 127.0.0.1 on free ports and is stopped by the tests.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import ShareDB from 'sharedb/lib/client/index.js';
import WebSocket from 'ws';
import { registerRichTextType } from '../../src/rich-text-type.js';
import { registerTextUnicodeType } from '../../src/text-unicode-type.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../../..');
export const ARTIFACTS = path.resolve(here, '../../test-artifacts/e2e');
mkdirSync(ARTIFACTS, { recursive: true });
const HOST_DLL = process.env.COLLABHOST_DLL ?? findHostDll();
const STOCK_SERVER = path.join(repo, 'bench/peers/sharedb-server/server.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STARTUP_TIMEOUT_MS = 60_000;
// Which WebSocket server the pages talk to: CollabHost's own /ws (the default), or the stock ShareDB peer.
const SERVER_KINDS = ['collabhost', 'sharedb'];
const SERVER_KIND = process.env.COLLAB_E2E_SERVER || 'collabhost';
if (!SERVER_KINDS.includes(SERVER_KIND)) {
  throw new Error(`COLLAB_E2E_SERVER=${SERVER_KIND}: expected one of ${SERVER_KINDS.join(', ')}`);
}

/** CollabHost.dll as ./test.sh builds it (Release), whatever the target framework folder is called. */
function findHostDll() {
  const bin = path.join(repo, 'src/CollabHost/bin/Release');
  const frameworks = existsSync(bin) ? readdirSync(bin).filter((f) => existsSync(path.join(bin, f, 'CollabHost.dll'))) : [];
  return path.join(bin, frameworks.sort().at(-1) ?? 'net10.0', 'CollabHost.dll');
}

export async function freePort() {
  return (await freePorts(1))[0];
}

/** `count` distinct free ports: each listener stays open until all are taken, so no two are the same. */
function freePorts(count) {
  const servers = Array.from({ length: count }, () => net.createServer());
  return Promise.all(servers.map((server) => new Promise((resolve, reject) => {
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  }))).finally(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(() => resolve())))));
}

/** Runs a child process until stop(); its output is kept for the failure message. */
function startProcess(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  // Server logs are test artefacts too: test-artifacts/e2e/<name>.log.
  const log = createWriteStream(path.join(ARTIFACTS, `${options.logName ?? path.basename(args[0] ?? command)}.log`));
  const keep = (chunk) => {
    output += chunk;
    log.write(chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** GET over https trusting exactly `ca` (the test's own certificate): the status code. */
function httpsStatus(url, ca) {
  return new Promise((resolve, reject) => {
    https.get(url, { ca }, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).on('error', reject);
  });
}

/** GET over https trusting exactly `ca`: the body as text. */
export function httpsText(url, ca) {
  return new Promise((resolve, reject) => {
    https.get(url, { ca }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

async function waitForHttp(url, proc, ca) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    // A process killed by a signal (an unhandled .NET exception aborts) has a signalCode and no exitCode.
    const { exitCode, signalCode } = proc.child;
    if (exitCode !== null || signalCode !== null) throw new Error(`server exited with ${exitCode ?? signalCode}:\n${proc.output()}`);
    try {
      const ok = ca ? (await httpsStatus(url, ca)) === 200 : (await fetch(url)).ok;
      if (ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${STARTUP_TIMEOUT_MS} ms:\n${proc.output()}`);
}

/** The secret of the hosts started with `auth: true` (a test secret, 32+ bytes as the host demands). */
const AUTH_SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e!';

/** An access token from the host's own `token` command, signed with the test secret. */
export function mintToken(subject, { write = [], read = [] } = {}) {
  const args = [HOST_DLL, 'token', '--sub', subject, '--secret', AUTH_SECRET];
  for (const pattern of write) args.push('--write', pattern);
  for (const pattern of read) args.push('--read', pattern);
  const result = spawnSync('dotnet', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`token command failed: ${result.stderr}`);
  return result.stdout.trim();
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with openssl for this run: PEM files, as Kestrel takes
 * them (Kestrel:Certificates:Default:Path and KeyPath), and the certificate's text for clients that trust just it.
 */
export async function makeCertificate() {
  const dir = await tempDir('tls');
  const certPath = path.join(dir, 'collab.crt');
  const keyPath = path.join(dir, 'collab.key');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-addext', 'extendedKeyUsage=serverAuth', '-keyout', keyPath, '-out', certPath], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl could not make the test certificate: ${made.stderr}`);
  return { certPath, keyPath, pem: readFileSync(certPath, 'utf8') };
}

/**
 * CollabHost on a free port, and the WebSocket URL the pages use (CollabHost's /ws or the stock peer's).
 * `auth: true` turns authentication on (tokens from mintToken); the stock peer is not used then.
 * `tls: true` makes CollabHost serve https itself (HTTP/1.1 and HTTP/2) with a certificate made for the run; the
 * pages are then https and their WebSocket wss, and `ca` is the certificate to trust. `protocols` is Kestrel's
 * EndpointDefaults:Protocols for it. `hostArgs` are more of CollabHost's settings (`--Collab:Queries:Enabled=false`).
 */
export async function startServers({ auth = false, tls = false, protocols = 'Http1AndHttp2', hostArgs = [] } = {}) {
  if (!existsSync(HOST_DLL)) {
    throw new Error(`${HOST_DLL} not found: build it first (dotnet build src/CollabHost -c Release)`);
  }
  const authArgs = auth ? ['--Collab:Auth:Enabled=true', `--Collab:Auth:Secret=${AUTH_SECRET}`] : [];
  const certificate = tls ? await makeCertificate() : null;
  const tlsArgs = certificate
    ? [`--Kestrel:Certificates:Default:Path=${certificate.certPath}`, `--Kestrel:Certificates:Default:KeyPath=${certificate.keyPath}`,
      `--Kestrel:EndpointDefaults:Protocols=${protocols}`]
    : [];
  const scheme = tls ? 'https' : 'http';
  const { host, hostPort, origin } = await startHost(scheme, [...authArgs, ...tlsArgs, ...hostArgs], tls ? 'collabhost-tls' : 'collabhost', certificate?.pem);
  const processes = [host];
  try {
    let wsUrl = `${tls ? 'wss' : 'ws'}://127.0.0.1:${hostPort}/ws`;
    const useStockPeer = SERVER_KIND === 'sharedb' && !auth && !tls;
    if (useStockPeer) {
      const stock = startProcess(process.execPath, [STOCK_SERVER, String(await freePort())], { logName: 'sharedb-peer' });
      processes.push(stock);
      const port = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`stock server did not start:\n${stock.output()}`)), STARTUP_TIMEOUT_MS);
        stock.child.stdout.on('data', () => {
          const found = stock.output().match(/listening on (\d+)/);
          if (found) { clearTimeout(timer); resolve(Number(found[1])); }
        });
      });
      wsUrl = `ws://127.0.0.1:${port}`;
    }
    return {
      wsUrl,
      server: useStockPeer ? 'stock ShareDB peer' : 'CollabHost /ws',
      // kind 'd' is the CodeMirror page (text-unicode), 'r' the Quill page (rich-text).
      pageUrl: (docName, userName, kind = 'd') => {
        const params = new URLSearchParams({ name: userName });
        if (useStockPeer) params.set('server', wsUrl);
        return `${origin}/${kind}/${encodeURIComponent(docName)}?${params}`;
      },
      // CollabHost's REST API; it answers for CollabHost's documents only (not the stock peer's).
      apiUrl: useStockPeer ? null : `${origin}/api`,
      homeUrl: `${origin}/`,
      metricsUrl: `${origin}/metrics`,
      ca: certificate?.pem ?? null,
      stop: async () => { for (const p of processes.reverse()) await p.stop(); },
    };
  } catch (error) {
    for (const p of processes) await p.stop();
    throw error;
  }
}

/**
 * CollabHost on two free ports of its own, HTTP and Akka remoting, once it answers /healthz. A free port is free only
 * until someone binds it; another process can take it first, and the host then exits with "address already in use".
 * That start is tried again on new ports (three times at most); any other failure is the test's.
 */
async function startHost(scheme, args, logName, ca) {
  for (let attempt = 1; ; attempt++) {
    const [hostPort, remotingPort] = await freePorts(2);
    const origin = `${scheme}://127.0.0.1:${hostPort}`;
    const host = startProcess('dotnet', [HOST_DLL, '--urls', origin, `--Collab:Cluster:Port=${remotingPort}`, ...args], {
      cwd: await tempDir('host'),
      logName,
      env: { ...process.env, ASPNETCORE_ENVIRONMENT: 'Production' },
    });
    try {
      await waitForHttp(`${origin}/healthz`, host, ca);
      return { host, hostPort, origin };
    } catch (error) {
      await host.stop();
      if (attempt === 3 || !/address already in use/i.test(host.output())) throw error;
    }
  }
}

async function tempDir(name) {
  const dir = path.join(ARTIFACTS, '..', 'tmp', `${name}-${process.pid}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Debian's Chromium; Playwright gives each launch a fresh temporary user-data dir. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * The document as the server has it, read with a Node ShareDB client (a rich-text document's data as its ops);
 * `ca` is the certificate to trust for a wss URL.
 */
export async function serverSnapshot(wsUrl, docName, { ca } = {}) {
  registerTextUnicodeType();
  registerRichTextType();
  const socket = new WebSocket(wsUrl, ca ? { ca } : {});
  const connection = new ShareDB.Connection(socket);
  try {
    const doc = connection.get('docs', docName);
    await new Promise((resolve, reject) => doc.fetch((error) => (error ? reject(error) : resolve())));
    const data = Array.isArray(doc.data?.ops) ? doc.data.ops : doc.data;
    return { version: doc.version, type: doc.type?.uri ?? null, data };
  } finally {
    connection.close();
  }
}

/**
 * A Node ShareDB client connection that stays open (close it with `.close()`): another person creating and editing
 * documents while a page watches. `ca` as for serverSnapshot.
 */
export function openNodeConnection(wsUrl, { ca } = {}) {
  registerTextUnicodeType();
  registerRichTextType();
  return new ShareDB.Connection(new WebSocket(wsUrl, ca ? { ca } : {}));
}

/** The demo front page's rows as the page shows them. */
export const listedRows = (page) => page.$$eval('.recent tbody tr', (rows) => rows.map((row) => ({
  id: row.dataset.id,
  type: row.querySelector('.doc-type').textContent,
  version: Number(row.querySelector('.doc-version').textContent),
  modified: row.querySelector('.doc-modified').textContent,
  modifiedAt: row.querySelector('.doc-modified time')?.getAttribute('datetime') ?? null,
  href: row.querySelector('a')?.getAttribute('href') ?? null,
})));

/** Creates docs/`id` on a connection from openNodeConnection; resolves with the ShareDB Doc. */
export function createDocument(connection, id, data, type) {
  const doc = connection.get('docs', id);
  return new Promise((resolve, reject) => doc.create(data, type, (error) => (error ? reject(error) : resolve(doc))));
}

/** Submits an op and resolves once the server has acknowledged it. */
export function submitOp(doc, op) {
  return new Promise((resolve, reject) => doc.submitOp(op, (error) => (error ? reject(error) : resolve())));
}

/** Polls `probe` until it returns a truthy value; fails after `timeoutMs` with `describe()` in the message. */
export async function eventually(probe, describe, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A document name no other test uses. */
export const uniqueName = (label) => `${label}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;

/**
 * A person: their own browser context (own storage, own network switch) with a demo page open at `url`, once
 * `isReady` (evaluated in the page) holds. The page's console goes to the test output: the story of a failure
 * (states, errors) is there; uncaught page errors are collected in `errors`.
 */
export async function openPerson(browser, url, userName, isReady, contextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 640 }, ...contextOptions });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  page.on('console', (message) => console.log(`[${userName} ${message.type()}] ${message.text()}`));
  await page.goto(url);
  await page.waitForFunction(isReady);
  return { context, page, errors, name: userName };
}
