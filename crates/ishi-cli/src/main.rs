//! `ishi` — the command line. Arguments become typed work here; the work itself is in the library
//! crates. Data to stdout, messages to stderr; exit 2 on bad input.

mod certify;
mod cli;
mod context;
mod cycle;
mod dispatch;
mod plan;
mod policy;
mod renew;
mod serve;
mod supply;
mod targets;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, PlanCommand, RenewCommand, UserCommand};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let log = plan::Log { quiet: cli.quiet };
    let result = match cli.command {
        Command::Plan(PlanCommand::Table(args)) => plan::table(&args, &log),
        Command::Plan(PlanCommand::Chart(args)) => plan::chart(&args, &log),
        Command::Plan(PlanCommand::Edition(args)) => plan::edition(&args),
        Command::Plan(PlanCommand::Targets(args)) => targets::targets(&args, &log),
        Command::Plan(PlanCommand::Future(args)) => targets::future(&args, &log),
        Command::Plan(PlanCommand::Supply(args)) => supply::supply(&args, &log),
        Command::Plan(PlanCommand::Policy(args)) => policy::policy(&args, &log),
        Command::Plan(PlanCommand::Dispatch(args)) => dispatch::run(&args, &log),
        Command::Plan(PlanCommand::Certify(args)) => certify::certify(&args, &log),
        Command::Plan(PlanCommand::Population(args)) => plan::population(&args, &log),
        Command::Plan(PlanCommand::Save(args)) => cycle::save(&args, &log),
        Command::Plan(PlanCommand::Diff(args)) => cycle::diff(&args, &log),
        Command::Plan(PlanCommand::Backtest(args)) => cycle::backtest(&args, &log),
        Command::Renew(RenewCommand::Check(args)) => renew::check(&args, &log),
        Command::Renew(RenewCommand::Plan(args)) => renew::plan(&args, &log),
        Command::Renew(RenewCommand::Batch(args)) => renew::batch(&args, &log),
        Command::Renew(RenewCommand::Forms(args)) => renew::forms(&args, &log),
        Command::Renew(RenewCommand::Edition(args)) => renew::edition(&args),
        Command::Renew(RenewCommand::Synth(args)) => renew::synth(&args, &log),
        Command::Synth(args) => plan::synth(&args, &log),
        Command::Serve(args) => serve::serve(&args),
        Command::User(UserCommand::Add(args)) => serve::user_add(&args),
        Command::User(UserCommand::List(args)) => serve::user_list(&args),
        Command::Licenses => {
            use std::io::Write;
            let text = format!(
                "ishi — Apache-2.0.\n\nThe PDF forms embed IPAex Gothic (IPAexゴシック), under this licence:\n\n{}\n",
                ishi_forms::FONT_LICENSE
            );
            std::io::stdout().lock().write_all(text.as_bytes()).map_err(anyhow::Error::from)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            let input = err.downcast_ref::<ishi_io::IoError>().is_some_and(|e| e.is_input())
                || err.downcast_ref::<ishi_io::InputError>().is_some()
                || err.downcast_ref::<ishi_plan::PlanError>().is_some()
                || err.downcast_ref::<ishi_plan::dispatch::DispatchError>().is_some()
                || err.downcast_ref::<ishi_plan::certification::CertificationError>().is_some()
                || err.downcast_ref::<ishi_plan::supply::SupplyError>().is_some()
                || err.downcast_ref::<ishi_plan::population::PopulationError>().is_some()
                || err.downcast_ref::<ishi_renewal::RenewalError>().is_some()
                || err.downcast_ref::<ishi_server::AppError>().is_some_and(|e| {
                    matches!(e, ishi_server::AppError::BadRequest { .. } | ishi_server::AppError::Conflict(_))
                })
                || err
                    .downcast_ref::<ishi_io::shipped_plan::ShippedPlanError>()
                    .is_some_and(|e| !matches!(e, ishi_io::shipped_plan::ShippedPlanError::Missing(_)));
            ExitCode::from(if input { 2 } else { 1 })
        }
    }
}
