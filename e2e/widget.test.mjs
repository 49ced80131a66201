// Browser end-to-end test: the unmodified Rocket.Chat website widget (@rocket.chat/livechat 1.13.3, served by this
// server at /livechat) embedded in a web page of another origin with Rocket.Chat's standard snippet, against a fresh
// server; an agent on the other side over REST and DDP. Screenshots go to e2e/artifacts/.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { Ddp } from './ddp.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const artifacts = path.join(here, 'artifacts');
const serverDll = process.env.LIVECHAT_SERVER_DLL ?? path.join(repo, 'src/Livechat.Server/bin/Debug/net10.0/Livechat.Server.dll');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const adminPassword = 'e2e-admin-password';
const agentPassword = 'e2e-agent-password';

let server, site, browser, dataDir, base;
const serverLog = [];

const freePort = () => new Promise((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});

async function api(method, route, body, auth) {
  const response = await fetch(`${base}/api/v1/${route}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(auth ? { 'X-User-Id': auth.userId, 'X-Auth-Token': auth.authToken } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  assert.equal(response.status, 200, `${method} ${route}: ${JSON.stringify(json)}`);
  return json;
}

async function login(user, password) {
  return (await api('POST', 'login', { user, password })).data;
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  if (!existsSync(serverDll)) {
    const build = spawnSync('dotnet', ['build', path.join(repo, 'src/Livechat.Server'), '-v', 'q'], { stdio: 'inherit' });
    assert.equal(build.status, 0, 'dotnet build failed');
  }
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'livechat-e2e-'));
  const port = await freePort();
  base = `http://localhost:${port}`;
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
  server.stdout.on('data', (d) => serverLog.push(String(d)));
  server.stderr.on('data', (d) => serverLog.push(String(d)));
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/info`)).ok) break;
    } catch { /* not listening yet */ }
    assert.ok(i < 120, `server did not start: ${serverLog.join('')}`);
    await new Promise((r) => setTimeout(r, 500));
  }

  // The website: another origin, with Rocket.Chat's standard embed snippet pointing at this server.
  const page = `<!DOCTYPE html><html><head><title>Acme Shoes</title></head>
<body style="font-family: sans-serif; background: #f4f4f4"><h1>Acme Shoes</h1><p>Questions about your order? Chat with us.</p>
<script type="text/javascript">
(function(w, d, s, u) {
  w.RocketChat = function(c) { w.RocketChat._.push(c) }; w.RocketChat._ = []; w.RocketChat.url = u;
  var h = d.getElementsByTagName(s)[0], j = d.createElement(s);
  j.async = true; j.src = '${base}/livechat/rocketchat-livechat.min.js?_=201903270000';
  h.parentNode.insertBefore(j, h);
})(window, document, 'script', '${base}/livechat');
</script></body></html>`;
  const sitePort = await freePort();
  site = http.createServer((_, res) => { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end(page); }).listen(sitePort, '127.0.0.1');
  site.url = `http://127.0.0.1:${sitePort}/`;

  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1100,800'],
    defaultViewport: { width: 1100, height: 800 },
  });
});

after(async () => {
  await browser?.close();
  site?.close();
  server?.kill();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `${name}.png`) });

/** The widget's iframe document, once its app has rendered. */
async function widgetFrame(page) {
  const handle = await page.waitForSelector('#rocketchat-iframe');
  const frame = await handle.contentFrame();
  await frame.waitForSelector('#app [class*="screen"]');
  return frame;
}

/**
 * Clicks the element holding the text once it has stopped moving: the widget's modal slides in, and a click aimed
 * at where its button was a moment ago lands on nothing (seen on a loaded machine).
 */
const clickText = async (frame, selector, text) => {
  const element = await frame.waitForSelector(`${selector} ::-p-text(${text})`, { visible: true });
  let previous;
  for (let i = 0; i < 100; i++) {
    const box = JSON.stringify(await element.boundingBox());
    if (box === previous) break;
    previous = box;
    await new Promise((r) => setTimeout(r, 100));
  }
  await element.click();
};

let page;
afterEach(async () => {
  // What the browser showed last (the state a failing step left).
  if (page) await shot(page, '99-last-state').catch(() => {});
});

test('the widget opens from this server, chats live with an agent, shows room changes and closes', { timeout: 110000 }, async () => {
  const admin = await login('admin', adminPassword);
  const username = `agent.${Date.now()}`;
  const created = await api('POST', 'users.create', {
    username, email: `${username}@example.com`, name: 'Alice Agent', password: agentPassword, roles: ['user'], verified: true,
  }, admin);
  await api('POST', 'livechat/users/agent', { username }, admin);
  const agent = await login(username, agentPassword);
  const uid = created.user._id;

  // The agent's live view: DDP login with the REST token, then the agent's own streams.
  const ddp = new Ddp(`${base.replace('http', 'ws')}/websocket`);
  await ddp.connect();
  const loggedIn = await ddp.call('login', { resume: agent.authToken });
  assert.equal(loggedIn.id, uid);
  await ddp.subscribe('stream-notify-user', `${uid}/rooms-changed`);
  await ddp.subscribe('stream-room-messages', '__my_messages__');

  page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(site.url);
  let frame = await widgetFrame(page);
  await shot(page, '01-page-with-widget');

  // Open the widget and register.
  await (await frame.waitForSelector('[class*="screen__chat-button"]')).click();
  await frame.waitForSelector('input[name="name"]');
  await shot(page, '02-registration-form');
  await frame.type('input[name="name"]', 'Vera Visitor');
  await frame.type('input[name="email"]', 'vera@example.com');
  await clickText(frame, 'button', 'Start chat');

  // The visitor's first message opens the room, which Auto_Selection gives to the only available agent.
  const composer = await frame.waitForSelector('[contenteditable="true"]');
  await composer.type('Hello, where is my order #1234?');
  await composer.press('Enter');
  const inserted = await ddp.event('stream-notify-user', `${uid}/rooms-changed`,
    ([action, r]) => action === 'inserted' && r.servedBy?._id === uid);
  const room = inserted[1];
  const rid = room._id;
  const [visitorMessage] = await ddp.event('stream-room-messages', '__my_messages__',
    ([m]) => m.rid === rid && m.msg === 'Hello, where is my order #1234?');
  assert.equal(typeof visitorMessage.ts.$date, 'number', 'message dates travel as EJSON {$date}');
  assert.equal(visitorMessage.u.username, room.v.username);
  await ddp.subscribe('stream-room-messages', rid);
  await shot(page, '03-visitor-sent');

  // The agent answers over REST; the widget renders it live.
  await api('POST', 'chat.sendMessage', { message: { rid, msg: 'Hi Vera, it ships tomorrow.' } }, agent);
  await frame.waitForSelector('::-p-text(Hi Vera, it ships tomorrow.)', { timeout: 15000 });
  await shot(page, '04-agent-answer-in-widget');

  // The agent files the room: topic, tags and priority; the change reaches the agent's stream.
  const { priorities } = await api('GET', 'livechat/priorities', undefined, agent);
  const priority = priorities.find((p) => p.sortItem === 1) ?? priorities[0];
  await api('POST', 'livechat/room.saveInfo', {
    guestData: { _id: room.v._id },
    roomData: { _id: rid, topic: 'Late order', tags: ['orders', 'vip'], priorityId: priority._id },
  }, agent);
  const [, updated] = await ddp.event('stream-notify-user', `${uid}/rooms-changed`,
    ([action, r]) => action === 'updated' && r._id === rid && r.topic === 'Late order');
  assert.deepEqual(updated.tags, ['orders', 'vip']);
  assert.equal(updated.priorityId, priority._id);
  const [history] = await ddp.event('stream-room-messages', rid, ([m]) => m.t === 'omnichannel_priority_change_history');
  assert.equal(history.rid, rid);
  await new Promise((r) => setTimeout(r, 500));
  await shot(page, '05-after-room-info-saved');

  // The visitor finishes the chat from the widget's menu (the confirmation is the widget's modal).
  await (await frame.waitForSelector('button[class*="footer__options"]')).click();
  await clickText(frame, '[class*="menu__item"]', 'Finish this chat');
  await frame.waitForSelector('[class*="modal"] ::-p-text(Are you sure)');
  await shot(page, '06-finish-confirmation');
  const closeRequest = page.waitForResponse((r) => r.url().endsWith('/api/v1/livechat/room.close'));
  await clickText(frame, '[class*="modal"] button', 'Yes');
  assert.equal((await closeRequest).status(), 200);
  const [closing] = await ddp.event('stream-room-messages', rid, ([m]) => m.t === 'livechat-close');
  assert.equal(closing.rid, rid);
  await ddp.event('stream-notify-user', `${uid}/rooms-changed`, ([action, r]) => r._id === rid && r.open === undefined && r.closedAt);
  frame = await widgetFrame(page);
  await frame.waitForSelector('::-p-text(Thanks for talking with us)', { timeout: 15000 });
  await shot(page, '07-chat-finished');

  const closed = await api('GET', `rooms.info?roomId=${rid}`, undefined, agent);
  assert.equal(closed.room.open, undefined);
  assert.equal(closed.room.closer, 'visitor');
  assert.deepEqual(pageErrors, []);
  ddp.close();
});
