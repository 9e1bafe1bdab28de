// The demo over https from a CollabHost that serves TLS itself (a certificate made for this run), in Debian Chromium:
// the page arrives over HTTP/2, the editor's WebSocket goes over that HTTP/2 connection (RFC 8441 extended CONNECT),
// and two people editing converge with the server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, httpsText, launchBrowser, openPerson, serverSnapshot, startServers, uniqueName } from './harness.js';

let servers;
let browser;

before(async () => {
  servers = await startServers({ tls: true });
  console.log(`e2e against ${servers.server} (${servers.wsUrl})`);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await servers?.stop();
});

/** The host's count of accepted WebSockets by the HTTP version they came over (collab_websockets_accepted_total). */
async function acceptedWebSockets(host = servers) {
  const text = await httpsText(host.metricsUrl, host.ca);
  const count = (protocol) => {
    const line = text.split('\n').find((l) => l.startsWith(`collab_websockets_accepted_total{protocol="${protocol}"} `));
    assert.ok(line, `no collab_websockets_accepted_total for ${protocol} in /metrics`);
    return Number(line.split(' ').at(-1));
  };
  return { http1: count('HTTP/1.1'), http2: count('HTTP/2') };
}

/**
 * A person with the CodeMirror demo open over https. The certificate is the run's own, so the browser is told to
 * accept it (as a person would click through a self-signed certificate's warning); it is not otherwise trusted.
 * The protocol of the page itself and of its WebSocket handshake are read from the browser's own network events.
 */
async function openEditorOverHttps(docName, userName, host = servers) {
  const person = await openPerson(browser, host.pageUrl(docName, userName), userName,
    () => window.collabDemo?.view && window.collabDemo.client.state === 'connected', { ignoreHTTPSErrors: true });
  person.pageProtocol = await person.page.evaluate(() => performance.getEntriesByType('navigation')[0].nextHopProtocol);
  return person;
}

const editorText = (editor) => editor.page.evaluate(() => window.collabDemo.view.state.doc.toString());

async function type(editor, at, text) {
  await editor.page.evaluate(({ at, text }) => {
    const { view } = window.collabDemo;
    view.focus();
    view.dispatch({ selection: { anchor: at } });
  }, { at, text });
  await editor.page.keyboard.type(text);
}

test('Over https the demo page and its WebSocket use HTTP/2, and two people editing converge with the server', async () => {
  const before = await acceptedWebSockets();
  const docName = uniqueName('h2');
  const ada = await openEditorOverHttps(docName, 'Ada');
  const bob = await openEditorOverHttps(docName, 'Bob');
  try {
    assert.equal(ada.pageProtocol, 'h2', 'the demo page did not come over HTTP/2');
    assert.equal(bob.pageProtocol, 'h2', 'the demo page did not come over HTTP/2');
    const opened = await acceptedWebSockets();
    assert.deepEqual(
      { http1: opened.http1 - before.http1, http2: opened.http2 - before.http2 },
      { http1: 0, http2: 2 },
      'the two editors\' WebSockets were not accepted over HTTP/2');

    await type(ada, 0, 'Ada over h2. ');
    await eventually(async () => (await editorText(bob)) === 'Ada over h2. ', async () => editorText(bob));
    await Promise.all([type(ada, 0, 'first '), type(bob, 'Ada over h2. '.length, 'Bob too.')]);
    await eventually(
      async () => {
        const [a, b] = await Promise.all([editorText(ada), editorText(bob)]);
        return a === b && a.includes('first ') && a.includes('Bob too.') ? a : null;
      },
      async () => `Ada has ${JSON.stringify(await editorText(ada))}, Bob has ${JSON.stringify(await editorText(bob))}`,
    );
    const text = await editorText(ada);
    assert.equal(text, 'first Ada over h2. Bob too.');
    const snapshot = await eventually(
      async () => {
        const s = await serverSnapshot(servers.wsUrl, docName, { ca: servers.ca });
        return s.data === text ? s : null;
      },
      async () => `server has ${JSON.stringify((await serverSnapshot(servers.wsUrl, docName, { ca: servers.ca })).data)}`,
    );
    assert.equal(snapshot.type, 'http://sharejs.org/types/text-unicode');
    assert.deepEqual(ada.errors, []);
    assert.deepEqual(bob.errors, []);
  } finally {
    await ada.context.close();
    await bob.context.close();
  }
});

test('With HTTP/2 turned off on the endpoint, the page and its WebSocket fall back to HTTP/1.1 over https', async () => {
  const http1Only = await startServers({ tls: true, protocols: 'Http1' });
  let ada;
  try {
    const docName = uniqueName('h1');
    ada = await openEditorOverHttps(docName, 'Ada', http1Only);
    assert.equal(ada.pageProtocol, 'http/1.1');
    assert.deepEqual(await acceptedWebSockets(http1Only), { http1: 1, http2: 0 });
    await type(ada, 0, 'Ada over h1.');
    await eventually(
      async () => (await serverSnapshot(http1Only.wsUrl, docName, { ca: http1Only.ca })).data === 'Ada over h1.',
      async () => `server has ${JSON.stringify((await serverSnapshot(http1Only.wsUrl, docName, { ca: http1Only.ca })).data)}`,
    );
  } finally {
    await ada?.context.close();
    await http1Only.stop();
  }
});
