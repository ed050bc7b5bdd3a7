//! Reading feed files (with progress and cancel), decoding them to UTF-8, and writing them
//! back atomically and durably through [`crate::durable`], with a `.bak` of the previous file.
//!
//! Only regular files are read, and none over [`MAX_FEED_BYTES`]: a device (`/dev/zero`), a
//! named pipe or a socket would never end, and is refused before it is opened.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::sniff::TextEncoding;
use crate::durable::{Access, AtomicFile};

/// Upload limit of the Files API (`purpose=data_management_manual_upload`, v1 import sets).
pub const FILES_API_LIMIT: u64 = 200 * 1024 * 1024;
/// Upload limit of the v2 catalog imports (`/v2/commerce/product_catalog/imports`).
pub const V2_IMPORT_LIMIT: u64 = 4 * 1024 * 1024 * 1024;

/// The largest feed the console reads: the 4 GB per file that Stripe's v2 catalog imports
/// take (feed spec, section 1), the largest any of Stripe's feed uploads accepts.
pub const MAX_FEED_BYTES: u64 = V2_IMPORT_LIMIT;

/// How many bytes [`read_with_progress`] reads between progress reports and cancel checks.
const READ_CHUNK: usize = 4 * 1024 * 1024;

/// A file operation that went wrong, said as a sentence.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// The OS refused or failed a read or write.
    #[error("Could not {action} {}: {source}. Check that the file exists and that you may {action} it.", path.display())]
    Io {
        /// What we were doing ("read", "write", "rename").
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The user cancelled.
    #[error("Loading was cancelled.")]
    Cancelled,
    /// The path is not a regular file (a device, a named pipe, a socket, a folder).
    #[error("{} is {what}, not a regular file, so it cannot be read as a catalog feed. Give the path of a CSV or TSV file.", path.display())]
    NotAFile {
        /// The path given.
        path: PathBuf,
        /// What it is instead ("a device", "a named pipe (FIFO)", …).
        what: &'static str,
    },
    /// The file is over [`MAX_FEED_BYTES`].
    #[error("{} is {}, over the 4 GB ({MAX_FEED_BYTES} bytes) largest feed Stripe's catalog imports take, so it was not read. Split it into several files (for example by category) and check each.", path.display(), size_words(*size))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes (at least; a growing file is stopped at the limit).
        size: u64,
    },
}

impl IoError {
    fn io(action: &'static str, path: &Path, source: io::Error) -> Self {
        IoError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// "4.20 GB (4509715661 bytes)": binary units, as the limit is counted, and the exact size
/// for a file just over it.
fn size_words(bytes: u64) -> String {
    let gb = bytes as f64 / (1024.0 * 1024.0 * 1024.0);
    format!("{gb:.2} GB ({bytes} bytes)")
}

/// What a path that is not a regular file is, in words.
fn kind_words(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else {
        "not an ordinary file"
    }
}

/// Refuses, without opening it, what the console does not read as a feed: anything but a
/// regular file (a device such as `/dev/zero` or a named pipe would never end, and opening a
/// pipe blocks), and files over [`MAX_FEED_BYTES`]. Returns the file's size.
pub fn check_feed_file(path: &Path) -> Result<u64, IoError> {
    // `metadata` follows links and does not open the file.
    let meta = std::fs::metadata(path).map_err(|e| IoError::io("open", path, e))?;
    check_meta(path, &meta)
}

fn check_meta(path: &Path, meta: &std::fs::Metadata) -> Result<u64, IoError> {
    if !meta.is_file() {
        return Err(IoError::NotAFile {
            path: path.to_path_buf(),
            what: kind_words(meta.file_type()),
        });
    }
    if meta.len() > MAX_FEED_BYTES {
        return Err(IoError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
        });
    }
    Ok(meta.len())
}

/// Opens a feed for reading after [`check_feed_file`], and checks the opened file again (the
/// path may have been swapped in between; on Unix the open does not wait for a pipe's
/// writer). Returns the file and its size.
pub fn open_feed(path: &Path) -> Result<(File, u64), IoError> {
    check_feed_file(path)?;
    let file = open_no_wait(path).map_err(|e| IoError::io("open", path, e))?;
    let meta = file.metadata().map_err(|e| IoError::io("read", path, e))?;
    let size = check_meta(path, &meta)?;
    Ok((file, size))
}

#[cfg(unix)]
fn open_no_wait(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK only matters for what is not a regular file, which is refused right after.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_wait(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// Reads a whole file into one buffer sized once from its length, calling
/// `progress(done, total)` after each chunk and stopping with [`IoError::Cancelled`] as soon as
/// `cancel` is set. What is not a regular file, or is over [`MAX_FEED_BYTES`] (also a file
/// that grows past it while it is read), is refused with [`IoError::NotAFile`] or
/// [`IoError::TooLarge`].
pub fn read_with_progress(
    path: &Path,
    cancel: &AtomicBool,
    mut progress: impl FnMut(u64, u64),
) -> Result<Vec<u8>, IoError> {
    let (file, total) = open_feed(path)?;
    // One byte past the limit tells a file that grew over it.
    let mut file = file.take(MAX_FEED_BYTES + 1);
    let mut buf: Vec<u8> = Vec::new();
    buf.try_reserve_exact(
        usize::try_from(total)
            .unwrap_or(usize::MAX)
            .saturating_add(1),
    )
    .map_err(|_| {
        IoError::io(
            "read",
            path,
            io::Error::new(io::ErrorKind::OutOfMemory, "not enough memory for the file"),
        )
    })?;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(IoError::Cancelled);
        }
        let n = (&mut file)
            .take(READ_CHUNK as u64)
            .read_to_end(&mut buf)
            .map_err(|e| IoError::io("read", path, e))?;
        if buf.len() as u64 > MAX_FEED_BYTES {
            return Err(IoError::TooLarge {
                path: path.to_path_buf(),
                size: buf.len() as u64,
            });
        }
        progress(buf.len() as u64, total.max(buf.len() as u64));
        if n == 0 {
            return Ok(buf);
        }
    }
}

/// The text of a file as UTF-8, and what it took to get there.
#[derive(Debug)]
pub struct Decoded {
    /// The text, UTF-8.
    pub text: String,
    /// `None` when the file was valid UTF-8 (kept byte for byte); otherwise the encoding the
    /// bytes were converted from.
    pub converted_from: Option<TextEncoding>,
    /// 1-based line of the first byte that was not UTF-8, when converted from Windows-1252.
    pub first_non_utf8_line: Option<u64>,
}

/// Turns file bytes into UTF-8 text without copying when they already are UTF-8.
///
/// UTF-16 files (with a byte-order mark) are decoded. Otherwise every invalid UTF-8 byte is
/// read as Windows-1252 while valid UTF-8 sequences are kept, so a mostly-UTF-8 file with a
/// few Latin-1 bytes pasted in comes out right, and so does a pure Windows-1252 file.
#[must_use]
pub fn decode(bytes: Vec<u8>) -> Decoded {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let enc = if bytes[0] == 0xFF {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, _) = enc.decode_with_bom_removal(&bytes);
        return Decoded {
            text: text.into_owned(),
            converted_from: Some(TextEncoding::Utf16),
            first_non_utf8_line: None,
        };
    }
    match String::from_utf8(bytes) {
        Ok(text) => Decoded {
            text,
            converted_from: None,
            first_non_utf8_line: None,
        },
        Err(e) => {
            let bytes = e.into_bytes();
            let (text, first_bad) = decode_mixed(&bytes);
            let line = 1 + memchr::memchr_iter(b'\n', &bytes[..first_bad]).count() as u64;
            Decoded {
                text,
                converted_from: Some(TextEncoding::Windows1252),
                first_non_utf8_line: Some(line),
            }
        }
    }
}

/// Decodes file bytes as `encoding`, chosen by the user when the detected one was wrong. A
/// UTF-8 (or UTF-16) choice falls back to detection, so no byte is ever replaced by `�`; a
/// single-byte choice reads every byte in that encoding.
#[must_use]
pub fn decode_as(bytes: Vec<u8>, encoding: TextEncoding) -> Decoded {
    let enc = match encoding {
        TextEncoding::Utf8 | TextEncoding::Utf16 => return decode(bytes),
        TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252,
        TextEncoding::Latin9 => encoding_rs::ISO_8859_15,
        TextEncoding::MacRoman => encoding_rs::MACINTOSH,
    };
    let first_bad = std::str::from_utf8(&bytes).err().map(|e| e.valid_up_to());
    let first_non_utf8_line =
        first_bad.map(|at| 1 + memchr::memchr_iter(b'\n', &bytes[..at]).count() as u64);
    let (text, _) = enc.decode_without_bom_handling(&bytes);
    Decoded {
        text: text.into_owned(),
        converted_from: Some(encoding),
        first_non_utf8_line,
    }
}

/// Keeps valid UTF-8 runs and reads each invalid byte as Windows-1252. Returns the text and
/// the offset of the first invalid byte.
fn decode_mixed(bytes: &[u8]) -> (String, usize) {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 16);
    let mut rest = bytes;
    let mut first_bad = None;
    let mut consumed = 0;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                out.push_str(std::str::from_utf8(&rest[..good]).unwrap_or_default());
                let bad_len = e.error_len().unwrap_or(rest.len() - good).max(1);
                first_bad.get_or_insert(consumed + good);
                for &b in &rest[good..good + bad_len] {
                    let byte = [b];
                    let (s, _, _) = encoding_rs::WINDOWS_1252.decode(&byte);
                    out.push_str(&s);
                }
                consumed += good + bad_len;
                rest = &rest[good + bad_len..];
            }
        }
    }
    (out, first_bad.unwrap_or(0))
}

/// What [`write_atomic`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveOutcome {
    /// Bytes written.
    pub bytes: u64,
    /// Where the previous file was kept, when there was one.
    pub backup: Option<PathBuf>,
}

/// The `.bak` path kept next to `path` (`catalog.csv` -> `catalog.csv.bak`).
#[must_use]
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

/// Writes `bytes` to `path` atomically; see [`write_atomic_with`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<SaveOutcome, IoError> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Writes a file atomically and durably (see [`crate::durable`]): `write` fills a temporary
/// file in the same folder, which is synced to disk, renamed over `path`, and the folder
/// synced. An existing file at `path` is first kept as `path.bak` (replacing an older backup),
/// and its permissions carry over to the new file. On any error the target is left as it was
/// and the temporary file is removed; one a killed save left is removed by the next save.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<SaveOutcome, IoError> {
    let mut tmp = AtomicFile::create(path, Access::LikeExisting)
        .map_err(|e| IoError::io("create a temporary file next to", path, e))?;
    // A link given as `path` is saved through: the file it points to is the one replaced.
    let target = tmp.dest_path().to_path_buf();
    let temp_path = tmp.temp_path().to_path_buf();
    let mut counter = CountingWriter {
        inner: io::BufWriter::with_capacity(1 << 20, tmp.file()),
        written: 0,
    };
    write(&mut counter)
        .and_then(|()| counter.inner.flush())
        .map_err(|e| IoError::io("write", &temp_path, e))?;
    let bytes = counter.written;
    drop(counter);

    let backup = match std::fs::metadata(&target) {
        Ok(_) => {
            let bak = backup_path(&target);
            match std::fs::remove_file(&bak) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(IoError::io("replace the backup", &bak, e)),
            }
            // A hard link keeps the old file in place until the rename; copy where links
            // fail, itself atomically so a crash never leaves half a backup.
            if std::fs::hard_link(&target, &bak).is_err() {
                crate::durable::write_with(&bak, Access::LikeExisting, |w| {
                    io::copy(&mut File::open(&target)?, w).map(|_| ())
                })
                .map_err(|e| IoError::io("back up", &target, e))?;
            }
            Some(bak)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(IoError::io("read", &target, e)),
    };
    tmp.commit().map_err(|e| IoError::io("save", &target, e))?;
    Ok(SaveOutcome { bytes, backup })
}

/// Counts the bytes that pass through it.
struct CountingWriter<W: Write> {
    inner: W,
    written: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_kept_without_conversion() {
        let d = decode("id,title\nA,Café\n".as_bytes().to_vec());
        assert_eq!(d.converted_from, None);
        assert_eq!(d.text, "id,title\nA,Café\n");
    }

    #[test]
    fn windows_1252_is_decoded_and_located() {
        let d = decode(b"id,title\nA,Caf\xE9 \x80\n".to_vec());
        assert_eq!(d.converted_from, Some(TextEncoding::Windows1252));
        assert_eq!(d.text, "id,title\nA,Café €\n");
        assert_eq!(d.first_non_utf8_line, Some(2));
    }

    #[test]
    fn mixed_file_keeps_its_utf8() {
        let d = decode("A,Café,".bytes().chain(*b"na\xEFve").collect());
        assert_eq!(d.text, "A,Café,naïve");
    }

    #[test]
    fn utf16_is_decoded() {
        let mut b = vec![0xFF, 0xFE];
        for u in "id\nA".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(b);
        assert_eq!(d.text, "id\nA");
        assert_eq!(d.converted_from, Some(TextEncoding::Utf16));
    }

    #[test]
    fn atomic_write_keeps_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("feed.csv");
        let first = write_atomic(&p, b"one").unwrap();
        assert_eq!(first.backup, None);
        let second = write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let bak = second.backup.unwrap();
        assert_eq!(std::fs::read(&bak).unwrap(), b"one");
        // No temp files are left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn devices_folders_and_oversized_files_are_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let never = AtomicBool::new(false);
        let zero = read_with_progress(Path::new("/dev/zero"), &never, |_, _| {}).unwrap_err();
        assert!(
            matches!(
                zero,
                IoError::NotAFile {
                    what: "a device",
                    ..
                }
            ),
            "{zero}"
        );
        assert_eq!(
            zero.to_string(),
            "/dev/zero is a device, not a regular file, so it cannot be read as a catalog \
             feed. Give the path of a CSV or TSV file."
        );
        let folder = check_feed_file(dir.path()).unwrap_err();
        assert!(matches!(
            folder,
            IoError::NotAFile {
                what: "a folder",
                ..
            }
        ));
        let big = dir.path().join("big.csv");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_FEED_BYTES + 1)
            .unwrap();
        let err = read_with_progress(&big, &never, |_, _| {}).unwrap_err();
        assert!(
            err.to_string()
                .contains("is 4.00 GB (4294967297 bytes), over the 4 GB (4294967296 bytes)"),
            "{err}"
        );
        let ok = dir.path().join("ok.csv");
        std::fs::write(&ok, b"id\n1\n").unwrap();
        assert_eq!(check_feed_file(&ok).unwrap(), 5);
    }

    #[test]
    fn cancelled_read_stops() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("feed.csv");
        std::fs::write(&p, b"id\n1\n").unwrap();
        let cancel = AtomicBool::new(true);
        assert!(matches!(
            read_with_progress(&p, &cancel, |_, _| {}),
            Err(IoError::Cancelled)
        ));
    }

    #[test]
    fn a_chosen_single_byte_encoding_reads_every_byte_in_it() {
        // 0xA4 is the euro sign in Latin-9 and the currency sign in Windows-1252.
        let bytes = b"id,price\nA,12.00 \xA4\n".to_vec();
        assert!(decode(bytes.clone()).text.contains('\u{a4}'));
        let d = decode_as(bytes.clone(), TextEncoding::Latin9);
        assert!(d.text.contains("12.00 \u{20ac}"));
        assert_eq!(d.converted_from, Some(TextEncoding::Latin9));
        assert_eq!(d.first_non_utf8_line, Some(2));
        // Asking for UTF-8 never replaces bytes with U+FFFD: it falls back to detection.
        assert!(
            !decode_as(bytes, TextEncoding::Utf8)
                .text
                .contains('\u{fffd}')
        );
    }
}
