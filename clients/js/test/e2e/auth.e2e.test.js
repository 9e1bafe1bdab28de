// The demo editor against a host with authentication on, in Debian Chromium: the access token comes in the link's
// fragment (/d/name#token=…), goes on the WebSocket upgrade, and leaves the address bar.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDocument, eventually, launchBrowser, listedRows, mintToken, openNodeConnection, serverSnapshot, startServers, submitOp, uniqueName,
} from './harness.js';
import { TEXT_UNICODE_URI } from '../../src/text-unicode-type.js';

let servers;
let browser;

before(async () => {
  servers = await startServers({ auth: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await servers?.stop();
});

async function openPage(url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (message) => console.log(`[page ${message.type()}] ${message.text()}`));
  await page.goto(url);
  return { context, page };
}

test('with the token in the fragment the demo connects, edits reach the server, and the token leaves the address bar', async () => {
  const docName = uniqueName('auth');
  const token = mintToken('alice', { write: ['docs/*'] });
  const { context, page } = await openPage(`${servers.pageUrl(docName, 'Alice')}#token=${encodeURIComponent(token)}`);
  try {
    await page.waitForFunction(() => window.collabDemo?.view && window.collabDemo.client.state === 'connected');
    assert.ok(!page.url().includes('token'), `the token is still in the address bar: ${page.url()}`);

    await page.evaluate(() => {
      const { view } = window.collabDemo;
      view.dispatch({ changes: { from: view.state.doc.length, insert: 'signed in' } });
    });
    const authorised = `${servers.wsUrl}?token=${encodeURIComponent(token)}`;
    await eventually(
      async () => (await serverSnapshot(authorised, docName)).data === 'signed in',
      () => 'the edit did not reach the server',
    );
  } finally {
    await context.close();
  }
});

test('without a token the demo never gets in and creates nothing', async () => {
  const docName = uniqueName('anonymous');
  const { context, page } = await openPage(servers.pageUrl(docName, 'Mallory'));
  try {
    // The upgrade gets 401; the client keeps retrying with backoff and never reaches 'connected'.
    await page.waitForTimeout(3000);
    const state = await page.evaluate(() => window.collabDemo?.client.state ?? 'no editor');
    assert.notEqual(state, 'connected');
    const reader = mintToken('reader', { read: ['docs/*'] });
    const snapshot = await serverSnapshot(`${servers.wsUrl}?token=${encodeURIComponent(reader)}`, docName);
    assert.equal(snapshot.type, null, 'a document was created without a token');
  } finally {
    await context.close();
  }
});

test('the front page lists only the documents its token may read, live, and its links take the token to the editor', async () => {
  const admin = openNodeConnection(`${servers.wsUrl}?token=${encodeURIComponent(mintToken('admin', { write: ['docs/*'] }))}`);
  const team = uniqueName('team');
  const secret = uniqueName('secret');
  const token = mintToken('alice', { write: ['docs/team-*'] });
  const { context, page } = await openPage(`${servers.homeUrl}?name=Alice#token=${encodeURIComponent(token)}`);
  try {
    const teamDoc = await createDocument(admin, team, 'for the team', TEXT_UNICODE_URI);
    await createDocument(admin, secret, 'not for alice', TEXT_UNICODE_URI);
    await page.waitForFunction(() => document.querySelector('.recent')?.dataset.state === 'live');
    assert.ok(!page.url().includes('token'), `the token is still in the address bar: ${page.url()}`);

    await submitOp(teamDoc, [12, ' only']);
    const rows = await eventually(async () => {
      const listed = await listedRows(page);
      return listed[0]?.id === team && listed[0].version === 2 && listed[0].modified !== '' ? listed : null;
    }, async () => `the team document at version 2 on top; the list shows ${JSON.stringify(await listedRows(page))}`);
    assert.ok(!rows.some((row) => row.id === secret), 'a document the token may not read is listed');
    assert.equal(rows[0].href, `/d/${team}?name=Alice#token=${encodeURIComponent(token)}`);

    await page.getByRole('link', { name: team }).click();
    await page.waitForFunction(() => window.collabDemo?.view && window.collabDemo.client.state === 'connected');
    assert.equal(new URL(page.url()).pathname, `/d/${team}`);
    assert.ok(!page.url().includes('token'), `the token is still in the address bar: ${page.url()}`);
    assert.equal(await page.evaluate(() => window.collabDemo.view.state.doc.toString()), 'for the team only');

    await page.getByRole('link', { name: 'CollabSuite' }).click();
    await page.waitForFunction(() => document.querySelector('.recent')?.dataset.state === 'live'
      && document.querySelector('.recent tbody tr') !== null);
    assert.ok(!page.url().includes('token'), `the token is still in the address bar: ${page.url()}`);
  } finally {
    admin.close();
    await context.close();
  }
});
