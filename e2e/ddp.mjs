// A small DDP client for the agent side of the browser test: Node's WebSocket, Rocket.Chat's stream conventions.

export class Ddp {
  constructor(url) {
    this.url = url;
    this.nextId = 0;
    this.pending = new Map();
    this.events = [];
    this.waiters = [];
  }

  async connect() {
    this.socket = new WebSocket(this.url);
    await new Promise((resolve, reject) => {
      this.socket.onopen = resolve;
      this.socket.onerror = () => reject(new Error(`cannot open ${this.url}`));
    });
    this.socket.onmessage = (e) => this.receive(JSON.parse(e.data));
    const connected = this.waitFor((m) => m.msg === 'connected' || m.msg === 'failed');
    this.send({ msg: 'connect', version: '1', support: ['1', 'pre2', 'pre1'] });
    const answer = await connected;
    if (answer.msg !== 'connected') throw new Error(`DDP connect failed: ${JSON.stringify(answer)}`);
    return answer.session;
  }

  send(message) {
    this.socket.send(JSON.stringify(message));
  }

  receive(message) {
    if (message.msg === 'ping') this.send({ msg: 'pong', ...(message.id ? { id: message.id } : {}) });
    if (message.msg === 'result' || message.msg === 'ready' || message.msg === 'nosub') {
      const id = message.msg === 'ready' ? message.subs[0] : message.id;
      this.pending.get(id)?.(message);
      this.pending.delete(id);
    }
    if (message.msg === 'changed') this.events.push(message);
    this.waiters = this.waiters.filter(({ match, resolve }) => {
      if (!match(message)) return true;
      resolve(message);
      return false;
    });
  }

  waitFor(match, timeoutMs = 15000, what = 'a DDP message') {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; received: ${this.events.map((e) => `${e.collection} ${e.fields.eventName} ${JSON.stringify(e.fields.args).slice(0, 160)}`).join(' | ')}`)), timeoutMs);
      this.waiters.push({ match, resolve: (m) => { clearTimeout(timer); resolve(m); } });
    });
  }

  /** The first stream event (already received or arriving) that matches; returns its args. */
  async event(stream, eventName, match = () => true, timeoutMs = 15000) {
    const test = (m) => m.msg === 'changed' && m.collection === stream && m.fields.eventName === eventName && match(m.fields.args);
    const earlier = this.events.find(test);
    if (earlier) return earlier.fields.args;
    const message = await this.waitFor(test, timeoutMs, `${stream} ${eventName}`);
    return message.fields.args;
  }

  call(method, ...params) {
    const id = `m${++this.nextId}`;
    const answer = new Promise((resolve) => this.pending.set(id, resolve));
    this.send({ msg: 'method', id, method, params });
    return answer.then((m) => {
      if (m.error) throw new Error(`${method}: ${JSON.stringify(m.error)}`);
      return m.result;
    });
  }

  subscribe(name, eventName, ...args) {
    const id = `s${++this.nextId}`;
    const answer = new Promise((resolve) => this.pending.set(id, resolve));
    this.send({ msg: 'sub', id, name, params: [eventName, { useCollection: false, args }] });
    return answer.then((m) => {
      if (m.msg !== 'ready') throw new Error(`sub ${name} ${eventName}: ${JSON.stringify(m.error)}`);
      return id;
    });
  }

  close() {
    this.socket?.close();
  }
}
