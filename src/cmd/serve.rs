//! `biopage serve`: a live preview of one site (or one creator of an
//! agency), rebuilt and reloaded on every save.

use crate::diag::Failure;
use clap::Args as ClapArgs;
use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The site directory (holds profile.toml), or an agency (holds
    /// agency.toml; give --only).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Agency: preview this creator, built with agency.toml's defaults.
    #[arg(long, value_name = "HANDLE")]
    pub only: Option<String>,
    /// The port to listen on [default: 1111, or any free port if 1111 is
    /// taken]. A port given here must be free; 0 picks any free port.
    #[arg(short, long)]
    pub port: Option<u16>,
    /// The address to listen on; 0.0.0.0 lets other devices (a phone on the
    /// same Wi-Fi) connect.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
}

impl Args {
    pub fn run(&self) -> Result<(), Failure> {
        crate::serve::run(&crate::serve::Config {
            dir: self.dir.clone(),
            bind: self.bind,
            port: self.port,
            open: self.open,
            only: self.only.clone(),
        })
    }
}
