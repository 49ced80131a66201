// Agents serving open rooms, for the console's browser test and chatlist-measure.mjs: a department whose only agent
// is a new one, Auto_Selection, and `rooms` visitors of that department who each open a room and write one message
// (the first, "Big 0000", before all others, so it is the oldest and sits at the bottom of My chats).
import assert from 'node:assert/strict';

const agentPassword = 'served-agent-password';

/** A new agent serving `rooms` open rooms: { username, password, id, rooms: [{ token, rid, name }] }. */
export async function servedAgent(api, adminPassword, rooms) {
  const admin = (await api('POST', 'login', { user: 'admin', password: adminPassword })).data;
  await api('POST', 'settings/Livechat_Routing_Method', { value: 'Auto_Selection' }, admin);
  const username = `served.${Date.now()}`;
  const { user } = await api('POST', 'users.create', {
    username, email: `${username}@example.com`, name: 'Busy Agent', password: agentPassword, roles: ['user'], verified: true,
  }, admin);
  await api('POST', 'livechat/users/agent', { username }, admin);
  // Routing takes online agents only; a REST login sets the agent online (as users.setStatus does).
  await api('POST', 'login', { user: username, password: agentPassword });
  const { department } = await api('POST', 'livechat/department', {
    department: { enabled: true, name: `Dept ${username}`, email: 'dept@example.com', showOnRegistration: false, showOnOfflineForm: false },
    agents: [{ agentId: user._id, count: 0, order: 1 }],
  }, admin);
  const open = async (i) => {
    const token = `visitor-${username}-${i}`;
    const name = `Big ${String(i).padStart(4, '0')}`;
    await api('POST', 'livechat/visitor', { visitor: { token, name, department: department._id } });
    const { room } = await api('GET', `livechat/room?token=${token}`);
    assert.equal(room.servedBy?._id, user._id);
    await api('POST', 'livechat/message', { token, rid: room._id, msg: `Message from ${name}` });
    return { token, rid: room._id, name };
  };
  const opened = [await open(0)];
  for (let next = 1; next < rooms;) {
    const batch = [];
    for (let k = 0; k < 8 && next < rooms; k++) batch.push(open(next++));
    opened.push(...await Promise.all(batch));
  }
  return { username, password: agentPassword, id: user._id, rooms: opened };
}

/**
 * A served agent with `rooms` open rooms logs in to the console in a fresh browser session; resolves once My chats
 * counts them all and shows its first row, with the time from the Log in click to then.
 */
export async function openBigList(browser, base, api, adminPassword, rooms) {
  const agent = await servedAgent(api, adminPassword, rooms);
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
  await page.goto(base + '/');
  await page.locator('::-p-aria([name="Username or email"])').fill(agent.username);
  await page.locator('::-p-aria([name="Password"])').fill(agent.password);
  const clicked = Date.now();
  await page.locator('::-p-aria([name="Log in"][role="button"])').click();
  await page.waitForFunction((n) => {
    const list = document.querySelector('section[aria-label="My chats"]');
    return list?.querySelector('h2')?.textContent === `My chats (${n})` && list.querySelector('.row .name') !== null;
  }, { timeout: 60000 }, rooms);
  const loginToListMs = Date.now() - clicked;
  assert.deepEqual(errors, []);
  return { page, errors, agent, loginToListMs };
}
