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
    /// 医師確保計画: index, designation, targets, the future, policy, dispatch, 大臣認定, plan editions.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// 専門医更新: evaluate renewals, plan what is left, review a membership, produce the forms.
    #[command(subcommand)]
    Renew(RenewCommand),
    /// Write a SYNTHETIC raw-mode input directory (for trying raw mode and for benchmarks).
    Synth(SynthArgs),
    /// Run the web workspace: JSON API, Japanese pages, accounts and the audit log (SQLite by default).
    Serve(ServeArgs),
    /// Accounts of the web workspace.
    #[command(subcommand)]
    User(UserCommand),
    /// Print the licences of what the binary embeds (the IPAex Gothic font of the PDF forms).
    Licenses,
}

/// Where the workspace keeps its data.
#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Directory of the embedded SQLite database `ishi.db` (created if missing). Default: the per-user
    /// data directory ($XDG_DATA_HOME/ishi or ~/.local/share/ishi).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Use this database instead of the embedded one: postgres://USER:PASSWORD@HOST:PORT/DB (or sqlite://PATH).
    /// Also read from ISHI_DATABASE_URL.
    #[arg(long, env = "ISHI_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// TCP port to listen on.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on (127.0.0.1: this machine only; 0.0.0.0: every interface, behind a TLS proxy).
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Send the session cookie without the `Secure` attribute, for plain HTTP to a host other than
    /// localhost (browsers already accept Secure cookies on http://localhost and http://127.0.0.1).
    #[arg(long)]
    pub insecure_cookies: bool,
    /// Import the fictional example roster and ledgers of `examples/renewal/` (five specialists named
    /// 架空…) when the database has no specialist yet: a workspace to try the renewal pages on. Never
    /// for a real society's database.
    #[arg(long)]
    pub examples: bool,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account (the password is read from stdin, one line).
    Add(UserAddArgs),
    /// List the accounts.
    List(UserListArgs),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Login id (ASCII letters, digits, . _ - @).
    #[arg(long)]
    pub login: String,
    /// Name shown in the workspace and the audit log (defaults to the login).
    #[arg(long)]
    pub name: Option<String>,
    /// admin, planner (needs --prefecture), committee, or specialist (needs --specialist).
    #[arg(long)]
    pub role: String,
    /// Two-digit prefecture code of a planner (01–47).
    #[arg(long)]
    pub prefecture: Option<String>,
    /// Roster id of a specialist.
    #[arg(long)]
    pub specialist: Option<String>,
    /// Read the password from stdin (required: passwords never go on the command line).
    #[arg(long, required = true)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct UserListArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
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
    /// 目標医師数 of every area for the plan period (P4), and the tertiary consistency check (P4.4).
    Targets(TargetsArgs),
    /// 必要医師数 and 偏在対策基準医師数 in the future year, and the gap to the projected supply (P5).
    Future(FutureArgs),
    /// 医師供給推計: supply by prefecture from cohort counts (P5.3), as a range or seeded percentile bands.
    Supply(SupplyArgs),
    /// 医師の確保の方針 of every area: measures and recruitment from outside (P6, 少数地区 P1.3).
    Policy(PolicyArgs),
    /// 派遣調整: the minimum-cost dispatch of physicians that obeys every rule (P7).
    Dispatch(DispatchArgs),
    /// 大臣認定: whether each physician's work history qualifies (P8), with the reasons and the period.
    Certify(CertifyArgs),
    /// Population of every 二次医療圏 (住民基本台帳 2025, IPSS projection) and the areas not matched.
    Population(PopulationArgs),
    /// Save the plan (designations, overrides, targets, policy) as an edition file (P9).
    Save(SaveArgs),
    /// What changed between two saved plan editions (P9).
    Diff(DiffArgs),
    /// Compare the targets of a saved edition with the physicians counted at plan end (P9).
    Backtest(BacktestArgs),
}

/// Where and how a planning step writes its result.
#[derive(Debug, Args)]
pub struct StepOutput {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: StepFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// Output formats of the planning steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StepFormat {
    /// Aligned text for people.
    Table,
    /// CSV, UTF-8 with BOM.
    Csv,
    /// JSON.
    Json,
}

#[derive(Debug, Args)]
pub struct TargetsArgs {
    /// Rule edition: 2019 (thresholds for 少数 areas, P4.1–P4.2) or 2024 (第8次 ceilings, P4.3).
    #[arg(long, default_value = "2024")]
    pub edition: String,
    /// Your own secondary areas instead of the shipped data: area_code,tertiary_code,designation,
    /// current,index,population_end,ratio_end (designation decided, at plan start).
    #[arg(long, requires = "tertiary")]
    pub areas: Option<PathBuf>,
    /// With --areas: the tertiary areas, tertiary_code,designation,current,index,population_end,ratio_end.
    #[arg(long, requires = "areas")]
    pub tertiary: Option<PathBuf>,
    /// With --areas: 全国値 at plan start (the P4.2 reference); default: the shipped 2024 value.
    #[arg(long, requires = "areas")]
    pub national_value: Option<f64>,
    /// Overrides of the secondary designations (P3.3): code, decided, reason, decided_by, decided_on.
    #[arg(long)]
    pub overrides: Option<PathBuf>,
    /// Targets the prefecture sets itself (P4.2): area_code,target. They win over the computed values.
    #[arg(long)]
    pub set: Option<PathBuf>,
    /// Population and ratio at plan end supplied by the user: area_code,year,population,std_utilization_ratio
    /// (either value may be empty). A supplied value always wins over the shipped projection.
    #[arg(long)]
    pub population: Option<PathBuf>,
    #[command(flatten)]
    pub out: StepOutput,
}

#[derive(Debug, Args)]
pub struct FutureArgs {
    /// Rule edition (its future year and bottom threshold).
    #[arg(long, default_value = "2024")]
    pub edition: String,
    /// The future year; default: the edition's (2036).
    #[arg(long)]
    pub year: Option<i32>,
    /// 全国値 in the future year when national supply equals demand (P5.1). Default: today's national
    /// value (255.6), an approximation stated in the output.
    #[arg(long)]
    pub national_value: Option<f64>,
    /// Projected physicians per area in the future year: area_code,supply. Default: today's count held
    /// constant (stated in the output).
    #[arg(long)]
    pub supply: Option<PathBuf>,
    /// Population and ratio supplied by the user (as for `plan targets`).
    #[arg(long)]
    pub population: Option<PathBuf>,
    #[command(flatten)]
    pub out: StepOutput,
}

#[derive(Debug, Args)]
pub struct SupplyArgs {
    /// Cohorts: prefecture_code,survey_year,table,sex,years_since_registration,physicians (table
    /// survey = 三師調査, regional_quota = 地域枠; README «Supply projection»).
    #[arg(long)]
    pub cohorts: Option<PathBuf>,
    /// The national macro projection to scale to: year,physicians.
    #[arg(long, requires = "cohorts")]
    pub national: Option<PathBuf>,
    /// The national figures count the 地域枠 physicians too.
    #[arg(long, requires = "national")]
    pub national_includes_quota: bool,
    /// Current physicians of secondary areas for their shares: area_code,prefecture_code,physicians.
    #[arg(long, requires = "cohorts")]
    pub secondary: Option<PathBuf>,
    /// Run on SYNTHETIC cohorts of 47 prefectures instead (the real counts are not public).
    #[arg(long)]
    pub synthetic: bool,
    /// Observation window FROM-TO (e.g. 2016-2020); repeat for several. Default: each pair of
    /// consecutive surveys.
    #[arg(long)]
    pub window: Vec<String>,
    /// The last projected year; default: the future year of the supply edition (2036).
    #[arg(long)]
    pub horizon: Option<i32>,
    /// Stochastic mode: this many seeded runs, reported as percentile bands.
    #[arg(long)]
    pub runs: Option<usize>,
    /// Seed of the stochastic runs (and of --synthetic); printed with the result.
    #[arg(long, default_value_t = 2036)]
    pub seed: u64,
    #[command(flatten)]
    pub out: StepOutput,
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Areas: area_code,tertiary_code,current,future,contains_minority_district (多数/中程度/少数;
    /// true/false). Default: the shipped 2024 areas, future designations from the 2036 population.
    #[arg(long)]
    pub areas: Option<PathBuf>,
    /// Tertiary areas: tertiary_code,current,future. Default: the shipped 2024 prefectures.
    #[arg(long)]
    pub tertiary: Option<PathBuf>,
    /// 医師少数地区 (P1.3): name,area_code,basis,reason,designated — each designated district marks its
    /// secondary area as containing one (P6.5), besides the areas file's own column.
    #[arg(long)]
    pub districts: Option<PathBuf>,
    /// Which areas to list: the secondary areas (the contract) or the tertiary areas.
    #[arg(long, value_enum, default_value = "secondary")]
    pub level: LevelArg,
    #[command(flatten)]
    pub out: StepOutput,
}

#[derive(Debug, Args)]
pub struct DispatchArgs {
    /// Areas: area_code,tertiary_code,designation,tertiary_designation,supply,demand (designation
    /// 多数/中程度/少数/少数地区; supply = physicians it can release, demand = its shortfall). Default: the
    /// shipped 2024 areas with their targets.
    #[arg(long)]
    pub areas: Option<PathBuf>,
    /// Costs: from,to,cost (whole numbers; a missing pair means the move is not possible). Default: the
    /// stated default cost of every legal pair (crates/ishi-plan/editions/dispatch.toml).
    #[arg(long)]
    pub costs: Option<PathBuf>,
    #[command(flatten)]
    pub out: StepOutput,
}

#[derive(Debug, Args)]
pub struct CertifyArgs {
    /// Work history (.csv in UTF-8/CP932 or .xlsx): physician_id, licence_date, record (work/leave),
    /// start, end, institution, area_code, area_kind, hours_per_week, work_kind, short_time,
    /// leave_reason, duties — one row per period (README «大臣認定»).
    #[arg(long)]
    pub history: PathBuf,
    /// Reference date (YYYY-MM-DD): work after it does not count yet; default: today.
    #[arg(long)]
    pub date: Option<String>,
    #[command(flatten)]
    pub out: StepOutput,
}

#[derive(Debug, Args)]
pub struct PopulationArgs {
    /// Also list the municipalities and areas that could not be matched.
    #[arg(long)]
    pub unmatched: bool,
    #[command(flatten)]
    pub out: StepOutput,
}

#[derive(Debug, Args)]
pub struct SaveArgs {
    /// Rule edition.
    #[arg(long, default_value = "2024")]
    pub edition: String,
    /// Name of the plan edition (e.g. 2024-第8次前期).
    #[arg(long, default_value = "2024-第8次前期")]
    pub id: String,
    /// Overrides of the secondary designations (P3.3).
    #[arg(long)]
    pub overrides: Option<PathBuf>,
    /// Targets the prefecture sets itself (P4.2): area_code,target.
    #[arg(long)]
    pub set: Option<PathBuf>,
    /// The edition file to write (JSON).
    #[arg(long, short)]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier edition file.
    pub before: PathBuf,
    /// The later edition file.
    pub after: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: StepFormat,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// The saved edition whose targets are tested.
    #[arg(long)]
    pub edition: PathBuf,
    /// Physicians counted at plan end: area_code,actual.
    #[arg(long)]
    pub actual: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: StepFormat,
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
