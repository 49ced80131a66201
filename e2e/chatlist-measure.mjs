// Measures the agent console's chat list with many open rooms (docs/console.md): an agent serving N open rooms
// (default 1 000) logs in in headless Chromium; the script prints the time from the Log in click to the rendered list,
// the number of row elements in the DOM, requestAnimationFrame deltas while the list scrolls from top to bottom, and
// how long a visitor's new message takes to bring its room to the top of the list.
// Usage: node --experimental-websocket chatlist-measure.mjs [rooms], after dotnet build (LIVECHAT_SERVER_DLL may point
// at a published build's Livechat.Server.dll).
import { startServer, restClient, launchChromium } from './server.mjs';
import { openBigList } from './chatlist.mjs';

const rooms = Number(process.argv[2] ?? 1000);
const server = await startServer('measure-admin-password');
const browser = await launchChromium(1280, 800);
try {
  const api = restClient(server.base);
  const seedStart = Date.now();
  const { page, loginToListMs, agent } = await openBigList(browser, server.base, api, 'measure-admin-password', rooms);
  console.log(`seeded ${rooms} rooms in ${((Date.now() - seedStart) / 1000).toFixed(1)} s (REST, including login)`);
  console.log(`login click to a rendered list of ${rooms}: ${loginToListMs} ms`);
  const scroll = await page.evaluate(async () => {
    const list = document.querySelector('section[aria-label="My chats"] .chatlist');
    const deltas = [];
    let last = performance.now();
    // Scrolls 400 px (about eight rows) a frame from top to bottom, as a fast wheel would; one delta per frame.
    const end = last + 60000;
    await new Promise((resolve) => {
      const step = (now) => {
        deltas.push(now - last);
        last = now;
        list.scrollTop += 400;
        if (now < end && list.scrollTop + list.clientHeight < list.scrollHeight - 1) requestAnimationFrame(step); else resolve();
      };
      requestAnimationFrame(step);
    });
    await new Promise((r) => setTimeout(r, 300));
    deltas.shift();
    deltas.sort((a, b) => a - b);
    const pick = (q) => deltas[Math.min(deltas.length - 1, Math.floor(q * deltas.length))];
    return {
      frames: deltas.length,
      meanMs: deltas.reduce((a, b) => a + b, 0) / deltas.length,
      p50Ms: pick(0.5), p95Ms: pick(0.95), p99Ms: pick(0.99), maxMs: deltas[deltas.length - 1],
      over50Ms: deltas.filter((d) => d > 50).length,
      rowsInDom: list.querySelectorAll('.row').length,
      lastVisible: list.innerText.split('\n').filter(Boolean).slice(-3),
    };
  });
  console.log(JSON.stringify(scroll, (k, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v)));
  // A visitor writes in the oldest room: the time until it is the list's first row with that message.
  const list = 'section[aria-label="My chats"] .chatlist';
  await page.$eval(list, (l) => { l.scrollTop = 0; });
  await new Promise((r) => setTimeout(r, 500));
  const [{ token, rid }] = agent.rooms;
  const sent = Date.now();
  await api('POST', 'livechat/message', { token, rid, msg: 'Measuring the live update' });
  await page.waitForFunction((sel) => document.querySelector(`${sel} .row .last`)?.textContent === 'Measuring the live update',
    { timeout: 30000, polling: 'mutation' }, list);
  console.log(`a new message to the top of My chats: ${Date.now() - sent} ms (REST send included)`);
} finally {
  await browser.close();
  server.stop();
}
