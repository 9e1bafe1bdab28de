// The rich-text demo page (/r/{name}, Quill) in Debian Chromium: people typing and formatting together, and seeing
// each other's cursors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ARTIFACTS, eventually, launchBrowser, openPerson, serverSnapshot, startServers, uniqueName } from './harness.js';

const RICH_TEXT_URI = 'http://sharejs.org/types/rich-text/v1';

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

/** A person with the rich-text page open on `docName`. */
const openRichEditor = (docName, userName) => openPerson(browser, servers.pageUrl(docName, userName, 'r'), userName,
  () => window.collabDemo?.quill && window.collabDemo.client.state === 'connected');

const editorDelta = (editor) => editor.page.evaluate(() => window.collabDemo.quill.getContents().ops);
const editorText = (editor) => editor.page.evaluate(() => window.collabDemo.quill.getText());

/** Types like a person: key presses for ASCII and Enter, the IME-style text input a browser uses for emoji. */
async function typeText(editor, text) {
  for (const piece of text.match(/[\x20-\x7e]|\n|[^\x20-\x7e\n]+/gu) ?? []) {
    if (piece === '\n') await editor.page.keyboard.press('Enter');
    else if (/^[\x20-\x7e]$/.test(piece)) await editor.page.keyboard.type(piece);
    else await editor.page.keyboard.insertText(piece);
  }
}

/** Selects `length` characters from `index` (UTF-16), as a mouse drag would. */
async function select(editor, index, length = 0) {
  await editor.page.evaluate(([at, n]) => window.collabDemo.quill.setSelection(at, n, 'user'), [index, length]);
}

/**
 * Selects `words` where they are in the editor now (or puts the caret after them with `caretAfter`): the other
 * person's concurrent typing may have moved them since the test last looked.
 */
async function selectText(editor, words, { caretAfter = false } = {}) {
  const found = await editor.page.evaluate(([w, after]) => {
    const { quill } = window.collabDemo;
    const at = quill.getText().indexOf(w);
    if (at < 0) return false;
    if (after) quill.setSelection(at + w.length, 0, 'user');
    else quill.setSelection(at, w.length, 'user');
    return true;
  }, [words, caretAfter]);
  assert.ok(found, `${editor.name}'s editor has no ${JSON.stringify(words)}`);
}

/** Formats the selection with the keyboard shortcut a person would use (Ctrl+B, Ctrl+I). */
async function shortcut(editor, key) {
  await editor.page.keyboard.press(`Control+${key}`);
}

async function screenshot(editor, name) {
  await editor.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/** Every editor shows `expected`, and so do the server's snapshot and (on CollabHost) its REST API. */
async function converged(editors, expected, docName) {
  await eventually(
    async () => {
      const deltas = await Promise.all(editors.map(editorDelta));
      return deltas.every((delta) => isDeepStrictEqual(delta, expected));
    },
    async () => `expected ${JSON.stringify(expected)}, editors have ${JSON.stringify(await Promise.all(editors.map(editorDelta)))}`,
  );
  const snapshot = await eventually(
    async () => {
      const s = await serverSnapshot(servers.wsUrl, docName);
      return isDeepStrictEqual(s.data, expected) ? s : null;
    },
    async () => `server has ${JSON.stringify((await serverSnapshot(servers.wsUrl, docName)).data)}`,
  );
  assert.equal(snapshot.type, RICH_TEXT_URI);
  if (servers.apiUrl) {
    const response = await fetch(`${servers.apiUrl}/docs/docs/${encodeURIComponent(docName)}`);
    assert.equal(response.status, 200);
    const rest = await response.json();
    assert.equal(rest.type, RICH_TEXT_URI);
    assert.equal(rest.v, snapshot.version);
    assert.deepEqual(rest.data, { ops: expected }); // a Delta, as ShareDB sends a rich-text snapshot
  }
}

test('Two people typing and applying bold and italic at the same time end with the same Delta as the server', async () => {
  const docName = uniqueName('rich-together');
  const ada = await openRichEditor(docName, 'Ada');
  const bob = await openRichEditor(docName, 'Bob');
  try {
    const text = 'Hello world\nsecond line\nthird line';
    await typeText(ada, text);
    await eventually(async () => (await editorText(bob)) === `${text}\n`, async () => JSON.stringify(await editorText(bob)));

    await Promise.all([
      (async () => {
        await selectText(ada, 'Hello');
        await shortcut(ada, 'b');
        await selectText(ada, 'second'); // Bob makes the same word italic at the same time
        await shortcut(ada, 'b');
        await selectText(ada, 'second line', { caretAfter: true });
        await typeText(ada, ' Ada 😀');
      })(),
      (async () => {
        await selectText(bob, 'third');
        await shortcut(bob, 'i');
        await selectText(bob, 'second');
        await shortcut(bob, 'i');
        await selectText(bob, 'Hello world', { caretAfter: true });
        await typeText(bob, ' Bob 🎉');
      })(),
    ]);

    const expected = [
      { insert: 'Hello', attributes: { bold: true } },
      { insert: ' world Bob 🎉\n' },
      { insert: 'second', attributes: { bold: true, italic: true } },
      { insert: ' line Ada 😀\n' },
      { insert: 'third', attributes: { italic: true } },
      { insert: ' line\n' },
    ];
    await converged([ada, bob], expected, docName);
    assert.equal(await ada.page.locator('.ql-editor strong em, .ql-editor em strong').textContent(), 'second');
    await screenshot(ada, 'rich-together-ada');
    await screenshot(bob, 'rich-together-bob');
    assert.deepEqual([...ada.errors, ...bob.errors], []);
  } finally {
    await ada.context.close();
    await bob.context.close();
  }
});

test('Someone who goes offline while typing and formatting loses nothing when they come back', async () => {
  const docName = uniqueName('rich-offline');
  const ada = await openRichEditor(docName, 'Ada');
  const bob = await openRichEditor(docName, 'Bob');
  try {
    await typeText(ada, 'Plan for today');
    await eventually(async () => (await editorText(bob)) === 'Plan for today\n', async () => JSON.stringify(await editorText(bob)));

    await ada.context.setOffline(true);
    await eventually(
      async () => (await ada.page.locator('.status').getAttribute('data-state')) === 'offline',
      async () => ada.page.locator('.status').getAttribute('data-state'),
    );
    await selectText(ada, 'Plan');
    await shortcut(ada, 'b');
    await selectText(ada, 'today', { caretAfter: true });
    await typeText(ada, ': ship it 🚀');
    // Meanwhile Bob, online, puts a line in front and makes "today" italic.
    await select(bob, 0);
    await typeText(bob, 'Bob first\n');
    await selectText(bob, 'today');
    await shortcut(bob, 'i');
    assert.ok(!(await editorText(bob)).includes('ship it'), 'Bob should not see what Ada typed offline yet');

    await ada.context.setOffline(false);
    const expected = [
      { insert: 'Bob first\n' },
      { insert: 'Plan', attributes: { bold: true } },
      { insert: ' for ' },
      { insert: 'today', attributes: { italic: true } },
      { insert: ': ship it 🚀\n' },
    ];
    await converged([ada, bob], expected, docName);
    assert.deepEqual([...ada.errors, ...bob.errors], []);
  } finally {
    await ada.context.close();
    await bob.context.close();
  }
});

test("Ada's cursor shows in Bob's Quill editor with her name, at her caret, and moves with Bob's edits", async () => {
  const docName = uniqueName('rich-cursors');
  const ada = await openRichEditor(docName, 'Ada');
  const bob = await openRichEditor(docName, 'Bob');
  try {
    const text = 'Emoji 😀 before\nthe caret goes here';
    await typeText(ada, text);
    await eventually(async () => (await editorText(bob)) === `${text}\n`, async () => JSON.stringify(await editorText(bob)));
    const caretAt = text.indexOf('goes'); // after an astral character and a line break
    await select(ada, caretAt);

    const adaCursor = bob.page.locator('.ql-cursor:not(.hidden)', { has: bob.page.locator('.ql-cursor-name', { hasText: 'Ada' }) });
    await adaCursor.waitFor({ state: 'attached' });
    const caretIsAt = async (index) => bob.page.evaluate((at) => {
      const { quill } = window.collabDemo;
      const caret = [...document.querySelectorAll('.ql-cursor')]
        .find((c) => c.querySelector('.ql-cursor-name')?.textContent === 'Ada' && !c.classList.contains('hidden'))
        ?.querySelector('.ql-cursor-caret-container');
      if (!caret) return { ok: false, why: 'no caret' };
      const box = caret.getBoundingClientRect();
      const container = quill.container.getBoundingClientRect();
      const expected = quill.getBounds(at);
      // The caret container is padded 9px either side of the caret line.
      const left = box.left + 9 - container.left;
      const top = box.top - container.top;
      const ok = Math.abs(left - expected.left) <= 2 && Math.abs(top - expected.top) <= 2;
      return { ok, caret: { left, top }, expected: { left: expected.left, top: expected.top } };
    }, index);
    await eventually(async () => (await caretIsAt(caretAt)).ok, async () => JSON.stringify(await caretIsAt(caretAt)));
    await screenshot(bob, 'rich-cursor-bob-sees-ada');

    // Bob types before Ada's caret: in Bob's editor her caret stays on the same character.
    await select(bob, 0);
    await typeText(bob, '🎉 Bob ');
    const shifted = caretAt + '🎉 Bob '.length;
    await eventually(async () => (await caretIsAt(shifted)).ok, async () => JSON.stringify(await caretIsAt(shifted)));
    // And Ada sees Bob's caret, and both see two people here.
    await ada.page.locator('.ql-cursor:not(.hidden) .ql-cursor-name', { hasText: 'Bob' }).waitFor({ state: 'attached' });
    await eventually(async () => (await ada.page.locator('.people .person').count()) === 2, async () => 'people list');
    assert.deepEqual([...ada.errors, ...bob.errors], []);
  } finally {
    await ada.context.close();
    await bob.context.close();
  }
});

test('The landing page creates a rich-text document, and a name taken by a text document links to its page', async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const query = new URL(servers.pageUrl('x', 'Ada')).search;
    await page.goto(servers.homeUrl + query);
    await page.getByRole('button', { name: 'Create a new rich-text document' }).click();
    await page.waitForURL(/\/r\/doc-[a-z0-9]{8}/);
    await page.waitForFunction(() => window.collabDemo?.quill && window.collabDemo.client.state === 'connected');
    const created = decodeURIComponent(new URL(page.url()).pathname.slice('/r/'.length));
    const snapshot = await serverSnapshot(servers.wsUrl, created);
    assert.equal(snapshot.type, RICH_TEXT_URI);
    assert.deepEqual(snapshot.data, [{ insert: '\n' }]);

    const textDoc = uniqueName('plain');
    await page.goto(servers.pageUrl(textDoc, 'Ada', 'd'));
    await page.waitForFunction(() => window.collabDemo?.view && window.collabDemo.client.state === 'connected');
    await page.goto(servers.pageUrl(textDoc, 'Ada', 'r'));
    const link = page.getByRole('link', { name: 'Open it as text' });
    await link.waitFor();
    assert.equal(new URL(await link.getAttribute('href'), page.url()).pathname, `/d/${textDoc}`);
    assert.equal((await serverSnapshot(servers.wsUrl, textDoc)).type, 'http://sharejs.org/types/text-unicode');
  } finally {
    await context.close();
  }
});
