//! Every command and flag of `ishi`, in one place. `main.rs` turns these into typed work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// ishi (医師) — physician-workforce planning (医師偏在指標, 医師多数・少数区域) and the renewal of
/// plastic-surgery specialists (形成外科領域専門医更新).
///
/// Data goes to stdout (or --output); messages go to stderr. Exit codes: 0 success, 2 bad input
/// (the message names file, row, column and value; nothing is written), 1 any other failure.
#[derive(Debug, Parser)]
#[command(name = "ishi", version, about, long_about = None)]
pub struct Cli {
    /// Print no messages on stderr except errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 医師確保計画: the index and the designation of areas.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// 専門医更新: evaluate renewals, plan what is left, review a membership, produce the forms.
    #[command(subcommand)]
    Renew(RenewCommand),
    /// Write a SYNTHETIC raw-mode input directory (for trying raw mode and for benchmarks).
    Synth(SynthArgs),
    /// Print the licences of what the binary embeds (the IPAex Gothic font of the PDF forms).
    Licenses,
}

#[derive(Debug, Subcommand)]
pub enum RenewCommand {
    /// Evaluate each specialist of the roster for the renewal in its row (R1–R7, R9).
    Check(CheckArgs),
    /// What is left: the fewest lecture hours and activities that would make each renewal pass (R9).
    Plan(RenewPlanArgs),
    /// Review a whole membership for one fiscal year: counts by verdict and failing rule, the committee list.
    Batch(BatchArgs),
    /// The application forms of one specialist (様式1-2, 4, 5, 6-1, 7-1, 8-1) as .xlsx and one PDF (R8).
    Forms(FormsArgs),
    /// Show a renewal rule edition: every value with its source, and the decided interpretations (X1).
    Edition(RenewEditionArgs),
    /// Write a SYNTHETIC membership (specialists.csv, ledger.csv) for trying the engine and for benchmarks.
    Synth(RenewSynthArgs),
}

/// The roster and the ledger (CSV in UTF-8/CP932, or .xlsx).
#[derive(Debug, Args)]
pub struct MembershipArgs {
    /// Roster: specialist_id, name, renewals_completed, renewal_fiscal_year, period_start, period_end
    /// [, extensions, deferral].
    #[arg(long)]
    pub specialists: PathBuf,
    /// Ledger: specialist_id, date, kind, detail, quantity, role, approved, e_learning, evidence.
    #[arg(long)]
    pub ledger: PathBuf,
    /// Only this specialist (by specialist_id).
    #[arg(long)]
    pub id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenewFormatArg {
    /// A JSON array, one object per specialist (the contract).
    Json,
    /// For a person: categories as progress bars, shortfalls and reasons in Japanese.
    Table,
    /// CSV, UTF-8 with BOM: one row per specialist.
    Csv,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub membership: MembershipArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: RenewFormatArg,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RenewPlanArgs {
    #[command(flatten)]
    pub membership: MembershipArgs,
    /// Reference date (YYYY-MM-DD) for the days left; default: today.
    #[arg(long)]
    pub today: Option<String>,
    /// Output format (json or table).
    #[arg(long, value_enum, default_value = "json")]
    pub format: RenewFormatArg,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    #[command(flatten)]
    pub membership: MembershipArgs,
    /// The fiscal year (年度) whose renewals to review.
    #[arg(long)]
    pub fiscal_year: i32,
    /// The committee list: .csv (UTF-8 with BOM) or .xlsx (with a sheet of every reason).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Format of the summary on stdout (table or json).
    #[arg(long, value_enum, default_value = "table")]
    pub format: RenewFormatArg,
}

#[derive(Debug, Args)]
pub struct FormsArgs {
    #[command(flatten)]
    pub membership: MembershipArgs,
    /// Directory to write `<id>_様式.xlsx` and `<id>_様式.pdf` into (created if missing).
    #[arg(long, short)]
    pub output: PathBuf,
    /// Date printed on the forms (YYYY-MM-DD); default: today.
    #[arg(long)]
    pub today: Option<String>,
}

#[derive(Debug, Args)]
pub struct RenewEditionArgs {
    /// Edition to show: FY2015 … FY2019 (transition) or FY2020 (full criteria).
    #[arg(long, default_value = "FY2020")]
    pub edition: String,
}

#[derive(Debug, Args)]
pub struct RenewSynthArgs {
    /// Directory to write specialists.csv and ledger.csv into (created if missing).
    #[arg(long, short)]
    pub output: PathBuf,
    /// Number of specialists.
    #[arg(long, default_value_t = 1000)]
    pub specialists: usize,
    /// Ledger rows per specialist.
    #[arg(long, default_value_t = 50)]
    pub activities: usize,
    /// Seed of the generator (same seed, same data).
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Rank and designate every area (P2, P3): index, rank, mechanical and decided designation.
    Table(TableArgs),
    /// Draw the rank chart as SVG: bars by rank, thresholds as lines, colours by designation.
    Chart(ChartArgs),
    /// Show a rule edition: every value with its source (X1).
    Edition(EditionArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    /// 二次医療圏.
    Secondary,
    /// 三次医療圏 (都道府県).
    Tertiary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Aligned text for people, thresholds printed above.
    Table,
    /// CSV, UTF-8 with BOM (opens correctly in Excel).
    Csv,
    /// A JSON array, one object per area.
    Json,
    /// An Excel workbook (needs --output, or stdout redirected to a file).
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VariantArg {
    /// 外来医師偏在指標 (clinic physicians; top 1/3 = 外来医師多数区域).
    Outpatient,
    /// 分娩取扱医師偏在指標 (産科; bottom 1/3 = 相対的医師少数区域).
    Obstetrics,
    /// 小児科医師偏在指標 (bottom 1/3 = 相対的医師少数区域).
    Pediatrics,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    /// Input order (area code order for the shipped data).
    Code,
    /// By rank, 1 = highest index.
    Rank,
}

/// Where the areas come from and how they are designated.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Level to designate.
    #[arg(long, value_enum, default_value = "secondary")]
    pub level: LevelArg,
    /// Rule edition: 2019 (第7次, rank mode) or 2024 (第8次前期, fixed secondary cut-offs).
    #[arg(long, default_value = "2024")]
    pub edition: String,
    /// Published-components table (.csv in UTF-8/CP932 or .xlsx). Secondary: area_code, prefecture,
    /// area, index, std_physicians, population_100k, std_utilization_ratio (empty index = computed).
    /// Tertiary: pref_code, prefecture, index. Default: the shipped 2024 MHLW data.
    #[arg(long, conflicts_with = "raw")]
    pub input: Option<PathBuf>,
    /// Raw-mode directory (areas, physicians or physician_counts, population, rates, hours,
    /// parameters, optional flows and variant_inputs): the index is computed (P2.1–P2.6).
    #[arg(long)]
    pub raw: Option<PathBuf>,
    /// With --raw: compute a variant index (P2.9) instead of the all-physician index.
    #[arg(long, value_enum, requires = "raw")]
    pub variant: Option<VariantArg>,
    /// Overrides (P3.3): code, decided, reason, decided_by, decided_on — every column required.
    #[arg(long)]
    pub overrides: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TableArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: FormatArg,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Row order.
    #[arg(long, value_enum, default_value = "code")]
    pub sort: SortArg,
}

#[derive(Debug, Args)]
pub struct ChartArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// The SVG file to write.
    #[arg(long, short)]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct EditionArgs {
    /// Rule edition to show.
    #[arg(long, default_value = "2024")]
    pub edition: String,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Directory to write (created if missing).
    #[arg(long, short)]
    pub output: PathBuf,
    /// Number of physician records.
    #[arg(long, default_value_t = 340_000)]
    pub physicians: usize,
    /// Number of 二次医療圏.
    #[arg(long, default_value_t = 330)]
    pub areas: usize,
    /// Number of 三次医療圏.
    #[arg(long, default_value_t = 47)]
    pub tertiary: usize,
    /// Seed of the generator (same seed, same data).
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
}
