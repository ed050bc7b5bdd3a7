//! The recent-files list (`data_dir/recent.json`), newest first.

use std::path::{Path, PathBuf};

/// How many files the list keeps.
pub const MAX_RECENT: usize = 10;

/// The list file inside `data_dir`.
#[must_use]
pub fn path_in(data_dir: &Path) -> PathBuf {
    data_dir.join("recent.json")
}

/// Reads the list; a missing or damaged file is an empty list.
#[must_use]
pub fn load(data_dir: &Path) -> Vec<PathBuf> {
    std::fs::read(path_in(data_dir))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Puts `path` first (once) and writes the list back. Returns the new list.
pub fn touch(data_dir: &Path, path: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut list = load(data_dir);
    list.retain(|p| p != path);
    list.insert(0, path.to_path_buf());
    list.truncate(MAX_RECENT);
    let bytes = serde_json::to_vec_pretty(&list).map_err(std::io::Error::other)?;
    crate::durable::write(&path_in(data_dir), &bytes, crate::durable::Access::Private)?;
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_without_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).is_empty());
        touch(dir.path(), Path::new("/a.csv")).unwrap();
        touch(dir.path(), Path::new("/b.csv")).unwrap();
        let list = touch(dir.path(), Path::new("/a.csv")).unwrap();
        assert_eq!(list, [PathBuf::from("/a.csv"), PathBuf::from("/b.csv")]);
        assert_eq!(load(dir.path()), list);
    }
}
