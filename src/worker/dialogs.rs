//! File dialogs, asked for on the worker so that no frame ever waits for one. The desktop
//! shows the system dialog (rfd's asynchronous dialog: the XDG portal on Linux); tests give a
//! [`ScriptedPicker`] that answers with the paths they chose and remembers what was asked.

use std::collections::VecDeque;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};

/// What a file dialog asks the user for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRequest {
    /// The dialog's title.
    pub title: String,
    /// `Some(suggested file name)` to choose where to save; `None` to pick a file to open.
    pub save_as: Option<String>,
    /// File type filters: a name and its extensions.
    pub filters: Vec<(String, Vec<String>)>,
    /// The folder the dialog starts in, when it matters (beside a source file).
    pub directory: Option<PathBuf>,
    /// Pick a folder, not a file.
    pub folder: bool,
}

impl FileRequest {
    /// A dialog that picks an existing file.
    #[must_use]
    pub fn open(title: &str) -> Self {
        FileRequest {
            title: title.to_owned(),
            save_as: None,
            filters: Vec::new(),
            directory: None,
            folder: false,
        }
    }

    /// A dialog that picks an existing folder.
    #[must_use]
    pub fn folder(title: &str) -> Self {
        FileRequest {
            folder: true,
            ..FileRequest::open(title)
        }
    }

    /// A dialog that chooses where to save, suggesting `file_name`.
    #[must_use]
    pub fn save(title: &str, file_name: &str) -> Self {
        FileRequest {
            title: title.to_owned(),
            save_as: Some(file_name.to_owned()),
            filters: Vec::new(),
            directory: None,
            folder: false,
        }
    }

    /// Adds a file type filter (`"CSV"`, `&["csv"]`).
    #[must_use]
    pub fn filter(mut self, name: &str, extensions: &[&str]) -> Self {
        self.filters.push((
            name.to_owned(),
            extensions.iter().map(|e| (*e).to_owned()).collect(),
        ));
        self
    }

    /// Starts the dialog in `directory`.
    #[must_use]
    pub fn starting_in(mut self, directory: Option<PathBuf>) -> Self {
        self.directory = directory;
        self
    }
}

/// The user's answer: a path, or `None` when the dialog was cancelled.
pub type Picked = Pin<Box<dyn Future<Output = Option<PathBuf>> + Send>>;

/// Shows file dialogs.
pub trait FilePicker: Send + Sync {
    /// Asks the user; the future ends when they answer.
    fn pick(&self, request: FileRequest) -> Picked;
}

/// The system's file dialogs.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemDialogs;

impl FilePicker for SystemDialogs {
    fn pick(&self, request: FileRequest) -> Picked {
        let mut dialog = rfd::AsyncFileDialog::new().set_title(&request.title);
        for (name, extensions) in &request.filters {
            dialog = dialog.add_filter(name, extensions);
        }
        if let Some(dir) = &request.directory {
            dialog = dialog.set_directory(dir);
        }
        Box::pin(async move {
            let handle = match request.save_as {
                Some(name) => dialog.set_file_name(&name).save_file().await,
                None if request.folder => dialog.pick_folder().await,
                None => dialog.pick_file().await,
            };
            handle.map(|h| h.path().to_path_buf())
        })
    }
}

/// Answers dialogs from a list given in advance (tests); once the list is used up every
/// dialog is cancelled. Keeps every request, so tests can check what was asked.
#[derive(Debug, Default)]
pub struct ScriptedPicker {
    answers: Mutex<VecDeque<Option<PathBuf>>>,
    asked: Mutex<Vec<FileRequest>>,
}

impl ScriptedPicker {
    /// A picker that gives these answers, in order.
    #[must_use]
    pub fn answering(answers: impl IntoIterator<Item = Option<PathBuf>>) -> Self {
        ScriptedPicker {
            answers: Mutex::new(answers.into_iter().collect()),
            asked: Mutex::new(Vec::new()),
        }
    }

    /// The dialogs asked for so far.
    #[must_use]
    pub fn asked(&self) -> Vec<FileRequest> {
        self.asked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl FilePicker for ScriptedPicker {
    fn pick(&self, request: FileRequest) -> Picked {
        self.asked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request);
        let answer = self
            .answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
            .flatten();
        Box::pin(std::future::ready(answer))
    }
}
