//! One module per command, each an `Args` struct with `run()`.
pub mod build;
pub mod init;
pub mod themes;
