use biopage::diag::Failure;
use clap::Parser;
use std::process::ExitCode;

/// Agency builds render thousands of pages on every core; glibc's allocator
/// spent a large share of their CPU time in its free lists, mimalloc a
/// small fraction of that (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = biopage::cli::Cli::parse();
    match cli.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(diags)) => {
            let diags = diags.sorted();
            for d in diags.iter() {
                eprint!("{d}");
                eprintln!();
            }
            eprintln!("{}", cli.failure_line(diags.error_count()));
            ExitCode::from(1)
        }
        Err(Failure::Reported) => ExitCode::from(1),
        Err(Failure::Usage(d)) => {
            eprint!("{d}");
            ExitCode::from(2)
        }
        Err(Failure::Environment(e)) => {
            // paths and values in the message may hold terminal controls
            eprintln!("error: {}", biopage::diag::terminal_safe(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}
