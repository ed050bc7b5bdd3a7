//! Byte-faithful, atomic saving (temp file + rename, with a `.bak` of the previous file).
