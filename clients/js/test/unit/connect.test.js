// connect() against a real ShareDB server over real WebSockets (in this process, on a free 127.0.0.1 port).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import ShareDB from 'sharedb';
import WebSocket, { WebSocketServer } from 'ws';
import WebSocketJSONStream from '@teamwork/websocket-json-stream';
import otText from 'ot-text-unicode';
import richText from 'rich-text';
import { connect, WrongDocumentTypeError } from '../../src/connect.js';

async function startServer() {
  ShareDB.types.register(otText.type);
  ShareDB.types.register(richText.type);
  const backend = new ShareDB({ presence: true });
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  const sockets = new Set();
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    backend.listen(new WebSocketJSONStream(ws));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${server.address().port}`,
    dropAll: () => { for (const ws of sockets) ws.terminate(); },
    stop: () => new Promise((resolve) => { for (const ws of sockets) ws.terminate(); server.close(resolve); }),
  };
}

function waitForState(client, state, timeoutMs = 5000) {
  if (client.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`state ${state} not reached, still ${client.state}`)), timeoutMs);
    const off = client.on((event) => {
      if (event.type === 'state' && event.state === state) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

const fastBackoff = { initialDelayMs: 50, maxDelayMs: 200 };

test('A dropped connection is reported as reconnecting, comes back, and unacknowledged ops reach the server', async (t) => {
  const server = await startServer();
  const a = connect(server.url, { WebSocket, backoff: fastBackoff });
  const b = connect(server.url, { WebSocket, backoff: fastBackoff });
  t.after(async () => { a.close(); b.close(); await server.stop(); });

  const states = [];
  a.on((event) => event.type === 'state' && states.push(event.state));
  await waitForState(a, 'connected');
  const docA = await a.openDocument('docs', 'reconnect');
  const docB = await b.openDocument('docs', 'reconnect');

  server.dropAll();
  await waitForState(a, 'reconnecting');
  docA.submitOp(['typed while away 😀']); // held by the client until it is back
  await waitForState(a, 'connected');
  await new Promise((resolve) => docA.whenNothingPending(resolve));

  await new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`b has ${JSON.stringify(docB.data)}`)), 5000);
    const check = () => {
      if (docB.data === 'typed while away 😀') { clearTimeout(deadline); resolve(); } else setTimeout(check, 20);
    };
    check();
  });
  // 'reconnecting' repeats once per attempt (with its attempt number and delay); the sequence of distinct states is:
  const distinct = states.filter((state, i) => state !== states[i - 1]);
  assert.deepEqual(distinct.slice(0, 3), ['connected', 'reconnecting', 'connected']);
});

test('A second client opening the same new document at the same time loads the first one', async (t) => {
  const server = await startServer();
  const a = connect(server.url, { WebSocket });
  const b = connect(server.url, { WebSocket });
  t.after(async () => { a.close(); b.close(); await server.stop(); });
  const [docA, docB] = await Promise.all([a.openDocument('docs', 'race'), b.openDocument('docs', 'race')]);
  assert.equal(docA.type.uri, 'http://sharejs.org/types/text-unicode');
  assert.equal(docB.type.uri, 'http://sharejs.org/types/text-unicode');
});

test("A rich-text document is created as Quill's empty document, and a second client loads it", async (t) => {
  const server = await startServer();
  const a = connect(server.url, { WebSocket });
  const b = connect(server.url, { WebSocket });
  t.after(async () => { a.close(); b.close(); await server.stop(); });
  const [docA, docB] = await Promise.all([
    a.openDocument('docs', 'rich', { type: 'rich-text' }),
    b.openDocument('docs', 'rich', { type: 'rich-text' }),
  ]);
  assert.equal(docA.type.uri, 'http://sharejs.org/types/rich-text/v1');
  assert.deepEqual(docB.data.ops, [{ insert: '\n' }]);
});

test('Opening a document as another type than it has is refused with WrongDocumentTypeError', async (t) => {
  const server = await startServer();
  const a = connect(server.url, { WebSocket });
  const b = connect(server.url, { WebSocket });
  t.after(async () => { a.close(); b.close(); await server.stop(); });
  await a.openDocument('docs', 'plain');
  await assert.rejects(b.openDocument('docs', 'plain', { type: 'rich-text' }), (error) => {
    assert.ok(error instanceof WrongDocumentTypeError);
    assert.equal(error.actualType, 'http://sharejs.org/types/text-unicode');
    return true;
  });
  await assert.rejects(b.openDocument('docs', 'plain', { type: 'json0' }), /not one of text-unicode, rich-text/);
});

test('A closed connection reports closed and does not reconnect', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const a = connect(server.url, { WebSocket, backoff: fastBackoff });
  await waitForState(a, 'connected');
  a.close();
  assert.equal(a.state, 'closed');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(a.state, 'closed');
  assert.equal(a.socket.socket, null);
});

test('A server that stops answering is given up by the heartbeat and reconnected to', async (t) => {
  const server = await startServer();
  const a = connect(server.url, { WebSocket, backoff: fastBackoff, heartbeat: { intervalMs: 100, timeoutMs: 100 } });
  t.after(async () => { a.close(); await server.stop(); });
  await waitForState(a, 'connected');
  // Swallow everything the server sends from now on, as a half-open TCP connection would.
  const socket = a.socket.socket;
  socket.onmessage = () => {};
  await waitForState(a, 'reconnecting', 3000);
  await waitForState(a, 'connected', 3000);
  assert.notEqual(a.socket.socket, socket);
});
