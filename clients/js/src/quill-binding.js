// Binds a Quill 2 editor to a ShareDB rich-text document. A Quill change is a Delta and a rich-text op is a Delta, so
// local changes are submitted as they are and remote ops are applied as they are, marked so that they are not sent
// back (no echo). Given a doc presence, the local selection is published and other editors' selections are drawn
// with quill-cursors (registered by the app as the editor's `cursors` module).
import { finalNewlineOp, RICH_TEXT_URI } from './rich-text-type.js';
import { presenceToRange, rangeToPresence } from './quill-presence.js';

/**
 * Keeps `quill` and `doc` (a subscribed ShareDB Doc of type rich-text) equal, replacing the editor's contents with
 * the document's. Options: `presence` (from `connection.getDocPresence(collection, id)`, subscribed; the editor then
 * needs `modules: {cursors: true}` with quill-cursors registered), `user: {name, color}` shown to the others,
 * `presenceId` (default random), `onError(error)` for failed submits (default console.error). Give the editor
 * `modules: {history: {userOnly: true}}` so that undo takes back only this editor's own changes.
 */
export function bindQuill(quill, doc, options = {}) {
  return new QuillBinding(quill, doc, options);
}

export class QuillBinding {
  constructor(quill, doc, options = {}) {
    if (doc.type?.uri !== RICH_TEXT_URI) {
      throw new Error(`Document ${doc.collection}/${doc.id} has type ${doc.type?.uri ?? 'none'}, not rich-text`);
    }
    this.quill = quill;
    this.doc = doc;
    this.presence = options.presence ?? null;
    this.user = options.user ?? { name: 'Anonymous', color: '#4363d8' };
    this.onError = options.onError ?? ((error) => console.error('bindQuill:', error));
    this.source = { binding: 'quill' }; // identifies our own ops when ShareDB reports them back
    this.applyingRemote = false;
    this.cursors = null;
    if (this.presence) {
      this.cursors = quill.getModule('cursors');
      if (!this.cursors) throw new Error('bindQuill with presence needs quill-cursors: Quill.register("modules/cursors", QuillCursors) and modules: {cursors: true}');
    }

    const fix = finalNewlineOp(doc.data.ops);
    if (fix) doc.submitOp(fix, { source: this.source }, (error) => error && this.report(error));
    this.applyRemote(() => quill.setContents(doc.data.ops, 'api'));
    quill.history?.clear();

    this.onTextChange = (delta) => {
      if (this.applyingRemote) return;
      this.doc.submitOp(delta.ops, { source: this.source }, (error) => error && this.report(error));
      this.publishSelection(quill.getSelection());
    };
    this.onSelectionChange = (range) => {
      if (!this.applyingRemote && range) this.publishSelection(range);
    };
    this.onOp = (op, source) => {
      if (source !== this.source) this.applyRemoteOp(op);
    };
    this.onLoad = () => this.resync();
    quill.on('text-change', this.onTextChange);
    quill.on('selection-change', this.onSelectionChange);
    doc.on('op', this.onOp);
    doc.on('load', this.onLoad);

    if (this.presence) {
      this.localPresence = this.presence.create(options.presenceId);
      this.lastPublished = null;
      this.drawQueued = false;
      this.onPresence = () => this.queueCursorDraw();
      this.presence.on('receive', this.onPresence);
      this.queueCursorDraw();
      // Show this editor to the others straight away, not only after its first selection.
      this.publishSelection(quill.getSelection() ?? { index: 0, length: 0 });
    }
  }

  /** Stops listening and withdraws this editor's presence; the editor and the doc stay as they are. */
  destroy() {
    this.quill.off('text-change', this.onTextChange);
    this.quill.off('selection-change', this.onSelectionChange);
    this.doc.off('op', this.onOp);
    this.doc.off('load', this.onLoad);
    if (this.presence) {
      this.presence.off('receive', this.onPresence);
      this.cursors.clearCursors();
      this.localPresence.destroy((error) => error && this.report(error));
    }
  }

  applyRemoteOp(op) {
    this.applyRemote(() => this.quill.updateContents(op, 'api'));
    // Cheap check that both sides still agree; a mismatch would mean a bug, and resync repairs it.
    if (this.quill.getLength() !== this.doc.data.length()) this.resync();
  }

  /** Replaces whatever differs between the editor and the document (after a load or a hard rollback). */
  resync() {
    const target = this.doc.data;
    if (!target) return;
    const change = this.quill.getContents().diff(target);
    if (change.ops.length > 0) this.applyRemote(() => this.quill.updateContents(change, 'api'));
  }

  /** Runs an editor change that came from the document, so that onTextChange does not submit it again. */
  applyRemote(change) {
    this.applyingRemote = true;
    try {
      change();
    } finally {
      this.applyingRemote = false;
    }
  }

  publishSelection(range) {
    if (!this.localPresence || !range) return;
    const value = rangeToPresence(range, this.user);
    const key = JSON.stringify(value);
    if (key === this.lastPublished) return;
    this.lastPublished = key;
    this.localPresence.submit(value, (error) => error && this.report(error));
  }

  /** Republishes the selection, e.g. after `user` changed, even if it has not moved. */
  republishSelection() {
    this.lastPublished = null;
    this.publishSelection(this.quill.getSelection() ?? { index: 0, length: 0 });
  }

  /** Presence events can arrive in the middle of ShareDB applying an op, before the editor has it: draw after. */
  queueCursorDraw() {
    if (this.drawQueued) return;
    this.drawQueued = true;
    queueMicrotask(() => {
      this.drawQueued = false;
      this.drawCursors();
    });
  }

  drawCursors() {
    const length = this.quill.getLength();
    const shown = new Set();
    for (const [id, value] of Object.entries(this.presence.remotePresences)) {
      const cursor = presenceToRange(id, value, length);
      if (!cursor) continue;
      shown.add(id);
      const existing = this.cursors.cursors().find((c) => c.id === id);
      if (existing && (existing.name !== cursor.name || existing.color !== cursor.color)) this.cursors.removeCursor(id);
      this.cursors.createCursor(id, cursor.name, cursor.color);
      this.cursors.moveCursor(id, cursor.range);
    }
    for (const cursor of this.cursors.cursors()) if (!shown.has(cursor.id)) this.cursors.removeCursor(cursor.id);
  }

  report(error) {
    this.onError(error);
  }
}
