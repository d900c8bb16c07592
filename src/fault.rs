//! Fault injection for the crash-safety tests: every step that changes the
//! output directory or its record (an exchange, a rename, each file and
//! folder removed) first calls [`step`]. With `BIOPAGE_FAULT_KILL_AT=N` in
//! the environment, the N-th step kills the process with SIGKILL, as a
//! power cut or an OOM killer would, so a test can stop a build at every
//! such instant in turn and check what it left. Without the variable a step
//! is one relaxed atomic increment.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

static STEPS: AtomicU64 = AtomicU64::new(0);

fn target() -> Option<u64> {
    static TARGET: OnceLock<Option<u64>> = OnceLock::new();
    *TARGET.get_or_init(|| {
        std::env::var("BIOPAGE_FAULT_KILL_AT")
            .ok()
            .and_then(|v| v.parse().ok())
    })
}

/// Whether the tests asked for the non-atomic swap (rename aside, rename
/// in), which systems without an exchange use, so that it is tested too.
pub fn exchange_disabled() -> bool {
    static OFF: OnceLock<bool> = OnceLock::new();
    *OFF.get_or_init(|| std::env::var_os("BIOPAGE_FAULT_NO_EXCHANGE").is_some())
}

/// One step that changes the output; see the module's doc.
pub fn step() {
    let n = STEPS.fetch_add(1, Ordering::Relaxed) + 1;
    if target() == Some(n) {
        kill();
    }
}

#[cfg(unix)]
fn kill() {
    // SIGKILL: no destructor, no cleanup, nothing flushed
    unsafe {
        libc::kill(libc::getpid(), libc::SIGKILL);
    }
}

#[cfg(not(unix))]
fn kill() {
    std::process::abort();
}

/// Removes a directory tree. Under test, one entry at a time, each a
/// [`step`], children before their folder: what `remove_dir_all` does,
/// made observable (which is slower, so not otherwise).
pub fn remove_tree(path: &std::path::Path) -> std::io::Result<()> {
    if target().is_none() {
        step();
        return std::fs::remove_dir_all(path);
    }
    remove_stepwise(path)
}

fn remove_stepwise(path: &std::path::Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.is_dir() {
        step();
        return std::fs::remove_file(path);
    }
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            remove_stepwise(&entry.path())?;
        } else {
            step();
            std::fs::remove_file(entry.path())?;
        }
    }
    step();
    std::fs::remove_dir(path)
}

/// Removes one file, as one [`step`].
pub fn remove_file(path: &std::path::Path) -> std::io::Result<()> {
    step();
    std::fs::remove_file(path)
}
