//! One module per command, each an `Args` struct with `run()`.
pub mod brief;
pub mod build;
pub mod check;
pub mod init;
pub mod links;
pub mod report;
pub mod serve;
pub mod themes;
