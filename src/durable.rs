//! Every file the console writes goes through here: the bytes go to a temporary file in the
//! destination's own folder, the file is synced, renamed over the destination, and the folder is
//! synced, so a crash or a kill at any moment leaves either the old file or the new one, never a
//! mix, and a finished write survives a power cut.
//!
//! Temporary files carry the writer's process id in their name
//! (`.catalog.csv.sc-tmp-4242-1a2b3c4d`), so [`sweep_leftovers`] can remove what a killed
//! process left behind without touching a write that is still under way in another process.
//! Every write sweeps its own folder first, and [`sweep_app_folders`] sweeps the app's data and
//! settings folders at start.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Marks the temporary files of this module; the process id and a random suffix follow it.
pub const TEMP_MARK: &str = ".sc-tmp-";

/// Longest part of the destination's name kept in a temporary name, so that the temporary
/// name stays within the 255 bytes file systems allow even for a long destination name.
const NAME_PART_MAX: usize = 120;

/// Who may read the file once it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Only the user (0600 on Unix): journals, profiles, anything with account data.
    Private,
    /// Like the file it replaces, or the usual permissions for a new file: catalogs, exports,
    /// reports the user opens in other programs.
    LikeExisting,
}

/// A file being written to a temporary name; [`AtomicFile::commit`] puts it in place. Dropped
/// without a commit, the temporary file is removed and the destination is untouched.
#[derive(Debug)]
pub struct AtomicFile {
    file: Option<File>,
    temp: PathBuf,
    dest: PathBuf,
    /// Set once the rename has happened; until then dropping removes the temporary file.
    renamed: bool,
}

impl AtomicFile {
    /// Starts writing `dest` (its folder is created if missing). Temporary files that killed
    /// writers left in that folder are removed first. When `dest` is a symbolic link, the file
    /// it points to is the one replaced, and the link stays.
    pub fn create(dest: &Path, access: Access) -> io::Result<Self> {
        let dest = resolve_link(dest);
        let dir = folder_of(&dest);
        create_folder(&dir)?;
        // Best effort: a folder that cannot be listed can still be written to.
        let _ = sweep_leftovers(&dir);
        let name = temp_name_part(&dest);
        let mut last_error = None;
        for _ in 0..16 {
            let temp = dir.join(format!(
                ".{name}{TEMP_MARK}{}-{:08x}",
                std::process::id(),
                rand::random::<u32>()
            ));
            match open_new(&temp, access) {
                Ok(file) => {
                    if access == Access::LikeExisting
                        && let Ok(meta) = std::fs::metadata(&dest)
                    {
                        // Best effort: a file saved over keeps who may read it.
                        let _ = file.set_permissions(meta.permissions());
                    }
                    return Ok(AtomicFile {
                        file: Some(file),
                        temp,
                        dest,
                        renamed: false,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_error = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last_error.unwrap_or_else(|| io::Error::other("no free temporary name")))
    }

    /// The open temporary file, to write into (or to clone for async writes).
    pub fn file(&mut self) -> &mut File {
        self.file
            .as_mut()
            .unwrap_or_else(|| unreachable!("the file is only taken by commit"))
    }

    /// Where the bytes go until the commit.
    #[must_use]
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// Where the bytes go at the commit (the target of a symbolic link given to `create`).
    #[must_use]
    pub fn dest_path(&self) -> &Path {
        &self.dest
    }

    /// Syncs the file, renames it over the destination and syncs the folder. When any step
    /// fails the destination is left as it was and the temporary file is removed.
    pub fn commit(mut self) -> io::Result<()> {
        let file = self
            .file
            .take()
            .unwrap_or_else(|| unreachable!("commit consumes the file once"));
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.temp, &self.dest)?;
        self.renamed = true;
        sync_dir(&folder_of(&self.dest))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file().flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed, or the commit failed before the rename: the temporary goes.
        if !self.renamed {
            drop(self.file.take());
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Writes `bytes` to `dest` atomically and durably.
pub fn write(dest: &Path, bytes: &[u8], access: Access) -> io::Result<()> {
    let mut file = AtomicFile::create(dest, access)?;
    file.write_all(bytes)?;
    file.commit()
}

/// Writes `dest` atomically and durably from a function that streams into a buffered writer.
pub fn write_with(
    dest: &Path,
    access: Access,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut atomic = AtomicFile::create(dest, access)?;
    {
        let mut buffered = io::BufWriter::with_capacity(1 << 16, atomic.file());
        fill(&mut buffered)?;
        buffered.flush()?;
    }
    atomic.commit()
}

/// Makes a rename or a new file in `dir` durable. Folders cannot be opened on every platform;
/// where they cannot, there is nothing more to do.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    match File::open(dir) {
        Ok(d) => match d.sync_all() {
            // Some file systems refuse to sync a folder; the rename itself has happened.
            Err(e) if e.kind() == io::ErrorKind::InvalidInput => Ok(()),
            other => other,
        },
        Err(_) if cfg!(windows) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Removes the temporary files in `dir` that a process which is no longer running left behind
/// (killed mid-write). Returns how many were removed. A missing folder has none. Folders
/// inside `dir` are not looked at (see [`sweep_tree`]).
pub fn sweep_leftovers(dir: &Path) -> io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(writer_pid) else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid, &entry.path()) {
            continue;
        }
        if std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

/// Sweeps `dir` and the folders inside it, two levels deep (the data folder and its
/// `journals/`, `demo/`, …). Returns how many files were removed; folders that cannot be read
/// are skipped.
#[must_use]
pub fn sweep_tree(dir: &Path) -> usize {
    fn walk(dir: &Path, depth: u32) -> usize {
        let mut removed = sweep_leftovers(dir).unwrap_or(0);
        if depth == 0 {
            return removed;
        }
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                // `file_type` does not follow links, so a link cannot lead the walk elsewhere.
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    removed += walk(&entry.path(), depth - 1);
                }
            }
        }
        removed
    }
    walk(dir, 2)
}

/// Sweeps the platform folders the app and the command line keep their files in (data and
/// settings), so what a killed process left there goes at the next start. Returns how many
/// files were removed.
#[must_use]
pub fn sweep_app_folders() -> usize {
    let Some(dirs) = directories::ProjectDirs::from("com", "SellerConsole", "seller-console")
    else {
        return 0;
    };
    let mut folders = vec![
        dirs.data_dir().to_path_buf(),
        dirs.config_dir().to_path_buf(),
    ];
    folders.dedup();
    folders.iter().map(|d| sweep_tree(d)).sum()
}

/// The process id in a temporary file's name, if the name is one of ours.
fn writer_pid(name: &str) -> Option<u32> {
    let (_, rest) = name.rsplit_once(TEMP_MARK)?;
    let (pid, suffix) = rest.split_once('-')?;
    (suffix.len() == 8 && suffix.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| pid.parse().ok())
        .flatten()
}

/// Whether process `pid` (the writer of `temp`) may still be running. Where processes cannot
/// be looked up, a file or folder younger than a day is assumed to be in use.
pub(crate) fn process_alive(pid: u32, temp: &Path) -> bool {
    if cfg!(target_os = "linux") {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    std::fs::metadata(temp)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age.as_secs() < 24 * 3600)
}

/// The file a symbolic link points to, so a save replaces that file and keeps the link; any
/// other path (or a dangling link) as given.
fn resolve_link(dest: &Path) -> PathBuf {
    match std::fs::symlink_metadata(dest) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::canonicalize(dest).unwrap_or_else(|_| dest.to_path_buf())
        }
        _ => dest.to_path_buf(),
    }
}

/// Creates `dir` when missing and makes its creation durable, so a file written into a new
/// folder is not lost with the folder after a power cut.
fn create_folder(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(d) = at.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        missing.push(d.to_path_buf());
        at = d.parent();
    }
    std::fs::create_dir_all(dir)?;
    for made in missing {
        // Best effort: the folder exists; syncing its parent records it.
        let _ = sync_dir(&folder_of(&made));
    }
    Ok(())
}

/// The destination's name as used inside a temporary name, cut to [`NAME_PART_MAX`] bytes.
fn temp_name_part(dest: &Path) -> String {
    let name = dest
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let mut end = name.len().min(NAME_PART_MAX);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_owned()
}

fn folder_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

#[cfg(unix)]
fn open_new(path: &Path, access: Access) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let mode = match access {
        Access::Private => 0o600,
        Access::LikeExisting => 0o666,
    };
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
}

#[cfg(not(unix))]
fn open_new(path: &Path, _access: Access) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write(&path, b"one", Access::Private).unwrap();
        write(&path, b"two", Access::Private).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(names(dir.path()), ["a.json"]);
    }

    #[test]
    fn an_abandoned_write_leaves_the_old_file_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        write(&path, b"old", Access::LikeExisting).unwrap();
        let mut f = AtomicFile::create(&path, Access::LikeExisting).unwrap();
        f.write_all(b"half of the new").unwrap();
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["a.csv"]);
    }

    #[test]
    fn a_failing_writer_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        write(&path, b"old", Access::LikeExisting).unwrap();
        let err = write_with(&path, Access::LikeExisting, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["a.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_readable_by_the_user_only_and_saves_keep_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("journal.json");
        write(&secret, b"{}", Access::Private).unwrap();
        let mode = std::fs::metadata(&secret).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);

        let shared = dir.path().join("catalog.csv");
        std::fs::write(&shared, b"old").unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o640)).unwrap();
        write(&shared, b"new", Access::LikeExisting).unwrap();
        let mode = std::fs::metadata(&shared).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn leftovers_of_dead_writers_are_swept_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // A pid far above any real one: that writer is gone.
        let dead = dir
            .path()
            .join(format!(".a.csv{TEMP_MARK}4000000000-0badf00d"));
        let mine = dir
            .path()
            .join(format!(".b.csv{TEMP_MARK}{}-0badf00d", std::process::id()));
        let other = dir.path().join("notes.sc-tmp-.txt");
        for p in [&dead, &mine, &other] {
            std::fs::write(p, b"x").unwrap();
        }
        let removed = sweep_leftovers(dir.path()).unwrap();
        if cfg!(target_os = "linux") {
            assert_eq!(removed, 1);
            assert!(!dead.exists());
        }
        assert!(mine.exists());
        assert!(other.exists());
        assert_eq!(sweep_leftovers(&dir.path().join("missing")).unwrap(), 0);
    }

    #[test]
    fn a_failed_commit_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should go: the rename fails.
        let path = dir.path().join("taken");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), b"x").unwrap();
        assert!(write(&path, b"new", Access::LikeExisting).is_err());
        assert_eq!(names(dir.path()), ["taken"]);
    }

    #[test]
    fn a_write_sweeps_what_dead_writers_left_in_its_folder_and_below_on_start() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("journals");
        std::fs::create_dir(&sub).unwrap();
        let dead = format!(".a.csv{TEMP_MARK}4000000000-0badf00d");
        std::fs::write(dir.path().join(&dead), b"x").unwrap();
        std::fs::write(sub.join(&dead), b"x").unwrap();
        if cfg!(target_os = "linux") {
            write(&dir.path().join("a.csv"), b"new", Access::LikeExisting).unwrap();
            assert_eq!(names(dir.path()), ["a.csv", "journals"]);
            assert_eq!(sweep_tree(dir.path()), 1);
            assert!(names(&sub).is_empty());
        }
    }

    #[test]
    fn new_folders_are_made_and_long_names_fit() {
        let dir = tempfile::tempdir().unwrap();
        let long = "x".repeat(250);
        let path = dir.path().join("a").join("b").join(&long);
        write(&path, b"deep", Access::Private).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"deep");
        let mut f = AtomicFile::create(&path, Access::Private).unwrap();
        let temp_name = f.temp_path().file_name().unwrap().len();
        assert!(temp_name <= 255, "{temp_name}");
        f.write_all(b"again").unwrap();
        f.commit().unwrap();
        assert_eq!(names(&dir.path().join("a").join("b")), [long]);
    }

    #[cfg(unix)]
    #[test]
    fn a_save_through_a_link_replaces_the_linked_file_and_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        let link = dir.path().join("link.csv");
        std::fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write(&link, b"new", Access::LikeExisting).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
    }

    #[test]
    fn temporary_names_carry_the_writer() {
        assert_eq!(writer_pid(".a.csv.sc-tmp-42-0badf00d"), Some(42));
        assert_eq!(writer_pid(".a.csv.sc-tmp-42-xyz"), None);
        assert_eq!(writer_pid("a.csv"), None);
    }
}
