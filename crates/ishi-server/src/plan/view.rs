//! The plan as the API and the pages show it: computed once by the engines from the seeded dataset and
//! the prefectures' decisions, then read by every request until a decision changes it.
//!
//! Nothing here decides a rule: designation (P3), targets (P4), future status (P5), policy (P6) and
//! dispatch (P7) all come from `ishi-plan` through [`ShippedPlan`]; this module only joins their results
//! per area and serializes them.

use std::collections::HashMap;

use axum::body::Bytes;
use ishi_io::plan_export::{round1, violation_json};
use ishi_io::shipped_plan::ShippedPlan;
use ishi_plan::designation::{Override, Thresholds};
use ishi_plan::dispatch::{DefaultCosts, DispatchPlan, UnmetReason, dispatch};
use ishi_plan::policy::{AreaPolicy, Recruitment, secondary_policies, tertiary_policies};
use ishi_plan::population::PopulationOverrides;
use ishi_plan::target::AreaTarget;
use ishi_plan::{AreaCode, Designation, Level, PlanRow, PlanTable, RuleEdition};
use ishi_store::{AreaTargetRecord, Dataset, DesignationOverride};
use serde::Serialize;
use utoipa::ToSchema;

use crate::clock::{japan_date_of, japan_display};
use crate::error::AppError;

/// `abundant`, `intermediate`, `scarce`: the machine value of a designation in the API and the database.
pub fn designation_key(d: Designation) -> &'static str {
    match d {
        Designation::Abundant => "abundant",
        Designation::Intermediate => "intermediate",
        Designation::Scarce => "scarce",
    }
}

pub fn designation_from_key(key: &str) -> Option<Designation> {
    match key {
        "abundant" => Some(Designation::Abundant),
        "intermediate" => Some(Designation::Intermediate),
        "scarce" => Some(Designation::Scarce),
        _ => None,
    }
}

/// The long Japanese name of a designation at a level (医師少数区域, 医師多数都道府県 …).
pub fn designation_name(d: Designation, level: Level) -> &'static str {
    match (level, d) {
        (Level::Secondary, Designation::Abundant) => "医師多数区域",
        (Level::Secondary, Designation::Intermediate) => "医師中程度区域",
        (Level::Secondary, Designation::Scarce) => "医師少数区域",
        (Level::Tertiary, Designation::Abundant) => "医師多数都道府県",
        (Level::Tertiary, Designation::Intermediate) => "医師中程度都道府県",
        (Level::Tertiary, Designation::Scarce) => "医師少数都道府県",
    }
}

pub fn level_key(level: Level) -> &'static str {
    match level {
        Level::Secondary => "secondary",
        Level::Tertiary => "tertiary",
    }
}

/// A designation: machine value and its Japanese name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DesignationView {
    /// `abundant`, `intermediate` or `scarce`.
    pub key: &'static str,
    /// 医師多数区域・医師中程度区域・医師少数区域 (都道府県 at the tertiary level).
    pub ja: &'static str,
}

impl DesignationView {
    fn new(d: Designation, level: Level) -> Self {
        DesignationView { key: designation_key(d), ja: designation_name(d, level) }
    }
}

/// The three published components of the index (P2.1).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComponentsView {
    /// 標準化医師数.
    pub std_physicians: f64,
    /// 人口 (persons).
    pub population: f64,
    /// 標準化受療率比.
    pub std_utilization_ratio: f64,
}

/// A prefecture's decision against the mechanical designation (P3.3).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverrideView {
    pub designation: DesignationView,
    pub reason: String,
    /// Login of who decided.
    pub set_by: String,
    /// RFC 3339 UTC.
    pub set_at: String,
    /// Japan time, for people.
    pub set_at_display: String,
}

/// A target set by the prefecture itself (P4.2).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SetTargetView {
    pub physicians: f64,
    pub reason: String,
    pub set_by: String,
    pub set_at: String,
    pub set_at_display: String,
}

/// 目標医師数 of an area (P4) for the plan period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetView {
    /// 現在医師数 (標準化医師数).
    pub current: f64,
    /// 目標医師数 (for `national_reference`, the reference value offered).
    pub target: f64,
    /// What the rules give; differs from `target` when the prefecture set its own.
    pub computed: f64,
    /// 追加で必要な医師数: target − current, never below zero.
    pub additional: f64,
    pub achieved: bool,
    /// `lower_threshold`, `national_reference`, `threshold_ceiling`, `index_ceiling`, `set_by_prefecture`.
    pub basis: &'static str,
    pub basis_ja: &'static str,
    /// The SPEC rule that set it.
    pub rule: &'static str,
    pub set: Option<SetTargetView>,
}

/// 医師の確保の方針 of an area (P6).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyView {
    /// 短期的な施策.
    pub short_term: bool,
    /// 長期的な施策.
    pub long_term: bool,
    /// 医師を増やす方針.
    pub increase: bool,
    /// 三次医療圏外からの医師の確保.
    pub outside_tertiary: RecruitmentView,
    /// 二次医療圏外からの医師の確保 (secondary areas only).
    pub outside_secondary: Option<RecruitmentView>,
    /// SPEC IDs that decided it, in order.
    pub rules: Vec<&'static str>,
}

/// A recruitment permission (P6.2, P6.3).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecruitmentView {
    /// `yes`, `as_needed`, `no`.
    pub key: &'static str,
    pub ja: &'static str,
}

impl From<Recruitment> for RecruitmentView {
    fn from(r: Recruitment) -> Self {
        RecruitmentView { key: r.key(), ja: r.as_ja() }
    }
}

/// One proposed flow of physicians (P7).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FlowView {
    pub from: String,
    pub from_name: String,
    pub to: String,
    pub to_name: String,
    pub physicians: u32,
    pub unit_cost: i64,
}

/// Demand the dispatch could not meet, and why (P7.3).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnmetView {
    pub area_code: String,
    pub area_name: String,
    pub physicians: u32,
    /// `no_legal_source`, `no_route`, `supply_exhausted`.
    pub reason: &'static str,
    pub message: String,
    /// Rules that forbid the candidate sources, when that is the reason.
    pub rules: Vec<&'static str>,
}

/// An area in lists: what a table row shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaSummary {
    pub code: String,
    pub name: String,
    /// 都道府県名.
    pub prefecture: String,
    pub prefecture_code: String,
    /// `secondary` (二次医療圏) or `tertiary` (三次医療圏 = 都道府県).
    pub level: &'static str,
    /// 医師偏在指標.
    pub index: f64,
    /// National rank at its level (1 = highest index).
    pub rank: usize,
    /// 機械的な区分 (P3.1–P3.2).
    pub mechanical: DesignationView,
    /// 決定した区分, after the prefecture's override (P3.3).
    pub decided: DesignationView,
    /// 将来（the edition's future year）の区分 (P5.2).
    pub future: DesignationView,
    pub overridden: bool,
    pub current: f64,
    pub target: f64,
    pub additional: f64,
}

/// Everything about one area (`GET /api/areas/{code}`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaDetail {
    #[serde(flatten)]
    pub summary: AreaSummary,
    /// Areas at this level (the denominator of `rank`).
    pub rank_of: usize,
    /// `published` (the value of record, P2.7) or `computed` from the components.
    pub index_source: &'static str,
    pub components: Option<ComponentsView>,
    /// The thresholds of this level under the edition in use.
    pub thresholds: ThresholdsView,
    #[serde(rename = "override")]
    pub override_: Option<OverrideView>,
    pub target_detail: TargetView,
    pub policy: Option<PolicyView>,
    /// Proposed flows out of (多数) or into (少数・中程度) this area.
    pub dispatch_out: Vec<FlowView>,
    pub dispatch_in: Vec<FlowView>,
    /// Secondary areas of a prefecture (empty for a secondary area).
    pub members: Vec<String>,
    /// Where the figures come from.
    pub source: String,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct ThresholdsView {
    /// Index at or above which an area is 多数.
    pub upper: Option<f64>,
    /// Index at or below which an area is 少数.
    pub lower: Option<f64>,
}

impl From<&Thresholds> for ThresholdsView {
    fn from(t: &Thresholds) -> Self {
        ThresholdsView { upper: t.upper, lower: t.lower }
    }
}

/// The dispatch proposal (P7) on the current decisions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DispatchView {
    pub total_cost: i64,
    pub physicians: u64,
    pub served_scarce: u64,
    pub served_intermediate: u64,
    pub flows: Vec<FlowView>,
    pub unmet: Vec<UnmetView>,
    /// What the sources, sinks and costs rest on.
    pub credit: String,
}

/// The whole plan on the current decisions.
pub struct PlanView {
    pub edition: RuleEdition,
    pub dataset: Dataset,
    pub national: f64,
    pub secondary_thresholds: Thresholds,
    pub tertiary_thresholds: Thresholds,
    /// Secondary areas, then prefectures, each in code order.
    pub areas: Vec<AreaDetail>,
    by_code: HashMap<String, usize>,
    /// `GET /api/areas/{code}` answers, serialized once.
    pub area_json: HashMap<String, Bytes>,
    pub dispatch: DispatchView,
    /// P4.4 violations of the current targets, as the CLI reports them.
    pub violations: Vec<serde_json::Value>,
    pub plan: ShippedPlan,
    /// What the future designations rest on (population projection, approximations).
    pub future_credit: String,
}

/// Decisions the view is computed on.
pub struct Decisions<'a> {
    pub overrides: &'a [DesignationOverride],
    pub targets: &'a [AreaTargetRecord],
}

fn recorded_date(at: &str) -> Result<ishi_plan::CalendarDate, AppError> {
    japan_date_of(at).ok_or_else(|| AppError::Internal(format!("stored time {at:?} is not RFC 3339")))
}

impl PlanView {
    /// Computes the plan of `edition_id` on the shipped dataset (checked against the seeded copy) and
    /// `decisions`. An error here means the decisions are not acceptable to the engines.
    pub fn compute(edition_id: &str, dataset: Dataset, decisions: &Decisions) -> Result<PlanView, AppError> {
        let overrides: Vec<Override> = decisions
            .overrides
            .iter()
            .map(|o| {
                Ok(Override {
                    code: AreaCode::new(&o.area_code),
                    decided: designation_from_key(&o.designation)
                        .ok_or_else(|| AppError::Internal(format!("stored designation {:?}", o.designation)))?,
                    reason: o.reason.clone(),
                    decided_by: o.set_by_login.clone(),
                    decided_on: recorded_date(&o.set_at)?,
                })
            })
            .collect::<Result<_, AppError>>()?;
        let plan = ShippedPlan::load(edition_id, &overrides).map_err(plan_error)?;
        let set: Vec<(AreaCode, f64)> =
            decisions.targets.iter().map(|t| (AreaCode::new(&t.area_code), t.physicians)).collect();
        let (sec_targets, ter_targets, violations) =
            plan.targets(&set, &PopulationOverrides::default()).map_err(plan_error)?;
        let (sec_status, ter_status) = plan.statuses().map_err(plan_error)?;
        let sec_policies = secondary_policies(&ter_status, &sec_status).map_err(|e| plan_error(e.into()))?;
        let ter_policies = tertiary_policies(&ter_status, &sec_status);
        let future: HashMap<&str, Designation> = sec_status
            .iter()
            .map(|s| (s.code.as_str(), s.future))
            .chain(ter_status.iter().map(|t| (t.code.as_str(), t.future)))
            .collect();

        let names: HashMap<String, String> = plan
            .secondary
            .rows
            .iter()
            .chain(&plan.tertiary.rows)
            .map(|r| (r.entry.code.as_str().to_string(), r.entry.name.clone()))
            .collect();
        let name_of = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_string());

        let areas_for_dispatch = plan.dispatch_areas_with_targets(&set).map_err(plan_error)?;
        let costs = DefaultCosts::builtin().map_err(|e| AppError::Internal(e.to_string()))?;
        let pairs = costs.pairs(&areas_for_dispatch);
        let proposal = dispatch(&areas_for_dispatch, &pairs).map_err(|e| AppError::Internal(e.to_string()))?;
        let dispatch_view = dispatch_view(&proposal, &name_of, &costs, &plan.future_credit());

        let mut areas = Vec::with_capacity(plan.secondary.rows.len() + plan.tertiary.rows.len());
        for (table, targets, policies) in
            [(&plan.secondary, &sec_targets, &sec_policies), (&plan.tertiary, &ter_targets, &ter_policies)]
        {
            for row in &table.rows {
                let code = row.entry.code.as_str();
                let target = targets
                    .iter()
                    .find(|t| t.code.as_str() == code)
                    .ok_or_else(|| AppError::Internal(format!("no target computed for {code}")))?;
                let policy = policies.iter().find(|p| p.code.as_str() == code);
                let fut = future.get(code).copied().unwrap_or(row.decided);
                areas.push(area_detail(table, row, target, policy, fut, decisions, &dispatch_view, &plan));
            }
        }
        let by_code: HashMap<String, usize> =
            areas.iter().enumerate().map(|(i, a)| (a.summary.code.clone(), i)).collect();
        let area_json = areas
            .iter()
            .map(|a| {
                let bytes = serde_json::to_vec(a).map_err(|e| AppError::Internal(e.to_string()))?;
                Ok((a.summary.code.clone(), Bytes::from(bytes)))
            })
            .collect::<Result<_, AppError>>()?;
        let violations = violations.iter().map(violation_json).collect();
        Ok(PlanView {
            edition: plan.edition.clone(),
            dataset,
            national: plan.national,
            secondary_thresholds: plan.secondary.thresholds,
            tertiary_thresholds: plan.tertiary.thresholds,
            areas,
            by_code,
            area_json,
            dispatch: dispatch_view,
            violations,
            future_credit: plan.future_credit(),
            plan,
        })
    }

    pub fn area(&self, code: &str) -> Option<&AreaDetail> {
        self.by_code.get(code).map(|&i| &self.areas[i])
    }

    pub fn areas_at(&self, level: Level) -> impl Iterator<Item = &AreaDetail> {
        let key = level_key(level);
        self.areas.iter().filter(move |a| a.summary.level == key)
    }

    pub fn table(&self, level: Level) -> &PlanTable {
        match level {
            Level::Secondary => &self.plan.secondary,
            Level::Tertiary => &self.plan.tertiary,
        }
    }

    pub fn thresholds(&self, level: Level) -> &Thresholds {
        match level {
            Level::Secondary => &self.secondary_thresholds,
            Level::Tertiary => &self.tertiary_thresholds,
        }
    }
}

fn plan_error(e: ishi_io::shipped_plan::ShippedPlanError) -> AppError {
    AppError::BadRequest { message: format!("計画を計算できません: {e}"), field: None }
}

#[allow(clippy::too_many_arguments)]
fn area_detail(
    table: &PlanTable,
    row: &PlanRow,
    target: &AreaTarget,
    policy: Option<&AreaPolicy>,
    future: Designation,
    decisions: &Decisions,
    dispatch: &DispatchView,
    plan: &ShippedPlan,
) -> AreaDetail {
    let level = table.level;
    let e = &row.entry;
    let code = e.code.as_str().to_string();
    let prefecture_code = code[..2].to_string();
    let override_ = decisions.overrides.iter().find(|o| o.area_code == code).and_then(|o| {
        Some(OverrideView {
            designation: DesignationView::new(designation_from_key(&o.designation)?, level),
            reason: o.reason.clone(),
            set_by: o.set_by_login.clone(),
            set_at: o.set_at.clone(),
            set_at_display: japan_display(&o.set_at),
        })
    });
    let set = decisions.targets.iter().find(|t| t.area_code == code).map(|t| SetTargetView {
        physicians: t.physicians,
        reason: t.reason.clone(),
        set_by: t.set_by_login.clone(),
        set_at: t.set_at.clone(),
        set_at_display: japan_display(&t.set_at),
    });
    let summary = AreaSummary {
        code: code.clone(),
        name: e.name.clone(),
        prefecture: e.prefecture.clone(),
        prefecture_code: prefecture_code.clone(),
        level: level_key(level),
        index: e.index,
        rank: row.rank,
        mechanical: DesignationView::new(row.designation, level),
        decided: DesignationView::new(row.decided, level),
        future: DesignationView::new(future, level),
        overridden: row.override_.is_some(),
        current: round1(target.current),
        target: round1(target.target),
        additional: round1(target.additional()),
    };
    let in_area = |c: &str| match level {
        Level::Secondary => c == code,
        Level::Tertiary => c.starts_with(&code),
    };
    let members = match level {
        Level::Secondary => vec![],
        Level::Tertiary => plan
            .secondary
            .rows
            .iter()
            .filter(|r| r.entry.code.as_str().starts_with(&code))
            .map(|r| r.entry.code.as_str().to_string())
            .collect(),
    };
    AreaDetail {
        summary,
        rank_of: table.rows.len(),
        index_source: e.index_source.as_str(),
        components: e.components.map(|c| ComponentsView {
            std_physicians: c.std_physicians,
            population: c.population,
            std_utilization_ratio: c.std_utilization_ratio,
        }),
        thresholds: (&table.thresholds).into(),
        override_,
        target_detail: TargetView {
            current: round1(target.current),
            target: round1(target.target),
            computed: round1(target.computed),
            additional: round1(target.additional()),
            achieved: target.achieved(),
            basis: target.basis.key(),
            basis_ja: target.basis.as_ja(),
            rule: target.basis.rule(),
            set,
        },
        policy: policy.map(|p| PolicyView {
            short_term: p.short_term,
            long_term: p.long_term,
            increase: p.increase,
            outside_tertiary: p.outside_tertiary.into(),
            outside_secondary: p.outside_secondary.map(Into::into),
            rules: p.rules.clone(),
        }),
        dispatch_out: dispatch.flows.iter().filter(|f| in_area(&f.from) && !in_area(&f.to)).cloned().collect(),
        dispatch_in: dispatch.flows.iter().filter(|f| in_area(&f.to) && !in_area(&f.from)).cloned().collect(),
        members,
        source: ishi_io::shipped::SOURCE_2024.to_string(),
    }
}

fn dispatch_view(
    p: &DispatchPlan,
    name_of: &dyn Fn(&str) -> String,
    costs: &DefaultCosts,
    future_credit: &str,
) -> DispatchView {
    DispatchView {
        total_cost: p.total_cost,
        physicians: p.flows.iter().map(|f| u64::from(f.physicians)).sum(),
        served_scarce: p.served_scarce,
        served_intermediate: p.served_intermediate,
        flows: p
            .flows
            .iter()
            .map(|f| FlowView {
                from: f.from.as_str().to_string(),
                from_name: name_of(f.from.as_str()),
                to: f.to.as_str().to_string(),
                to_name: name_of(f.to.as_str()),
                physicians: f.physicians,
                unit_cost: f.unit_cost,
            })
            .collect(),
        unmet: p
            .unmet
            .iter()
            .map(|u| {
                let mut rules: Vec<&'static str> = match &u.reason {
                    UnmetReason::NoLegalSource { forbidden } => forbidden.iter().map(|(_, f)| f.rule()).collect(),
                    _ => vec![],
                };
                rules.sort_unstable();
                rules.dedup();
                UnmetView {
                    area_code: u.area.as_str().to_string(),
                    area_name: name_of(u.area.as_str()),
                    physicians: u.physicians,
                    reason: u.reason.code(),
                    message: u.reason.message_ja(),
                    rules,
                }
            })
            .collect(),
        credit: format!(
            "{future_credit}; 派遣可能数 = 多数区域の現在医師数 − 計画終了時に全国値となる医師数、需要 = 目標医師数 − 現在医師数; \
             費用（既定）: 三次医療圏内 {} ／ 三次医療圏間 {}（1人あたり）",
            costs.within_tertiary.value, costs.across_tertiary.value
        ),
    }
}
