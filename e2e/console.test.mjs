// Browser end-to-end test of the agent workspace (src/Livechat.Console, Blazor WebAssembly served by this server at /)
// in Debian's Chromium against a fresh server: an agent takes a visitor's chat from the queue, answers, files the room
// in the edit form (with a conflicting save from a second session), closes it; a manager creates a tag and a custom
// field in the admin screens. The visitor uses the widget's REST API. Then: My chats with 120 open rooms keeps only the
// rows in view; the server crashes and comes back under an open console ("Reconnecting…", live again); a manager walks
// every manager page by keyboard and creates a tag with the keyboard alone; a permission taken from a manager's role
// reaches the open console at the next refusal. Screenshots go to e2e/artifacts/.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, restClient, launchChromium } from './server.mjs';
import { servedAgent, openBigList } from './chatlist.mjs';

const artifacts = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');
const adminPassword = 'e2e-admin-password';
const agentPassword = 'e2e-agent-password';

let server, browser, base, api;

const login = async (user, password) => (await api('POST', 'login', { user, password })).data;

/** Polls until check() returns a truthy value (the server's state after something the browser did). */
async function eventually(check, what, timeout = 15000) {
  const until = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    assert.ok(Date.now() < until, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await startServer(adminPassword);
  base = server.base;
  api = restClient(base);
  browser = await launchChromium(1280, 800);
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `console-${name}.png`) });
const editForm = 'form[aria-label="Edit room"]';
const aria = (name, role) => `::-p-aria([name="${name}"]${role ? `[role="${role}"]` : ''})`;

/** Picks the option with this text in a select (several for a multiple select), as a user would. */
const choose = (page, selector, ...texts) => page.$eval(selector, (select, wanted) => {
  for (const option of select.options) option.selected = wanted.includes(option.text);
  select.dispatchEvent(new Event('change', { bubbles: true }));
}, texts);

/** Clicks and types once the element is there (Blazor renders after its data arrives). */
const click = async (page, selector) => (await page.waitForSelector(selector, { visible: true })).click();
const type = async (page, selector, text) => (await page.waitForSelector(selector, { visible: true })).type(text);

/** Replaces an input's text (select all, type). */
async function fill(page, selector, text) {
  const input = await page.waitForSelector(selector);
  await input.click({ count: 3 });
  await page.keyboard.press('Backspace');
  if (text) await input.type(text);
}

/** A fresh browser session (its own localStorage) with the console open and logged in. */
async function openConsole(user, password, errors) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  // Chromium logs every 4xx answer ("Failed to load resource"); the conflict's 412 is expected, app errors are not.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
  await page.goto(base + '/');
  await page.waitForSelector(aria('Username or email'), { timeout: 30000 });
  await type(page, aria('Username or email'), user);
  await type(page, aria('Password'), password);
  await click(page, aria('Log in', 'button'));
  await page.waitForSelector(aria('Log out', 'button'));
  return page;
}

let page;
afterEach(async () => {
  if (page) await shot(page, '99-last-state').catch(() => {});
});

test('an agent carries a chat from the queue to close in the console; a manager adds a tag and a custom field', { timeout: 110000 }, async () => {
  const admin = await login('admin', adminPassword);
  await api('POST', 'settings/Livechat_Routing_Method', { value: 'Manual_Selection' }, admin);
  const username = `agent.${Date.now()}`;
  const { user: agentUser } = await api('POST', 'users.create', {
    username, email: `${username}@example.com`, name: 'Alice Agent', password: agentPassword, roles: ['user'], verified: true,
  }, admin);
  await api('POST', 'livechat/users/agent', { username }, admin);
  await api('POST', 'livechat/tags.save', { tagData: { name: 'vip', description: 'Important customer' }, tagDepartments: [] }, admin);
  await api('POST', 'livechat/custom-fields.save', {
    customFieldId: null,
    customFieldData: { field: 'orderNumber', label: 'Order number', scope: 'room', visibility: 'visible', type: 'input', regexp: '^[0-9]+$', required: false },
  }, admin);

  // The agent logs in, and the session survives a reload (resume token).
  const errors = [];
  page = await openConsole(username, agentPassword, errors);
  await page.reload();
  await page.waitForSelector(aria('Log out', 'button'), { timeout: 30000 });
  await shot(page, '01-logged-in');

  // Available: a new agent starts available; the switch shows it, turns it off and on again.
  const agent = await login(username, agentPassword);
  const status = async () => (await api('GET', `users.info?userId=${agentUser._id}`, undefined, agent)).user.statusLivechat;
  const available = await page.waitForSelector(aria('Available', 'switch'));
  assert.equal(await available.evaluate((s) => s.checked), true);
  await available.click();
  await eventually(async () => await status() === 'not-available', 'the agent to be unavailable');
  await available.click();
  await eventually(async () => await status() === 'available', 'the agent to be available');

  // A visitor starts a chat through the widget's REST API; it appears live in the Queue.
  const token = `visitor-${Date.now()}`;
  await api('POST', 'livechat/visitor', { visitor: { token, name: 'Vera Visitor', email: 'vera@example.com' } });
  const { room } = await api('GET', `livechat/room?token=${token}`);
  const rid = room._id;
  await api('POST', 'livechat/message', { token, rid, msg: 'Hello, where is my order?' });
  const queue = await page.waitForSelector(aria('Queue', 'region'));
  await queue.waitForSelector('::-p-text(Vera Visitor)', { timeout: 15000 });
  await shot(page, '02-queue');
  await (await queue.waitForSelector(aria('Take', 'button'))).click();

  // The chat opens with the visitor's message; the agent answers; the visitor receives it.
  await page.waitForSelector('::-p-text(Hello, where is my order?)', { timeout: 15000 });
  const myChats = await page.waitForSelector(aria('My chats', 'region'));
  await myChats.waitForSelector('::-p-text(Vera Visitor)');
  await type(page, aria('Message', 'textbox'), 'Hi Vera, let me check.');
  await page.keyboard.press('Enter');
  await eventually(async () => (await api('GET', `livechat/messages.history/${rid}?token=${token}`)).messages
    .some((m) => m.msg === 'Hi Vera, let me check.'), 'the visitor to receive the answer');
  // The visitor's reply arrives live (stream-room-messages), well before the 15 s fallback refresh.
  await api('POST', 'livechat/message', { token, rid, msg: 'Thanks, it is order 77.' });
  await page.waitForSelector('::-p-text(Thanks, it is order 77.)', { timeout: 5000 });
  await shot(page, '03-chat');

  // The edit form: topic, tags, priority and a custom field; rooms.info shows them, History lists them.
  const { priorities } = await api('GET', 'livechat/priorities', undefined, agent);
  const priority = priorities.find((p) => p.sortItem === 1) ?? priorities[0];
  const priorityName = priority.name || priority.i18n;
  await click(page, aria('Edit', 'button'));
  await page.waitForSelector(editForm);
  await fill(page, `${editForm} ${aria('Topic')}`, 'Late order');
  await fill(page, `${editForm} ${aria('Tags')}`, 'vip');
  await page.keyboard.press('Enter');
  await page.waitForSelector(aria('Remove tag vip', 'button'));
  await choose(page, '#edit-priority', priorityName);
  await fill(page, `${editForm} ${aria('Order number')}`, '77');
  await shot(page, '04-edit-form');
  await click(page, aria('Save', 'button'));
  await page.waitForSelector(aria('Edit', 'button'));
  const saved = (await api('GET', `rooms.info?roomId=${rid}`, undefined, agent)).room;
  assert.equal(saved.topic, 'Late order');
  assert.deepEqual(saved.tags, ['vip']);
  assert.equal(saved.priorityId, priority._id);
  assert.equal(saved.livechatData.orderNumber, '77');
  await click(page, aria('History', 'tab'));
  await page.waitForSelector('::-p-text(Late order)');
  const history = await page.$eval('ol.history', (list) => list.innerText);
  assert.match(history, /Topic: — → Late order/);
  assert.match(history, /Tags: — → vip/);
  assert.match(history, new RegExp(`Priority: — → ${priorityName}`));
  assert.match(history, /Order number: — → 77/);
  await shot(page, '05-history');
  await click(page, aria('Room info', 'tab'));

  // A second session saves meanwhile: the first gets the conflict alert, reloads keeping its typing, and saves.
  await click(page, aria('Edit', 'button'));
  await page.waitForSelector(editForm);
  await fill(page, `${editForm} ${aria('Topic')}`, 'Late order 77');
  await api('POST', 'livechat/room.saveInfo', { guestData: { _id: room.v._id }, roomData: { _id: rid, topic: 'Changed elsewhere' } }, admin);
  await click(page, aria('Save', 'button'));
  const alert = await page.waitForSelector('[role="alert"] ::-p-text(changed)');
  assert.ok(alert);
  await shot(page, '06-conflict');
  await click(page, aria('Reload', 'button'));
  assert.equal(await page.$eval('#edit-topic', (i) => i.value), 'Late order 77');
  await eventually(async () => !(await page.$('[role="alert"]')), 'the alert to go after Reload');
  await click(page, aria('Save', 'button'));
  await page.waitForSelector(aria('Edit', 'button'));
  assert.equal((await api('GET', `rooms.info?roomId=${rid}`, undefined, agent)).room.topic, 'Late order 77');
  await page.waitForSelector('::-p-text(Late order 77)');
  // Another session's save shows in the open panel live (stream-livechat-room), before the fallback refresh.
  await api('POST', 'livechat/room.saveInfo', { guestData: { _id: room.v._id }, roomData: { _id: rid, topic: 'Order 77 shipped' } }, admin);
  // (Blazor updates the text node in place, which puppeteer's ::-p-text cache does not notice: read the panel's text.)
  await eventually(async () => (await page.$eval('aside.panel', (p) => p.innerText)).includes('Order 77 shipped'),
    'the panel to show the other save', 5000);

  // A manager creates a tag and a custom field in the admin screens; both appear in the agent's edit form.
  const manager = await openConsole('admin', adminPassword, errors);
  await click(manager, aria('Tags', 'link'));
  await fill(manager, `aside[aria-label="Tag form"] ${aria('Name')}`, 'returns');
  await click(manager, aria('Save', 'button'));
  await manager.waitForSelector('td ::-p-text(returns)');
  await click(manager, aria('Custom fields', 'link'));
  await fill(manager, `aside[aria-label="Custom field form"] ${aria('Field')}`, 'deliveryNote');
  await fill(manager, `aside[aria-label="Custom field form"] ${aria('Label')}`, 'Delivery note');
  await click(manager, aria('Save', 'button'));
  await manager.waitForSelector('td ::-p-text(Delivery note)');
  await shot(manager, '07-manager-custom-fields');
  await manager.close();
  await click(page, aria('Edit', 'button'));
  await page.waitForSelector(`${editForm} ${aria('Delivery note')}`);
  assert.ok(await page.$eval('#edit-tags-options', (list) => [...list.options].some((o) => o.value === 'returns')));
  // Keyboard alone: the open form holds the focus (its first field); Escape cancels and the focus returns to Edit.
  await page.waitForFunction(() => document.activeElement?.id === 'edit-name');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.activeElement?.textContent === 'Edit');

  // Close with a comment.
  await click(page, aria('Close chat', 'button'));
  await type(page, aria('Comment', 'textbox'), 'Order found, shipped today.');
  await click(page, aria('Confirm', 'button'));
  const closed = await eventually(async () => {
    const r = (await api('GET', `rooms.info?roomId=${rid}`, undefined, agent)).room;
    return r.open === undefined && r.closedAt ? r : null;
  }, 'the room to close');
  assert.equal(closed.closer, 'user');
  await page.waitForSelector('::-p-text(Chat closed)', { timeout: 10000 });
  await shot(page, '08-closed');
  assert.deepEqual(errors, []);
});

test('My chats keeps only the rows in view in the DOM with 120 open rooms, and scrolling reaches the oldest', { timeout: 90000 }, async () => {
  // 120: more than one page of the server's answers (100), and several times the rows the sidebar shows.
  let agent;
  ({ page, agent } = await openBigList(browser, base, api, adminPassword, 120));
  const list = 'section[aria-label="My chats"] .chatlist';
  const rows = () => page.$$eval(`${list} .row`, (r) => r.length);
  const atTop = await rows();
  assert.ok(atTop > 0 && atTop < 60, `${atTop} row elements for 120 rooms`);
  // Virtualize renders the rows as they scroll into view: the oldest room, created first, is at the very end.
  await eventually(() => page.$eval(list, (l) => {
    l.scrollTop = l.scrollHeight;
    return l.innerText.includes('Big 0000');
  }), 'the oldest room at the end of the list');
  const atEnd = await rows();
  assert.ok(atEnd < 60, `${atEnd} row elements at the end of the list`);
  await shot(page, '09-many-chats');
  // A new message moves the oldest room to the top, live (rooms-changed updates the list in place).
  const [{ token, rid }] = agent.rooms;
  await api('POST', 'livechat/message', { token, rid, msg: 'Anyone there?' });
  await page.$eval(list, (l) => { l.scrollTop = 0; });
  await page.waitForFunction((sel) => document.querySelector(`${sel} .row .last`)?.textContent === 'Anyone there?', { timeout: 10000 }, list);
});

test('while the server is down the console says Reconnecting…, and it is live again once the server is back', { timeout: 90000 }, async () => {
  const agent = await servedAgent(api, adminPassword, 1);
  const [{ token, rid, name }] = agent.rooms;
  const errors = [];
  page = await openConsole(agent.username, agent.password, errors);
  await page.locator(`section[aria-label="My chats"] ::-p-text(${name})`).click();
  await page.waitForSelector(`.messages ::-p-text(Message from ${name})`);
  assert.equal(await page.$eval('.banner', (b) => b.hidden), true);

  // The process dies: the websocket drops at once; the banner shows while the console tries again.
  await server.kill();
  await page.waitForSelector('.banner:not([hidden])', { timeout: 10000 });
  assert.match(await page.$eval('.banner', (b) => b.textContent), /^Reconnecting…/);
  await shot(page, '10-reconnecting');
  await server.launch();
  // Back: the connection reopens (login resumed, subscriptions renewed), the banner goes, and messages arrive live.
  await page.waitForSelector('.banner[hidden]', { timeout: 30000 });
  await api('POST', 'livechat/message', { token, rid, msg: 'Are you still there?' });
  await page.waitForSelector('.messages ::-p-text(Are you still there?)', { timeout: 10000 });
  // Chromium reports the refused reconnection attempts; anything else would be the console's own error.
  assert.deepEqual(errors.filter((e) => !e.startsWith('WebSocket connection to')), []);
});

/** Presses Tab until check(...args) holds in the page; fails after `max` presses. */
async function tabTo(page, what, check, ...args) {
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(check, ...args)) return;
  }
  assert.fail(`Tab never reached ${what}`);
}

const focusedLink = (name) => document.activeElement?.matches('nav.admin a') && document.activeElement.textContent === name;
const focusedButton = (name) => document.activeElement?.tagName === 'BUTTON' && document.activeElement.textContent.trim() === name;

/**
 * Tabs from the focused element through the rest of the page, until the focus leaves the document or comes back to
 * an element it met. Every stop must have an accessible name and a visible focus outline. Returns the stops' names.
 */
async function tabWalk(page, where) {
  await page.evaluate(() => { window.walk = { seen: new WeakSet([document.activeElement]), last: document.activeElement }; });
  const names = [];
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluateHandle(() => document.activeElement);
    const stop = await focused.evaluate((e) => {
      // A date input takes one Tab per part (month, day, year): the same element again at once is not the end.
      const same = e === window.walk.last;
      const done = e === document.body || (window.walk.seen.has(e) && !same);
      window.walk.seen.add(e);
      window.walk.last = e;
      // The header and the sidebar stay while the pages change: their controls are checked on the first walk only.
      window.checkedByWalks ??= new WeakMap();
      const style = getComputedStyle(e);
      return {
        done, same, name: window.checkedByWalks.get(e), html: e.outerHTML.slice(0, 120),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
      };
    });
    if (stop.done) return names;
    if (stop.same) continue;
    const name = stop.name ?? (await page.accessibility.snapshot({ root: focused, interestingOnly: false }))?.name?.trim();
    assert.ok(name, `${where}: no accessible name for ${stop.html}`);
    assert.ok(stop.outline, `${where}: no visible focus on ${stop.html}`);
    await focused.evaluate((e, n) => { if (e.closest('.header, .sidebar')) window.checkedByWalks.set(e, n); }, name);
    names.push(name);
  }
  assert.fail(`${where}: the Tab walk did not end`);
}

/** From anywhere, Tab to a manager page's nav link and open it with Enter; resolves once its data has loaded. */
async function openByKeyboard(page, link) {
  await tabTo(page, `the ${link} link`, focusedLink, link);
  await page.keyboard.press('Enter');
  await page.waitForFunction((name) => document.querySelector('nav.admin a.active')?.textContent === name, {}, link);
  await page.waitForNetworkIdle({ idleTime: 300 });
}

test('a manager walks every manager page by keyboard alone, filters and pages the rooms, and creates a tag', { timeout: 110000 }, async () => {
  const errors = [];
  const admin = await login('admin', adminPassword);
  await servedAgent(api, adminPassword, 1); // a room to filter for: "Big 0000"
  page = await openConsole('admin', adminPassword, errors);
  // Every control of every manager page: reachable with Tab, named, with a visible focus ring.
  const pages = { Rooms: 'Filter', Agents: 'Add', Departments: 'Save', Tags: 'Save', Priorities: 'Reset all names', SLAs: 'Save', 'Custom fields': 'Save', Settings: 'Save' };
  for (const [link, button] of Object.entries(pages)) {
    await openByKeyboard(page, link);
    const names = await tabWalk(page, link);
    assert.ok(names.includes(button), `${link}: the walk met ${JSON.stringify(names)}`);
  }

  // Rooms: a filter typed and sent with Enter; the next page with the keyboard.
  await openByKeyboard(page, 'Rooms');
  const { total } = await api('GET', 'livechat/rooms?count=1', undefined, admin);
  if (total > 25) {
    await tabTo(page, 'Next', focusedButton, 'Next');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.pager')?.innerText.includes('26–'));
  }
  await tabTo(page, 'the Visitor filter', () => document.activeElement?.closest('label')?.textContent.startsWith('Visitor'));
  await page.keyboard.type('Big 0000');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => {
    const visitors = [...document.querySelectorAll('.admin-page tbody tr td:first-child')].map((td) => td.textContent);
    return visitors.length > 0 && visitors.every((v) => v === 'Big 0000');
  });

  // Tags: a new tag typed and saved without the mouse.
  await openByKeyboard(page, 'Tags');
  await tabTo(page, 'the tag name', () => document.activeElement?.id === 'tag-name');
  await page.keyboard.type('keyboard');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Made without a mouse');
  await tabTo(page, 'Save', focusedButton, 'Save');
  await page.keyboard.press('Enter');
  await page.waitForSelector('td ::-p-text(Made without a mouse)');
  const { tags } = await api('GET', 'livechat/tags?text=keyboard&viewAll=true', undefined, admin);
  assert.deepEqual(tags.map((t) => [t.name, t.description]), [['keyboard', 'Made without a mouse']]);
  // Choosing it in the table puts the focus in the form, on its name.
  await tabTo(page, 'the keyboard tag', () => document.activeElement?.closest('td') && document.activeElement.textContent === 'keyboard');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'tag-name' && document.activeElement.value === 'keyboard');
  assert.deepEqual(errors, []);
});

test('a permission taken from a manager role leaves their open console at the next refusal, without a new login', { timeout: 60000 }, async () => {
  const admin = await login('admin', adminPassword);
  const username = `manager.${Date.now()}`;
  await api('POST', 'users.create', {
    username, email: `${username}@example.com`, name: 'Mona Manager', password: agentPassword, roles: ['user', 'livechat-manager'], verified: true,
  }, admin);
  const errors = [];
  page = await openConsole(username, agentPassword, errors);
  await click(page, aria('Tags', 'link'));
  await page.waitForSelector('aside[aria-label="Tag form"]');
  const { update } = await api('GET', 'permissions.listAll', undefined, admin);
  const roles = update.find((p) => p._id === 'manage-livechat-tags').roles;
  await api('POST', 'permissions.update', { permissions: [{ _id: 'manage-livechat-tags', roles: roles.filter((r) => r !== 'livechat-manager') }] }, admin);
  try {
    await fill(page, `aside[aria-label="Tag form"] ${aria('Name')}`, 'not-allowed-any-more');
    await click(page, aria('Save', 'button'));
    // The server's refusal shows in the form; the console re-reads the permissions and the Tags link goes.
    await page.waitForSelector('aside[aria-label="Tag form"] ::-p-text(error-unauthorized)');
    await page.waitForFunction(() => ![...document.querySelectorAll('nav.admin a')].some((a) => a.textContent === 'Tags'), { timeout: 10000 });
    assert.ok(await page.$(aria('Rooms', 'link')), 'the pages still allowed stay');
    await shot(page, '11-permission-gone');
  } finally {
    await api('POST', 'permissions.update', { permissions: [{ _id: 'manage-livechat-tags', roles }] }, admin);
  }
  assert.deepEqual(errors, []);
});
