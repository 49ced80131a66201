// What both browser tests need: a fresh Livechat server on a free port (built first when missing), the REST helper,
// and Debian's Chromium. The server runs in a temporary folder (its own SQLite file) with a known admin password.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverDll = process.env.LIVECHAT_SERVER_DLL ?? path.join(repo, 'src/Livechat.Server/bin/Debug/net10.0/Livechat.Server.dll');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const freePort = () => new Promise((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});

/** Starts the server; resolves once /api/info answers. `stop()` ends it and removes its folder; `kill()` and `launch()` crash and restart it. */
export async function startServer(adminPassword) {
  if (!existsSync(serverDll)) {
    const build = spawnSync('dotnet', ['build', path.join(repo, 'src/Livechat.Server'), '-v', 'q'], { stdio: 'inherit' });
    assert.equal(build.status, 0, 'dotnet build failed');
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'livechat-e2e-'));
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const log = [];
  let server;
  const launch = async () => {
    server = spawn('dotnet', [serverDll], {
      cwd: dataDir,
      env: {
        ...process.env,
        PORT: String(port),
        ADMIN_USERNAME: 'admin',
        ADMIN_PASS: adminPassword,
        ADMIN_EMAIL: 'admin@example.com',
        Settings__API_Enable_Rate_Limiter: 'false',
        Logging__LogLevel__Default: 'Warning',
      },
    });
    server.stdout.on('data', (d) => log.push(String(d)));
    server.stderr.on('data', (d) => log.push(String(d)));
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/api/info`)).ok) break;
      } catch { /* not listening yet */ }
      assert.ok(i < 120, `server did not start: ${log.join('')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  await launch();
  return {
    base,
    log,
    /** Kills the process as a crash would (every connection drops at once, no graceful close); `launch()` starts it again. */
    async kill() {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGKILL');
      await exited;
    },
    /** Starts the process again on the same port and database; resolves once /api/info answers. */
    launch,
    stop() {
      server.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `api(method, route, body, auth)` against base's /api/v1, asserting a 200. */
export const restClient = (base) => async (method, route, body, auth) => {
  const response = await fetch(`${base}/api/v1/${route}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(auth ? { 'X-User-Id': auth.userId, 'X-Auth-Token': auth.authToken } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  assert.equal(response.status, 200, `${method} ${route}: ${JSON.stringify(json)}`);
  return json;
};

export const launchChromium = (width, height) => puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', `--window-size=${width},${height}`],
  defaultViewport: { width, height },
});
