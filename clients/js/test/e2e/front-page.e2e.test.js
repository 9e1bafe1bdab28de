// The demo's front page in Debian Chromium against CollabHost: the recent documents of the demo's collection, newest
// first, following what another client (the sharedb client in Node) creates and edits, links that open the right
// editor, and a host with queries turned off.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ARTIFACTS, createDocument, eventually, launchBrowser, listedRows, openNodeConnection, openPerson, startServers, submitOp, uniqueName,
} from './harness.js';
import { RICH_TEXT_URI } from '../../src/rich-text-type.js';
import { TEXT_UNICODE_URI } from '../../src/text-unicode-type.js';

/** How soon a change made elsewhere must show in the list. */
const LIVE_WITHIN_MS = 5000;

let servers;
let browser;

before(async () => {
  servers = await startServers();
  console.log(`e2e against ${servers.server} (${servers.wsUrl})`);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await servers?.stop();
});

/** Waits until the rows satisfy `holds`; how long that took is returned. */
async function rowsWhere(page, holds, what, timeoutMs = LIVE_WITHIN_MS) {
  const start = Date.now();
  await eventually(async () => holds(await listedRows(page)), async () => `${what}; the list shows ${JSON.stringify(await listedRows(page))}`, timeoutMs);
  return Date.now() - start;
}

test('The front page lists recent documents newest first and follows what another client creates and edits', async (t) => {
  if (!servers.apiUrl) return t.skip('the stock ShareDB peer serves no subscribe queries');
  const writer = openNodeConnection(servers.wsUrl);
  const older = uniqueName('older');
  const rich = uniqueName('rich');
  const fresh = uniqueName('fresh');
  const olderDoc = await createDocument(writer, older, 'first draft', TEXT_UNICODE_URI);
  // Modified times are in milliseconds and equal ones list in creation order: keep the two apart.
  await new Promise((resolve) => setTimeout(resolve, 20));
  await createDocument(writer, rich, [{ insert: 'rich words\n' }], RICH_TEXT_URI);

  const ada = await openPerson(browser, `${servers.homeUrl}?name=Ada`, 'Ada',
    () => document.querySelector('.recent')?.dataset.state === 'live');
  try {
    await rowsWhere(ada.page, (rows) => rows[0]?.id === rich && rows[1]?.id === older && rows[1].modified !== '',
      'the two documents, the later one first, with their modified times');
    const [richRow, olderRow] = await listedRows(ada.page);
    const shown = ({ id, type, version, href }) => ({ id, type, version, href });
    assert.deepEqual(shown(richRow), { id: rich, type: 'rich text', version: 1, href: `/r/${rich}?name=Ada` });
    assert.deepEqual(shown(olderRow), { id: older, type: 'text', version: 1, href: `/d/${older}?name=Ada` });
    assert.match(olderRow.modified, /^(just now|\d+ s ago)$/);

    await createDocument(writer, fresh, '', TEXT_UNICODE_URI);
    const created = await rowsWhere(ada.page, (rows) => rows[0]?.id === fresh && rows[0].version === 1,
      'the new document at the top');
    await submitOp(olderDoc, [11, ' and more']);
    const edited = await rowsWhere(ada.page,
      (rows) => rows[0]?.id === older && rows[0].version === 2 && rows[0].modified === 'just now' && rows[1]?.id === fresh,
      'the edited document moved to the top with its new version');
    console.log(`the list showed the new document ${created} ms after its create was acknowledged, the edit ${edited} ms after its ack`);
    await ada.page.screenshot({ path: path.join(ARTIFACTS, 'front-page.png') });

    await ada.page.getByRole('link', { name: rich }).click();
    await ada.page.waitForURL(new RegExp(`/r/${rich}`));
    await ada.page.waitForFunction(() => window.collabDemo?.quill && window.collabDemo.client.state === 'connected');
    assert.equal(await ada.page.evaluate(() => window.collabDemo.quill.getText()), 'rich words\n');

    await ada.page.getByRole('link', { name: 'CollabSuite' }).click();
    await ada.page.waitForFunction(() => document.querySelector('.recent')?.dataset.state === 'live');
    await ada.page.getByRole('link', { name: older }).click();
    await ada.page.waitForURL(new RegExp(`/d/${older}`));
    await ada.page.waitForFunction(() => window.collabDemo?.view && window.collabDemo.client.state === 'connected');
    assert.equal(await ada.page.evaluate(() => window.collabDemo.view.state.doc.toString()), 'first draft and more');
    assert.deepEqual(ada.errors, []);
  } finally {
    writer.close();
    await ada.context.close();
  }
});

test('The front page creates a document by name and type, and it shows in another front page', async (t) => {
  if (!servers.apiUrl) return t.skip('the stock ShareDB peer serves no subscribe queries');
  const name = uniqueName('named');
  const isLive = () => document.querySelector('.recent')?.dataset.state === 'live';
  const ada = await openPerson(browser, `${servers.homeUrl}?name=Ada`, 'Ada', isLive);
  const bob = await openPerson(browser, `${servers.homeUrl}?name=Bob`, 'Bob', isLive);
  try {
    await ada.page.getByRole('textbox', { name: 'Document name' }).fill(name);
    await ada.page.getByRole('combobox', { name: 'Document type' }).selectOption('r');
    await ada.page.getByRole('button', { name: 'Open' }).click();
    await ada.page.waitForURL(new RegExp(`/r/${name}`));
    await ada.page.waitForFunction(() => window.collabDemo?.quill && window.collabDemo.client.state === 'connected');
    await rowsWhere(bob.page, (rows) => rows[0]?.id === name && rows[0].type === 'rich text', 'the document Ada created, at the top');
    assert.deepEqual([...ada.errors, ...bob.errors], []);
  } finally {
    await ada.context.close();
    await bob.context.close();
  }
});

test('A front page that was offline catches up with what was created and edited meanwhile', async (t) => {
  if (!servers.apiUrl) return t.skip('the stock ShareDB peer serves no subscribe queries');
  const writer = openNodeConnection(servers.wsUrl);
  const kept = uniqueName('kept');
  const missed = uniqueName('missed');
  const keptDoc = await createDocument(writer, kept, 'before', TEXT_UNICODE_URI);
  const isLive = () => document.querySelector('.recent')?.dataset.state === 'live';
  const ada = await openPerson(browser, `${servers.homeUrl}?name=Ada`, 'Ada', isLive);
  try {
    await rowsWhere(ada.page, (rows) => rows[0]?.id === kept, 'the document at the top');
    await ada.context.setOffline(true);
    await ada.page.waitForFunction(() => window.collabFront.client.state === 'offline');
    await createDocument(writer, missed, '', TEXT_UNICODE_URI);
    await submitOp(keptDoc, [6, ' and after']);
    await ada.page.waitForTimeout(500);
    assert.ok(!(await listedRows(ada.page)).some((row) => row.id === missed), 'the list changed while offline');

    await ada.context.setOffline(false);
    await rowsWhere(ada.page, (rows) => rows[0]?.id === kept && rows[0].version === 2 && rows[1]?.id === missed,
      'the edited document on top at version 2, then the one created while offline', 15_000);
    assert.deepEqual(ada.errors, []);
  } finally {
    writer.close();
    await ada.context.close();
  }
});

test('A host at its limit of subscribe queries is polled: the list still follows creates and edits, every few seconds', async (t) => {
  if (!servers.apiUrl) return t.skip('CollabHost setting');
  // No live query may be held: every qs is refused with ERR_TOO_MANY_QUERY_SUBSCRIPTIONS, fetch queries are served.
  const full = await startServers({ hostArgs: ['--Collab:Queries:MaxSubscriptions=0'] });
  const writer = openNodeConnection(full.wsUrl);
  const first = uniqueName('polled');
  const second = uniqueName('polled');
  const firstDoc = await createDocument(writer, first, 'one', TEXT_UNICODE_URI);
  const ada = await openPerson(browser, `${full.homeUrl}?name=Ada`, 'Ada',
    () => document.querySelector('.recent')?.dataset.state === 'polling');
  try {
    await rowsWhere(ada.page, (rows) => rows[0]?.id === first && rows[0].modified !== '', 'the document with its time');
    const created = (await listedRows(ada.page))[0].modifiedAt;
    await createDocument(writer, second, '', TEXT_UNICODE_URI);
    // The page polls every 5 s.
    await rowsWhere(ada.page, (rows) => rows[0]?.id === second, 'the new document at the top', 12_000);
    await submitOp(firstDoc, [3, ' two']);
    // Its time is the edit's, seconds ago (a poll may come up to 5 s after it), not the create's.
    await rowsWhere(ada.page, (rows) => rows[0]?.id === first && rows[0].version === 2 && rows[1]?.id === second
      && /^(just now|\d s ago)$/.test(rows[0].modified) && rows[0].modifiedAt > created,
      'the edited document at the top with its new version and time', 12_000);
    await ada.page.screenshot({ path: path.join(ARTIFACTS, 'front-page-polling.png') });
    assert.deepEqual(ada.errors, []);
  } finally {
    writer.close();
    await ada.context.close();
    await full.stop();
  }
});

test('With queries turned off the front page says so, and documents still open by name', async (t) => {
  if (!servers.apiUrl) return t.skip('CollabHost setting');
  const off = await startServers({ hostArgs: ['--Collab:Queries:Enabled=false'] });
  const name = uniqueName('unlisted');
  const ada = await openPerson(browser, `${off.homeUrl}?name=Ada`, 'Ada',
    () => document.querySelector('.recent')?.dataset.state === 'unsupported');
  try {
    assert.match(await ada.page.locator('.recent-state').textContent(), /does not list documents.*open or create a document by name/);
    assert.equal(await ada.page.locator('.recent table').isVisible(), false);
    await ada.page.screenshot({ path: path.join(ARTIFACTS, 'front-page-queries-off.png') });
    await ada.page.getByRole('textbox', { name: 'Document name' }).fill(name);
    await ada.page.getByRole('button', { name: 'Open' }).click();
    await ada.page.waitForURL(new RegExp(`/d/${name}`));
    await ada.page.waitForFunction(() => window.collabDemo?.view && window.collabDemo.client.state === 'connected');
    assert.deepEqual(ada.errors, []);
  } finally {
    await ada.context.close();
    await off.stop();
  }
});
