// The demo editor in Debian Chromium: people typing together, going offline and back, seeing each other's cursors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, eventually, launchBrowser, openPerson, serverSnapshot, startServers, uniqueName } from './harness.js';

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

/** A person with the CodeMirror demo open on `docName`. */
const openEditor = (docName, userName) => openPerson(browser, servers.pageUrl(docName, userName), userName,
  () => window.collabDemo?.view && window.collabDemo.client.state === 'connected');

const editorText = (editor) => editor.page.evaluate(() => window.collabDemo.view.state.doc.toString());
const connectionState = (editor) => editor.page.locator('.status').getAttribute('data-state');

/** Types like a person: key presses for ASCII, the IME-style text input a browser uses for emoji. */
async function typeText(editor, text) {
  for (const piece of text.match(/[\x20-\x7e]|\n|[^\x20-\x7e\n]+/gu) ?? []) {
    if (piece === '\n') await editor.page.keyboard.press('Enter');
    else if (/^[\x20-\x7e]$/.test(piece)) await editor.page.keyboard.type(piece);
    else await editor.page.keyboard.insertText(piece);
  }
}

/** Puts the caret at a UTF-16 offset, as a click there would. */
async function placeCaret(editor, offset) {
  await editor.page.evaluate((at) => {
    const { view } = window.collabDemo;
    view.focus();
    view.dispatch({ selection: { anchor: at } });
  }, offset);
}

async function converged(editors, expected, docName) {
  await eventually(
    async () => {
      const texts = await Promise.all(editors.map(editorText));
      return texts.every((text) => text === expected);
    },
    async () => `expected ${JSON.stringify(expected)}, editors have ${JSON.stringify(await Promise.all(editors.map(editorText)))}`,
  );
  const snapshot = await eventually(
    async () => {
      const s = await serverSnapshot(servers.wsUrl, docName);
      return s.data === expected ? s : null;
    },
    async () => `server has ${JSON.stringify((await serverSnapshot(servers.wsUrl, docName)).data)}`,
  );
  assert.equal(snapshot.type, 'http://sharejs.org/types/text-unicode');
}

async function screenshot(editor, name) {
  await editor.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

test('Two people typing at the same time, emoji included, end with the same text as the server', async () => {
  const docName = uniqueName('together');
  const ada = await openEditor(docName, 'Ada');
  const bob = await openEditor(docName, 'Bob');
  try {
    await typeText(ada, 'first line\nsecond line');
    await eventually(async () => (await editorText(bob)) === 'first line\nsecond line', async () => editorText(bob));

    await placeCaret(ada, 'first line'.length);
    await placeCaret(bob, 'first line\nsecond line'.length);
    const adaTypes = ' — Ada 😀 was here 👩‍💻';
    const bobTypes = ' — Bob 🇫🇷 too 𝄞 ok';
    await Promise.all([typeText(ada, adaTypes), typeText(bob, bobTypes)]);

    const expected = `first line${adaTypes}\nsecond line${bobTypes}`;
    await converged([ada, bob], expected, docName);
    await screenshot(ada, 'together-ada');
    await screenshot(bob, 'together-bob');
    assert.deepEqual([...ada.errors, ...bob.errors], []);
  } finally {
    await ada.context.close();
    await bob.context.close();
  }
});

test('Someone who goes offline while typing loses nothing when they come back', async () => {
  const docName = uniqueName('offline');
  const ada = await openEditor(docName, 'Ada');
  const bob = await openEditor(docName, 'Bob');
  try {
    await typeText(ada, 'Ada: ');
    await eventually(async () => (await editorText(bob)) === 'Ada: ', async () => editorText(bob));

    await typeText(ada, 'online ');
    await ada.context.setOffline(true);
    await typeText(ada, 'then offline 🚀 still typing');
    await eventually(async () => (await connectionState(ada)) === 'offline', async () => connectionState(ada));
    await typeText(ada, ' and more 👍🏽');
    await screenshot(ada, 'offline-ada');

    // Meanwhile Bob keeps editing at the start of the document.
    await placeCaret(bob, 0);
    await typeText(bob, 'Bob was here 🎉\n');
    const bobSees = await editorText(bob);
    assert.ok(!bobSees.includes('and more'), `Bob should not see text typed offline yet: ${JSON.stringify(bobSees)}`);

    await ada.context.setOffline(false);
    await eventually(async () => (await connectionState(ada)) === 'connected', async () => connectionState(ada));
    const expected = 'Bob was here 🎉\nAda: online then offline 🚀 still typing and more 👍🏽';
    await converged([ada, bob], expected, docName);
    await screenshot(ada, 'offline-ada-back');
    assert.deepEqual([...ada.errors, ...bob.errors], []);
  } finally {
    await ada.context.close();
    await bob.context.close();
  }
});

test("Ada's cursor shows in Bob's editor at the right place, with her name, and moves with Bob's edits", async () => {
  const docName = uniqueName('cursors');
  const ada = await openEditor(docName, 'Ada');
  const bob = await openEditor(docName, 'Bob');
  try {
    const text = 'Emoji 😀 before\nthe caret 👩‍💻 goes here';
    await typeText(ada, text);
    await eventually(async () => (await editorText(bob)) === text, async () => editorText(bob));
    const caretAt = text.indexOf('goes'); // a UTF-16 offset after two astral characters
    await placeCaret(ada, caretAt);

    const adaCaret = bob.page.locator('.cm-remote-caret[data-name="Ada"]');
    await adaCaret.waitFor({ state: 'visible' });
    const caretIsAt = async (offset) => bob.page.evaluate((at) => {
      const { view } = window.collabDemo;
      const caret = document.querySelector('.cm-remote-caret[data-name="Ada"]');
      if (!caret) return { ok: false, why: 'no caret' };
      const box = caret.getBoundingClientRect();
      const expected = view.coordsAtPos(at);
      const ok = Math.abs(box.left - expected.left) <= 3 && box.top <= expected.bottom && box.bottom >= expected.top;
      return { ok, box: { left: box.left, top: box.top }, expected: { left: expected.left, top: expected.top } };
    }, offset);
    await eventually(async () => (await caretIsAt(caretAt)).ok, async () => JSON.stringify(await caretIsAt(caretAt)));
    assert.equal(await adaCaret.locator('.cm-remote-caret-label').textContent(), 'Ada');
    await screenshot(bob, 'cursor-bob-sees-ada');

    // Bob types before Ada's caret: in Bob's editor her caret stays on the same character.
    await placeCaret(bob, 0);
    await typeText(bob, '🎉 Bob ');
    const shifted = caretAt + '🎉 Bob '.length;
    await eventually(async () => (await caretIsAt(shifted)).ok, async () => JSON.stringify(await caretIsAt(shifted)));
    // And Ada sees Bob's caret where he typed.
    await bob.page.evaluate(() => window.collabDemo.view.dispatch({ selection: window.collabDemo.view.state.selection }));
    await ada.page.locator('.cm-remote-caret[data-name="Bob"]').waitFor({ state: 'visible' });
    await eventually(async () => (await ada.page.locator('.people .person').count()) === 2, async () => 'people list');
    await screenshot(ada, 'cursor-ada-sees-bob');
    assert.deepEqual([...ada.errors, ...bob.errors], []);
  } finally {
    await ada.context.close();
    await bob.context.close();
  }
});

test('The landing page creates a new document and opens it', async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const query = new URL(servers.pageUrl('x', 'Ada')).search;
    await page.goto(servers.homeUrl + query);
    await screenshot({ page }, 'landing');
    await page.getByRole('button', { name: 'Create a new document' }).click();
    await page.waitForURL(/\/d\/doc-[a-z0-9]{8}/);
    await page.waitForFunction(() => window.collabDemo?.client.state === 'connected');
    await page.getByRole('textbox', { name: 'Document name' }).count().then((n) => assert.equal(n, 0));

    await page.goto(servers.homeUrl + query);
    await page.getByRole('textbox', { name: 'Document name' }).fill('not a name!');
    await page.getByRole('button', { name: 'Open' }).click();
    assert.match(await page.locator('#doc-error').textContent(), /1 to 100 letters/);
    assert.equal(new URL(page.url()).pathname, '/');
  } finally {
    await context.close();
  }
});
