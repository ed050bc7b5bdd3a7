//! The in-memory catalog: one byte buffer, cells as offsets, an edit overlay, undo and redo.
