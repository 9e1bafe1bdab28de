// Binds a CodeMirror 6 editor to a ShareDB text-unicode document: local edits are submitted as ops, remote ops are
// applied as changes that are not sent back (no echo), and, given a doc presence, the local selection is published
// and other editors' selections are drawn.
import { Annotation, Transaction } from '@codemirror/state';
import { ViewPlugin } from '@codemirror/view';
import { changeSetToOp } from './change-to-op.js';
import { opToChanges } from './op-to-changes.js';
import { presenceToCursor, selectionToPresence } from './presence-value.js';
import { remoteCursorsField, remoteCursorsTheme, setRemoteCursors } from './remote-cursors.js';

/** Marks transactions that carry remote ops, so the binding does not submit them again. */
export const remoteChange = Annotation.define();

/**
 * The CodeMirror extension that keeps the editor and `doc` (a subscribed ShareDB Doc of type text-unicode) equal.
 * Create the EditorState with `doc: doc.data`. Options: `presence` (from `connection.getDocPresence(collection, id)`,
 * subscribed), `user: {name, color}` shown to others, `presenceId` (default random), `onError(error)` for failed
 * submits (default console.error; ShareDB has already rolled the document back by then).
 */
export function collabEditing(doc, options = {}) {
  const plugin = ViewPlugin.define((view) => new CollabBinding(view, doc, options));
  return options.presence ? [plugin, remoteCursorsField, remoteCursorsTheme] : [plugin];
}

class CollabBinding {
  constructor(view, doc, options) {
    this.view = view;
    this.doc = doc;
    this.presence = options.presence ?? null;
    this.user = options.user ?? { name: 'Anonymous', color: '#4363d8' };
    this.onError = options.onError ?? ((error) => console.error('collabEditing:', error));
    this.source = { binding: 'codemirror' }; // identifies our own ops when ShareDB reports them back
    this.onOp = (op, source) => {
      if (source !== this.source) this.applyRemoteOp(op);
    };
    this.onLoad = () => this.resync();
    doc.on('op', this.onOp);
    doc.on('load', this.onLoad);
    if (this.presence) {
      this.localPresence = this.presence.create(options.presenceId);
      this.flushQueued = false;
      this.onPresence = () => this.queueCursorFlush();
      this.presence.on('receive', this.onPresence);
      this.queueCursorFlush();
      // Show this editor to the others straight away, not only after its first cursor move.
      queueMicrotask(() => this.publishSelection());
    }
    // Dispatching is not allowed while the view is being built; catch up right after if the texts differ.
    if (view.state.doc.toString() !== doc.data) queueMicrotask(() => this.resync());
  }

  update(update) {
    for (const tr of update.transactions) {
      if (!tr.docChanged || tr.annotation(remoteChange)) continue;
      const op = changeSetToOp(tr.changes, tr.startState.doc);
      if (op.length > 0) this.doc.submitOp(op, { source: this.source }, (error) => this.onSubmitError(error));
    }
    const localEdit = update.transactions.some((tr) => tr.docChanged && !tr.annotation(remoteChange));
    if (this.localPresence && (update.selectionSet || localEdit || update.focusChanged)) this.publishSelection();
  }

  destroy() {
    this.doc.off('op', this.onOp);
    this.doc.off('load', this.onLoad);
    if (this.presence) {
      this.presence.off('receive', this.onPresence);
      this.localPresence.destroy((error) => error && this.report(error));
    }
  }

  applyRemoteOp(op) {
    const changes = opToChanges(op, this.view.state.doc);
    this.view.dispatch({ changes, annotations: [remoteChange.of(true), Transaction.addToHistory.of(false)] });
    // Cheap check that both sides still agree; a mismatch would mean a bug, and resync repairs it.
    if (this.view.state.doc.length !== this.doc.data.length) this.resync();
  }

  /** Replaces whatever differs between the editor and the document (after a load or a hard rollback). */
  resync() {
    const current = this.view.state.doc.toString();
    const target = this.doc.data ?? '';
    if (current === target) return;
    let start = 0;
    while (start < current.length && start < target.length && current[start] === target[start]) start++;
    let endCurrent = current.length;
    let endTarget = target.length;
    while (endCurrent > start && endTarget > start && current[endCurrent - 1] === target[endTarget - 1]) {
      endCurrent--;
      endTarget--;
    }
    this.view.dispatch({
      changes: { from: start, to: endCurrent, insert: target.slice(start, endTarget) },
      annotations: [remoteChange.of(true), Transaction.addToHistory.of(false)],
    });
  }

  publishSelection() {
    const { anchor, head } = this.view.state.selection.main;
    const value = selectionToPresence(this.view.state.doc.toString(), anchor, head, this.user);
    this.localPresence.submit(value, (error) => error && this.report(error));
  }

  /** Presence events can arrive in the middle of ShareDB applying an op, before the editor has it: draw after. */
  queueCursorFlush() {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      const text = this.view.state.doc.toString();
      const cursors = Object.entries(this.presence.remotePresences)
        .map(([id, value]) => presenceToCursor(id, value, text))
        .filter((cursor) => cursor !== null);
      this.view.dispatch({ effects: setRemoteCursors.of(cursors) });
    });
  }

  onSubmitError(error) {
    // ShareDB has already rolled the document back (or reloaded it); the 'load' handler resyncs the editor.
    if (error) this.report(error);
  }

  report(error) {
    this.onError(error);
  }
}
