//! URL cells: links and image links, alone or as a list.

use super::context::{Sink, fix, replace, split_ascii, trim};
use crate::feed::Severity;
use crate::feed::spec::ColumnId;

/// Checks one URL; returns false when it is not a URL at all.
pub(super) fn check_url(id: ColumnId, value: &str, image: bool, sink: &mut Sink<'_>) -> bool {
    let name = id.name();
    let (https, rest) = if starts_with_ignore_case(value, "https://") {
        (true, &value[8..])
    } else if starts_with_ignore_case(value, "http://") {
        (false, &value[7..])
    } else {
        let fix = if value.starts_with("www.") {
            replace("Add `https://` in front.", format!("https://{value}"))
        } else if let Some(rest) = value.strip_prefix("//") {
            replace("Add `https:` in front.", format!("https://{rest}"))
        } else {
            fix("Write a full address that starts with `https://`.")
        };
        sink.push(
            "url",
            Severity::Error,
            id,
            value,
            format!("`{name}` is not an http(s) URL."),
            fix,
        );
        return false;
    };
    let host_end = memchr::memchr3(b'/', b'?', b'#', rest.as_bytes()).unwrap_or(rest.len());
    let host = &rest[..host_end];
    if host.is_empty() || !(host.as_bytes().contains(&b'.') || host.starts_with("localhost")) {
        sink.push(
            "url",
            Severity::Error,
            id,
            value,
            format!("`{name}` has no valid host name."),
            fix("Write a full address such as `https://shop.example.com/p/item`."),
        );
        return false;
    }
    if has_ascii_whitespace(value.as_bytes()) {
        sink.push(
            "url",
            Severity::Error,
            id,
            value,
            format!("`{name}` contains spaces, which URLs cannot."),
            replace("Encode the spaces as `%20`.", value.replace(' ', "%20")),
        );
        return false;
    }
    if !https {
        sink.push(
            "url_http",
            Severity::Warning,
            id,
            value,
            format!("`{name}` uses plain http; Stripe prefers https."),
            fix("Use the https address if your site serves one."),
        );
    }
    if image {
        let path = &rest[..memchr::memchr2(b'?', b'#', rest.as_bytes()).unwrap_or(rest.len())];
        let file = memchr::memrchr(b'/', path.as_bytes()).map_or("", |i| &path[i + 1..]);
        let ext = memchr::memrchr(b'.', file.as_bytes()).map(|i| &file[i + 1..]);
        if let Some(ext) = ext {
            const OTHER: [&str; 9] = [
                "gif", "webp", "bmp", "tif", "tiff", "svg", "avif", "heic", "heif",
            ];
            if OTHER.iter().any(|o| o.eq_ignore_ascii_case(ext)) {
                sink.push(
                    "image_format",
                    Severity::Warning,
                    id,
                    value,
                    format!("`{name}` points to a .{ext} image; Stripe takes JPEG or PNG."),
                    fix("Link a JPEG or PNG version of the image."),
                );
            }
        }
    }
    true
}

pub(super) fn check_url_list(id: ColumnId, value: &str, max: usize, sink: &mut Sink<'_>) {
    for sep in ['|', ';', ' ', '\n'] {
        if memchr::memchr(sep as u8, value.as_bytes()).is_some()
            && value.split(sep).filter(|p| looks_like_url(trim(p))).count() > 1
        {
            let fixed: Vec<&str> = value
                .split([sep, ','])
                .map(trim)
                .filter(|p| !p.is_empty())
                .collect();
            sink.push(
                "list_separator",
                Severity::Error,
                id,
                value,
                format!(
                    "`{}` separates URLs with `{}`; Stripe wants commas.",
                    id.name(),
                    sep.escape_default()
                ),
                replace("Separate the URLs with commas.", fixed.join(",")),
            );
            return;
        }
    }
    let entries: Vec<&str> = split_ascii(value, b',').map(trim).collect();
    let count = entries.iter().filter(|e| !e.is_empty()).count();
    if count > max {
        sink.push(
            "too_many_entries",
            Severity::Error,
            id,
            value,
            format!(
                "`{}` lists {count} URLs; at most {max} are allowed.",
                id.name()
            ),
            fix(format!("Keep the best {max} images.")),
        );
    }
    for (n, entry) in entries.iter().enumerate() {
        if entry.is_empty() {
            continue;
        }
        if !looks_like_url(entry) && n > 0 {
            sink.push(
                "list_entry",
                Severity::Error,
                id,
                entry,
                format!(
                    "Entry {} of `{}` is not a URL; a comma inside a URL splits it in two.",
                    n + 1,
                    id.name()
                ),
                fix("Encode commas inside a URL as `%2C`."),
            );
        } else if !check_url(id, entry, true, sink) {
            return;
        }
    }
}

/// `bytes.iter().any(u8::is_ascii_whitespace)`, eight bytes at a time: a word with no byte
/// below `!` has no whitespace.
fn has_ascii_whitespace(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let Ok(word) = <[u8; 8]>::try_from(chunk).map(u64::from_le_bytes) else {
            continue;
        };
        let below_bang = word.wrapping_sub(ONES * 0x21) & !word & (ONES * 0x80);
        if below_bang != 0 && chunk.iter().any(u8::is_ascii_whitespace) {
            return true;
        }
    }
    chunks.remainder().iter().any(u8::is_ascii_whitespace)
}

fn looks_like_url(s: &str) -> bool {
    starts_with_ignore_case(s, "http://") || starts_with_ignore_case(s, "https://")
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
}
