//! Where allot keeps its data and logs: the platform data directory, or `ALLOT_DATA_DIR`.

use std::path::PathBuf;

pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("ALLOT_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("", "", "allot")
        .map(|p| p.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".allot"))
}

pub fn default_db() -> PathBuf {
    data_dir().join("workspace.db")
}

pub fn log_dir() -> PathBuf {
    data_dir().join("logs")
}

/// The journal of unsent edits (all workspaces; rows are keyed by workspace).
pub fn journal() -> PathBuf {
    data_dir().join("journal.db")
}
