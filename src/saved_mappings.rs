//! Column mappings saved per source, so next week's export of the same shop converts in one
//! click (window) or with no `--mapping` (command line). A source is known by its format and
//! its header: `<data folder>/mappings/<format>-<hash of the header>.json`, each file the same
//! JSON a user passes to `seller-console convert --mapping`.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::feed::sources::{Mapping, SourceFormat};

/// The folder saved mappings live in, below a data folder (the app and the command line
/// share [`crate::payment_journal::data_dir`]).
#[must_use]
pub fn folder_in(data_dir: &Path) -> PathBuf {
    data_dir.join("mappings")
}

/// The file a mapping for this source is saved in.
#[must_use]
pub fn path_in(folder: &Path, format: SourceFormat, header: &[String]) -> PathBuf {
    let mut hash = Sha256::new();
    for name in header {
        hash.update(name.trim().as_bytes());
        hash.update([0]);
    }
    let digest = hex::encode(&hash.finalize()[..8]);
    folder.join(format!("{}-{digest}.json", format.key()))
}

/// The mapping saved for this source and the file it is in, if any. A file that cannot be
/// read is reported, not used.
pub fn load(
    data_dir: &Path,
    format: SourceFormat,
    header: &[String],
) -> Result<Option<(Mapping, PathBuf)>, String> {
    let path = path_in(&folder_in(data_dir), format, header);
    match std::fs::read_to_string(&path) {
        Ok(text) => Mapping::from_json(&text)
            .map(|mapping| Some((mapping, path.clone())))
            .map_err(|e| format!("{} (in {})", e, path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!(
            "The saved mapping {} could not be read: {e}",
            path.display()
        )),
    }
}

/// Saves the mapping for this source, atomically and durably. Returns where.
pub fn save(data_dir: &Path, header: &[String], mapping: &Mapping) -> Result<PathBuf, String> {
    let path = path_in(&folder_in(data_dir), mapping.format, header);
    crate::durable::write(
        &path,
        mapping.to_json().as_bytes(),
        crate::durable::Access::Private,
    )
    .map_err(|e| format!("The mapping could not be saved to {}: {e}", path.display()))?;
    Ok(path)
}
