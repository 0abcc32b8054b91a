//! The plan on the shipped data: the 2024 index tables designated under an edition, with the shipped
//! population projection — what `plan targets`, `future`, `policy`, `dispatch` and `save` run on when
//! no files are given.

use std::collections::HashMap;

use ishi_plan::designation::{Override, Thresholds};
use ishi_plan::future::{FutureInput, FutureNeed, FutureParameters, future_need};
use ishi_plan::plan_edition::{PlanEdition, PlanParameters};
use ishi_plan::policy::{SecondaryStatus, TertiaryStatus, secondary_policies, tertiary_policies};
use ishi_plan::population::PopulationError;
use ishi_plan::population::{PopulationOverrides, PopulationProjection, future_area};
use ishi_plan::target::{
    AreaTarget, ConsistencyViolation, TargetInput, TargetParameters, TertiaryTotals, check_tertiary_consistency,
    compute_targets,
};
use ishi_plan::{AreaCode, Designation, Level, PlanError, PlanTable, RuleEdition};

use crate::shipped;

/// Why the plan on the shipped data could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum ShippedPlanError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Population(#[from] PopulationError),
    /// The shipped data or the edition lacks something the step needs.
    #[error("{0}")]
    Missing(String),
}

type Result<T, E = ShippedPlanError> = std::result::Result<T, E>;

fn missing(message: impl Into<String>) -> ShippedPlanError {
    ShippedPlanError::Missing(message.into())
}

/// Demand of one area in a year: population, ratio, and where each came from.
#[derive(Debug, Clone)]
pub struct AreaDemand {
    pub code: AreaCode,
    pub population: f64,
    pub ratio: f64,
}

impl AreaDemand {
    fn demand_100k(&self) -> f64 {
        self.population / 100_000.0 * self.ratio
    }
}

pub struct ShippedPlan {
    pub edition: RuleEdition,
    pub secondary: PlanTable,
    pub tertiary: PlanTable,
    pub national: f64,
    projections: HashMap<AreaCode, PopulationProjection>,
    /// Secondary areas without a municipality match in the shipped projection, and why: their
    /// future population follows their prefecture's projected change.
    pub unmatched: Vec<(AreaCode, String)>,
}

/// Statement printed with every figure that rests on the shipped projection.
pub const APPROXIMATIONS: &str = "将来の人口: 国立社会保障・人口問題研究所「日本の地域別将来推計人口（令和5年推計）」を二次医療圏に集計し幾何補間; \
     標準化受療率比: 現在（令和6年1月公表）の値を据え置き（性・年齢階級別の全国受療率が非公開のため）";

impl ShippedPlan {
    /// The shipped 2024 areas designated under `edition_id`, with secondary `overrides` (P3.3).
    pub fn load(edition_id: &str, overrides: &[Override]) -> Result<Self> {
        let edition = RuleEdition::builtin(edition_id)?;
        let national = shipped::national_2024();
        let secondary =
            PlanTable::build(Level::Secondary, &edition, shipped::secondary_areas_2024(), Some(national), overrides)?;
        let tertiary = PlanTable::build(Level::Tertiary, &edition, shipped::prefectures_2024(), Some(national), &[])?;
        let mut projections = HashMap::new();
        for p in crate::population::shipped_area_projection() {
            projections.insert(p.code.clone(), p);
        }
        let listed = crate::population::shipped_unmatched();
        let unmatched: Vec<(AreaCode, String)> = secondary
            .rows
            .iter()
            .filter(|r| !projections.contains_key(&r.entry.code))
            .map(|r| {
                let why = listed
                    .iter()
                    .find(|u| u.kind == "area" && u.code == r.entry.code.as_str())
                    .map_or("no projection".to_string(), |u| u.reason.clone());
                (r.entry.code.clone(), why)
            })
            .collect();
        Ok(Self { edition, secondary, tertiary, national, projections, unmatched })
    }

    fn components(&self, code: &AreaCode) -> Result<ishi_plan::components::Components> {
        self.secondary
            .rows
            .iter()
            .find(|r| &r.entry.code == code)
            .and_then(|r| r.entry.components)
            .ok_or_else(|| missing(format!("area {code}: no components")))
    }

    /// Population change of a prefecture between the projection's first year and `year`, from its
    /// matched areas — used for an area without a projection of its own.
    fn prefecture_change(&self, pref: &str, year: u16) -> Option<f64> {
        let (mut first, mut then) = (0.0, 0.0);
        for (code, p) in &self.projections {
            if code.as_str().starts_with(pref) {
                first += p.at(p.first_year())?;
                then += p.at(year)?;
            }
        }
        (first > 0.0).then(|| then / first)
    }

    /// Population and ratio of every secondary area in `year` (user values win).
    pub fn secondary_demand(&self, year: i32, overrides: &PopulationOverrides) -> Result<Vec<AreaDemand>> {
        let year = u16::try_from(year).map_err(|_| missing(format!("year {year} is out of range")))?;
        self.secondary
            .rows
            .iter()
            .map(|r| {
                let code = &r.entry.code;
                let c = self.components(code)?;
                match self.projections.get(code) {
                    Some(p) => {
                        let f = future_area(code, year, Some(p), Some(c.std_utilization_ratio), overrides)?;
                        Ok(AreaDemand {
                            code: code.clone(),
                            population: f.population.value,
                            ratio: f.std_utilization_ratio.value,
                        })
                    }
                    None => {
                        let ratio = overrides.std_utilization_ratio(code, year).unwrap_or(c.std_utilization_ratio);
                        if let Some(population) = overrides.population(code, year) {
                            return Ok(AreaDemand { code: code.clone(), population, ratio });
                        }
                        let change = self.prefecture_change(&code.as_str()[..2], year).ok_or_else(|| {
                            missing(format!(
                                "area {code}: no population projection for {year}; supply one with --population"
                            ))
                        })?;
                        Ok(AreaDemand { code: code.clone(), population: c.population * change, ratio })
                    }
                }
            })
            .collect()
    }

    /// Tertiary demand = Σ of its secondary areas' demand (the ratio is population-weighted, which is
    /// what the expected-rate definition of P2.3 gives for a union of areas).
    pub fn tertiary_demand(&self, secondary: &[AreaDemand]) -> Vec<AreaDemand> {
        self.tertiary
            .rows
            .iter()
            .map(|t| {
                let code = &t.entry.code;
                let members: Vec<&AreaDemand> =
                    secondary.iter().filter(|a| a.code.as_str().starts_with(code.as_str())).collect();
                let population: f64 = members.iter().map(|a| a.population).sum();
                let demand: f64 = members.iter().map(|a| a.demand_100k()).sum();
                AreaDemand { code: code.clone(), population, ratio: demand * 100_000.0 / population }
            })
            .collect()
    }

    fn current_physicians(&self, code: &AreaCode) -> f64 {
        self.secondary
            .rows
            .iter()
            .filter(|r| r.entry.code.as_str().starts_with(code.as_str()))
            .filter_map(|r| r.entry.components.map(|c| c.std_physicians))
            .sum()
    }

    /// P4 on the shipped data: secondary and tertiary targets, and the P4.4 violations.
    pub fn targets(
        &self,
        set: &[(AreaCode, f64)],
        overrides: &PopulationOverrides,
    ) -> Result<(Vec<AreaTarget>, Vec<AreaTarget>, Vec<ConsistencyViolation>)> {
        let plan = &self.edition.plan;
        let sec_demand = self.secondary_demand(plan.end_year.value, overrides)?;
        let ter_demand = self.tertiary_demand(&sec_demand);
        let per = self.edition.index.per_population.value;
        let method = plan.target_method.value;
        let params = |t: &Thresholds| -> Result<TargetParameters> {
            Ok(TargetParameters {
                per_population: per,
                lower_threshold: t.lower.ok_or_else(|| missing("the edition sets no lower threshold"))?,
                national_value: self.national,
            })
        };
        let inputs = |table: &PlanTable, demand: &[AreaDemand]| -> Vec<TargetInput> {
            table
                .rows
                .iter()
                .zip(demand)
                .map(|(r, d)| {
                    let code = r.entry.code.clone();
                    let current = self.current_physicians(&code);
                    TargetInput::new(code, r.decided, current, r.entry.index, d.population, d.ratio)
                })
                .collect()
        };
        let sec_inputs = inputs(&self.secondary, &sec_demand);
        let ter_inputs = inputs(&self.tertiary, &ter_demand);
        let (sec_set, ter_set): (Vec<_>, Vec<_>) = set.iter().cloned().partition(|(c, _)| c.as_str().len() > 2);
        let secondary = compute_targets(method, &sec_inputs, &params(&self.secondary.thresholds)?, &sec_set)?;
        let tertiary = compute_targets(method, &ter_inputs, &params(&self.tertiary.thresholds)?, &ter_set)?;
        let totals: Vec<TertiaryTotals> = tertiary.iter().map(TertiaryTotals::from).collect();
        let pairs: Vec<(AreaCode, AreaTarget)> =
            secondary.iter().map(|s| (AreaCode::new(&s.code.as_str()[..2]), s.clone())).collect();
        let violations = check_tertiary_consistency(&totals, &pairs)?;
        Ok((secondary, tertiary, violations))
    }

    /// P5.1–P5.2 on the shipped data in `year`; supply per area from `supply`, else today's count.
    pub fn future(
        &self,
        year: i32,
        national_value: f64,
        supply: &[(AreaCode, f64)],
        overrides: &PopulationOverrides,
    ) -> Result<Vec<FutureNeed>> {
        let demand = self.secondary_demand(year, overrides)?;
        let params = FutureParameters {
            per_population: self.edition.index.per_population.value,
            national_value,
            lower_threshold: self.secondary.thresholds.lower.ok_or_else(|| missing("no lower threshold"))?,
        };
        demand
            .iter()
            .map(|d| {
                let supply = supply
                    .iter()
                    .find(|(c, _)| c == &d.code)
                    .map(|(_, v)| *v)
                    .unwrap_or_else(|| self.current_physicians(&d.code));
                Ok(future_need(&FutureInput::new(d.code.clone(), d.population, d.ratio, Some(supply)), &params)?)
            })
            .collect()
    }

    /// Current and future status of every secondary and tertiary area. The future designation holds
    /// today's physicians against the population of the edition's future year and today's thresholds
    /// (P5.2 measures the future against today's bottom threshold).
    pub fn statuses(&self) -> Result<(Vec<SecondaryStatus>, Vec<TertiaryStatus>)> {
        let sec_demand = self.secondary_demand(self.edition.plan.future_year.value, &PopulationOverrides::default())?;
        let ter_demand = self.tertiary_demand(&sec_demand);
        let future = |table: &PlanTable, demand: &[AreaDemand]| -> Vec<Designation> {
            table
                .rows
                .iter()
                .zip(demand)
                .map(|(r, d)| table.thresholds.band(self.current_physicians(&r.entry.code) / d.demand_100k()))
                .collect()
        };
        let secondary = self
            .secondary
            .rows
            .iter()
            .zip(future(&self.secondary, &sec_demand))
            .map(|(r, f)| SecondaryStatus::new(r.entry.code.clone(), &r.entry.code.as_str()[..2], r.decided, f, false))
            .collect();
        let tertiary = self
            .tertiary
            .rows
            .iter()
            .zip(future(&self.tertiary, &ter_demand))
            .map(|(r, f)| TertiaryStatus::new(r.entry.code.clone(), r.decided, f))
            .collect();
        Ok((secondary, tertiary))
    }

    /// What the future designations of the shipped default rest on.
    pub fn future_credit(&self) -> String {
        format!(
            "{}（{}）; 将来（{}年）の区分: 現在の医師数を据え置き、将来人口で指標を再計算し現在の基準で判定; {APPROXIMATIONS}",
            shipped::SOURCE_2024,
            self.edition.name,
            self.edition.plan.future_year.value
        )
    }

    /// The whole plan as an edition file (P9).
    pub fn edition_file(&self, id: &str, set: &[(AreaCode, f64)]) -> Result<PlanEdition> {
        let (sec_targets, ter_targets, _) = self.targets(set, &PopulationOverrides::default())?;
        let (sec_status, ter_status) = self.statuses()?;
        let sec_policy = secondary_policies(&ter_status, &sec_status)?;
        let ter_policy = tertiary_policies(&ter_status, &sec_status);
        let plan = &self.edition.plan;
        let parameters = PlanParameters {
            plan_start_year: Some(plan.start_year.value),
            plan_end_year: Some(plan.end_year.value),
            future_year: Some(plan.future_year.value),
            target_method: Some(format!("{:?}", plan.target_method.value).to_lowercase()),
            secondary_upper: self.secondary.thresholds.upper,
            secondary_lower: self.secondary.thresholds.lower,
            tertiary_upper: self.tertiary.thresholds.upper,
            tertiary_lower: self.tertiary.thresholds.lower,
            national_value: Some(self.national),
            notes: vec![APPROXIMATIONS.to_string()],
        };
        let mut e = PlanEdition::new(id, &self.edition.name, &self.edition.id, shipped::SOURCE_2024, parameters);
        e.add_table(&self.tertiary, |_| None, &ter_targets, &ter_policy);
        e.add_table(&self.secondary, |c| Some(AreaCode::new(&c.as_str()[..2])), &sec_targets, &sec_policy);
        Ok(e)
    }
}

impl ShippedPlan {
    /// The dispatch problem of the shipped data (README «Dispatch on the shipped data»): a 多数 area can
    /// release what it has above the count at which its index at plan end would equal the national value
    /// (P4.2's reference), rounded down; a 少数 area needs its target (P4) minus its count, a 中程度 area
    /// what keeps its index at plan end (its P4.3 ceiling) minus its count, rounded up. No 少数地区 (the
    /// shipped data has none).
    pub fn dispatch_areas(&self) -> Result<Vec<ishi_plan::dispatch::DispatchArea>> {
        self.dispatch_areas_with_targets(&[])
    }

    /// [`Self::dispatch_areas`] with the targets a prefecture set (P4.2) in place of the computed ones.
    pub fn dispatch_areas_with_targets(
        &self,
        set: &[(AreaCode, f64)],
    ) -> Result<Vec<ishi_plan::dispatch::DispatchArea>> {
        use ishi_plan::dispatch::{DispatchArea, DispatchKind};
        let (secondary, _, _) = self.targets(set, &PopulationOverrides::default())?;
        let demand = self.secondary_demand(self.edition.plan.end_year.value, &PopulationOverrides::default())?;
        let per = self.edition.index.per_population.value;
        self.secondary
            .rows
            .iter()
            .zip(&secondary)
            .zip(&demand)
            .map(|((row, target), d)| {
                let code = &row.entry.code;
                let pref = &code.as_str()[..2];
                let tertiary = self
                    .tertiary
                    .rows
                    .iter()
                    .find(|t| t.entry.code.as_str() == pref)
                    .ok_or_else(|| missing(format!("area {code}: no prefecture {pref}")))?;
                let current = target.current;
                let (supply, need) = match row.decided {
                    Designation::Abundant => {
                        let reference = self.national * d.population / per * d.ratio;
                        ((current - reference).max(0.0).floor() as u32, 0)
                    }
                    Designation::Intermediate => {
                        let keep = row.entry.index * d.population / per * d.ratio;
                        (0, (keep - current).max(0.0).ceil() as u32)
                    }
                    Designation::Scarce => (0, target.additional().ceil() as u32),
                };
                Ok(DispatchArea {
                    code: code.clone(),
                    tertiary: tertiary.entry.code.clone(),
                    kind: DispatchKind::from(row.decided),
                    tertiary_designation: tertiary.decided,
                    supply,
                    demand: need,
                })
            })
            .collect()
    }
}
