// mimalloc: the LRS allocates and frees many small JSON nodes per request; glibc's allocator
// spent a fifth of the CPU there and fragmented across threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{CommandFactory, FromArgMatches};

/// The server's commands, and `simulate` from the simulator crate, which the server library
/// does not depend on.
fn main() -> std::process::ExitCode {
    let matches = lrs::cli::Cli::command()
        .subcommand(lrs_simulator::cli::command())
        .get_matches();
    match matches.subcommand() {
        Some(("simulate", args)) => {
            let args = lrs_simulator::cli::SimulateArgs::from_arg_matches(args)
                .unwrap_or_else(|e| e.exit());
            lrs::cli::execute(&lrs::cli::config(&matches), lrs_simulator::cli::run(args))
        }
        _ => lrs::cli::run(&matches),
    }
}
