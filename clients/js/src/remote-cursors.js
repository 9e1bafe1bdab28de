// Other editors' carets and selections inside a CodeMirror view: a state field holding them (moved through every
// change so they stay on the right character between presence updates) and the decorations that draw them.
import { StateEffect, StateField } from '@codemirror/state';
import { Decoration, EditorView, WidgetType } from '@codemirror/view';

/** Replaces the shown remote cursors: `[{id, anchor, head, name, color}]`, UTF-16 offsets in the current document. */
export const setRemoteCursors = StateEffect.define();

export const remoteCursorsField = StateField.define({
  create: () => [],
  update(cursors, tr) {
    for (const effect of tr.effects) if (effect.is(setRemoteCursors)) return effect.value;
    if (!tr.docChanged || cursors.length === 0) return cursors;
    // assoc -1: text inserted exactly at someone's caret goes after it, as the ShareDB presence transform does.
    return cursors.map((c) => ({ ...c, anchor: tr.changes.mapPos(c.anchor, -1), head: tr.changes.mapPos(c.head, -1) }));
  },
  provide: (field) => EditorView.decorations.from(field, cursorDecorations),
});

class RemoteCaretWidget extends WidgetType {
  constructor(name, color) {
    super();
    this.name = name;
    this.color = color;
  }

  eq(other) {
    return other.name === this.name && other.color === this.color;
  }

  toDOM() {
    const caret = document.createElement('span');
    caret.className = 'cm-remote-caret';
    caret.style.borderLeftColor = this.color;
    caret.dataset.name = this.name;
    const label = document.createElement('span');
    label.className = 'cm-remote-caret-label';
    label.style.backgroundColor = this.color;
    label.textContent = this.name;
    caret.appendChild(label);
    return caret;
  }

  ignoreEvent() {
    return true;
  }
}

function cursorDecorations(cursors) {
  const ranges = [];
  for (const cursor of cursors) {
    const from = Math.min(cursor.anchor, cursor.head);
    const to = Math.max(cursor.anchor, cursor.head);
    if (from < to) {
      ranges.push(Decoration.mark({
        class: 'cm-remote-selection',
        attributes: { style: `background-color: ${cursor.color}40`, 'data-name': cursor.name },
      }).range(from, to));
    }
    ranges.push(Decoration.widget({ widget: new RemoteCaretWidget(cursor.name, cursor.color), side: 1 }).range(cursor.head));
  }
  return Decoration.set(ranges, true);
}

export const remoteCursorsTheme = EditorView.baseTheme({
  '.cm-remote-caret': {
    position: 'relative',
    borderLeft: '2px solid',
    marginLeft: '-1px',
    marginRight: '-1px',
    pointerEvents: 'none',
  },
  '.cm-remote-caret-label': {
    position: 'absolute',
    bottom: '100%',
    left: '-2px',
    padding: '0 4px',
    borderRadius: '3px 3px 3px 0',
    color: 'white',
    fontSize: '11px',
    lineHeight: '15px',
    fontFamily: 'system-ui, sans-serif',
    whiteSpace: 'nowrap',
    zIndex: '10',
  },
});
