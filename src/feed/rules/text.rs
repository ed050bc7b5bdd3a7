//! Text cells: titles in capitals, descriptions with HTML or links.

use super::context::{Sink, fix, replace};
use crate::feed::Severity;
use crate::feed::spec::ColumnId;

pub(super) fn check_caps(id: ColumnId, value: &str, sink: &mut Sink<'_>) {
    let mut letters = 0;
    for c in value.chars() {
        if c.is_lowercase() {
            return;
        }
        if c.is_alphabetic() {
            letters += 1;
        }
    }
    if letters >= 5 {
        sink.push(
            "all_caps",
            Severity::Warning,
            id,
            value,
            format!(
                "`{}` is in ALL CAPS, which Stripe asks you to avoid.",
                id.name()
            ),
            fix("Write it in normal case, as on the product page."),
        );
    }
}

pub(super) fn check_description(value: &str, sink: &mut Sink<'_>) {
    if looks_like_html(value) {
        let stripped = strip_html(value);
        let fix = if stripped.is_empty() {
            fix("Rewrite it as plain text.")
        } else {
            replace("Remove the HTML tags and keep the plain text.", stripped)
        };
        sink.push(
            "description_html",
            Severity::Warning,
            ColumnId::Description,
            value,
            "`description` contains HTML; Stripe wants plain text.".to_owned(),
            fix,
        );
    } else if has_link(value) {
        sink.push(
            "description_link",
            Severity::Warning,
            ColumnId::Description,
            value,
            "`description` contains a link; Stripe asks for no store links in descriptions."
                .to_owned(),
            fix("Remove the link; the product page goes in `link`."),
        );
    }
}

fn looks_like_html(value: &str) -> bool {
    let b = value.as_bytes();
    let tag = memchr::memchr_iter(b'<', b).any(|i| {
        b.get(i + 1)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'/' || *c == b'!')
            && b[i..].contains(&b'>')
    });
    tag || memchr::memchr_iter(b'&', b).any(|i| {
        ["&nbsp;", "&amp;", "&lt;", "&gt;", "&quot;"]
            .iter()
            .any(|e| b[i..].starts_with(e.as_bytes()))
    })
}

fn has_link(value: &str) -> bool {
    use memchr::memmem::Finder;
    use std::sync::LazyLock;
    // Built once: building a searcher costs more than searching one description.
    static SCHEME: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"://"));
    static WWW: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"www."));
    SCHEME.find(value.as_bytes()).is_some() || WWW.find(value.as_bytes()).is_some()
}

/// `haystack.contains(needle)` for the short strings of the category checks, without
/// building a substring searcher.
pub(super) fn contains_short(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else {
        return true;
    };
    if h.len() < 16 {
        // Category ids such as `212`: a plain loop beats setting up a vector search.
        return h.windows(n.len()).any(|w| w == n);
    }
    memchr::memchr_iter(first, h).any(|i| h[i..].starts_with(n))
}

/// Removes tags and decodes the common entities, collapsing whitespace.
fn strip_html(value: &str) -> String {
    let mut text = String::with_capacity(value.len());
    let mut in_tag = false;
    for c in value.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() && !matches!(word, "." | "," | ";" | ":" | "!" | "?") {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_stripped_to_text() {
        assert_eq!(strip_html("<p>Soft <b>cotton</b>.</p>"), "Soft cotton.");
    }
}
