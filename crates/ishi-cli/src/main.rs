//! `ishi` — the command line. Arguments become typed work here; the work itself is in the library
//! crates. Data to stdout, messages to stderr; exit 2 on bad input.

mod cli;
mod plan;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, PlanCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let log = plan::Log { quiet: cli.quiet };
    let result = match cli.command {
        Command::Plan(PlanCommand::Table(args)) => plan::table(&args, &log),
        Command::Plan(PlanCommand::Chart(args)) => plan::chart(&args, &log),
        Command::Plan(PlanCommand::Edition(args)) => plan::edition(&args),
        Command::Synth(args) => plan::synth(&args, &log),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            let input = err.downcast_ref::<ishi_io::IoError>().is_some_and(|e| e.is_input())
                || err.downcast_ref::<ishi_io::InputError>().is_some()
                || err.downcast_ref::<ishi_plan::PlanError>().is_some();
            ExitCode::from(if input { 2 } else { 1 })
        }
    }
}
