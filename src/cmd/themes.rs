//! `biopage themes`: the built-in themes, one per line.

use clap::Args as ClapArgs;

#[derive(Debug, ClapArgs)]
pub struct Args {}

impl Args {
    pub fn run(&self) -> Result<(), crate::diag::Failure> {
        for (name, description) in crate::themes::builtin_names() {
            println!("{name}\t{description}");
        }
        Ok(())
    }
}
