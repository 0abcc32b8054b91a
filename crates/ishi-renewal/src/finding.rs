//! Findings: why an activity was not counted, which requirement failed, what the committee must see
//! (SPEC R9). Structured, so evaluation allocates no text; [`Finding::message`] renders Japanese.

use ishi_calendar::CalendarDate;

use crate::ledger::{ActivityKind, Category, CommonItem, DeferralReason};
use crate::units::Units;

/// A limit that stopped units from counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    /// The maximum of a category (R2).
    Category(Category),
    /// 学術集会参加 6 units in 5 years (R5.1).
    Meetings,
    /// 校医 2 units in 5 years (R5.7).
    SchoolDoctor,
}

/// What a finding says.
#[derive(Debug, Clone, PartialEq)]
pub enum FindingKind {
    // — activities not counted —
    OutsidePeriod { date: CalendarDate, start: CalendarDate, end: CalendarDate },
    OutsideOldWindow { date: CalendarDate, start: CalendarDate, end: CalendarDate },
    OldPointsNotUsed,
    NotApproved { kind: ActivityKind },
    ELearningWithoutEvidence,
    LectureTooShort { hours: f64, min: f64 },
    PublicLectureTooShort { minutes: f64 },
    SchoolDoctorTooShort { years: f64, min: f64 },
    OncePerFiscalYear { kind: ActivityKind, fiscal_year: i32 },
    CountedAsOldPoints { old_row: u32 },
    OverCap { cap: Cap, earned: Units, counted: Units, limit: Units },
    CasesRemainder { cases: u32, remainder: u32, per_unit: u32 },
    CasesOverCap { cases: u32, counted: u32, limit: u32 },
    ExemptCasesNotCounted { cases: u32 },
    // — requirements —
    ExemptRequirement { required: Units },
    ExemptTransitionAttachment,
    CategoryBelowMin { category: Category, counted: Units, min: Units },
    MandatoryItemShort { item: CommonItem, earned: Units, need: Units },
    MandatoryTotalShort { earned: Units, need: Units, step: Option<u32> },
    TotalShort { counted: Units, required: Units },
    OldPointsShort { earned: f64, required: f64 },
    // — outcomes —
    SocietyRenewal { earned: f64, society_full: f64, next_year: i32, extension_left: bool },
    IndividualReview { shortfall_points: f64, shortfall_years: f64, new_units: Units, new_years: f64 },
    TransitionShortfall { shortfall_points: f64, shortfall_years: f64, new_units: Units, new_years: f64 },
    FullCriteriaMet,
    Deferred { reason: DeferralReason },
    ExtensionApplied { end: CalendarDate },
    ExtensionAvailable,
    ExtensionUsed,
    ExtensionsExceeded { extensions: u32, max: u32 },
}

/// One finding with the rule that produced it and the ledger row it concerns.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// SPEC rule ID, e.g. `R3.1`.
    pub rule: &'static str,
    /// Row of `ledger.csv` as a spreadsheet shows it (header = 1), for activity findings.
    pub row: Option<u32>,
    pub kind: FindingKind,
}

impl Finding {
    /// A requirement that was not met (the verdict depends on it).
    pub fn is_shortfall(&self) -> bool {
        matches!(
            self.kind,
            FindingKind::CategoryBelowMin { .. }
                | FindingKind::MandatoryItemShort { .. }
                | FindingKind::MandatoryTotalShort { .. }
                | FindingKind::TotalShort { .. }
                | FindingKind::OldPointsShort { .. }
        )
    }

    /// An activity (or part of it) that was not counted.
    pub fn is_not_counted(&self) -> bool {
        self.row.is_some()
    }

    /// The finding in Japanese, for people and for the JSON `reasons`.
    pub fn message(&self) -> String {
        use FindingKind::*;
        let row = self.row.map(|r| format!("{r}行目: ")).unwrap_or_default();
        let body = match &self.kind {
            OutsidePeriod { date, start, end } => {
                format!("{date} の活動は算定期間 {start}〜{end} の外のため算定しません")
            }
            OutsideOldWindow { date, start, end } => {
                format!("{date} の旧基準の点は旧基準の算定期間 {start}〜{end} の外のため算定しません")
            }
            OldPointsNotUsed => "2020年度以降は新基準のみで審査するため、旧基準の点は算定しません".into(),
            NotApproved { kind } => match kind.category() {
                Some(Category::Common) => "研修施設群の開催でも専門医生涯教育委員会・機構の承認を受けた講習でもない（approved = false）ため算定しません".into(),
                Some(Category::Specialty) => "日本形成外科学会が定める講習でない、または営利団体の共催で事前承認がない（approved = false）ため算定しません".into(),
                Some(Category::Clinical) => "委員会に認められていない症例（approved = false）のため算定しません".into(),
                _ => format!("{}は日本形成外科学会の認定を受けていない（approved = false）ため算定しません", kind.as_ja()),
            },
            ELearningWithoutEvidence => "e-learning は受講を証明するもの（evidence）がないため算定しません".into(),
            LectureTooShort { hours, min } => {
                format!("講習 {hours} 時間は「1回の講習は{min}時間以上」を満たさないため算定しません")
            }
            PublicLectureTooShort { minutes } => {
                format!("市民啓発講演 {minutes} 分は約60分に満たないため算定しません")
            }
            SchoolDoctorTooShort { years, min } => {
                format!("校医 {years} 年は「{min}年以上」を満たさないため算定しません")
            }
            OncePerFiscalYear { kind, fiscal_year } => format!(
                "{}は1年度につき1回の算定: {fiscal_year}年度はすでに算定済みのため重複して算定しません",
                kind.as_ja()
            ),
            CountedAsOldPoints { old_row } => format!(
                "同じ業績（同じ日付・同じ証明）が旧基準の点（{old_row}行目）として算定済みのため、新基準の単位には重複して算定しません"
            ),
            OverCap { cap, earned, counted, limit } => {
                let what = match cap {
                    Cap::Category(c) => format!("{}の上限{limit}単位", c.as_ja()),
                    Cap::Meetings => format!("学術集会参加の上限（5年間で{limit}単位）"),
                    Cap::SchoolDoctor => format!("校医の上限（5年間で{limit}単位）"),
                };
                if counted.is_zero() {
                    format!("{earned}単位は{what}を超えるため算定しません")
                } else {
                    format!("{earned}単位のうち{counted}単位のみ算定（{what}）")
                }
            }
            CasesRemainder { cases, remainder, per_unit } => {
                format!("症例 {cases} 例は{per_unit}症例で1単位: 端数の {remainder} 例は単位になりません")
            }
            CasesOverCap { cases, counted, limit } => {
                format!("この{cases}例のうち{counted}例のみ算定（診療実績の上限 {limit} 例）")
            }
            ExemptCasesNotCounted { cases } => {
                format!("3回以上更新者は診療実績の証明が免除のため、症例 {cases} 例は算定しません")
            }
            ExemptRequirement { required } => {
                format!("3回以上更新者: 診療実績の証明（様式3〜5）は免除、必要単位は{required}単位")
            }
            ExemptTransitionAttachment => "移行期間中の3回以上更新者の基準（別添資料②）は原文に含まれないため、免除分を差し引いた単位数で判定しています。委員会で確認してください".into(),
            CategoryBelowMin { category, counted, min } => {
                format!("{}が{counted}単位で最小{min}単位に{}単位不足", category.as_ja(), *min - *counted)
            }
            MandatoryItemShort { item, earned, need } => {
                format!("必修講習「{}」が{earned}単位で{need}単位以上に不足", item.as_ja())
            }
            MandatoryTotalShort { earned, need, step } => match step {
                Some(at) => format!("必修講習（医療安全・感染対策・医療倫理）が合計{earned}単位: 新基準の単位が{at}単位以上のため{need}単位以上が必要"),
                None => format!("必修講習（医療安全・感染対策・医療倫理）が合計{earned}単位で{need}単位以上に不足"),
            },
            TotalShort { counted, required } => {
                format!("算定単位の合計が{counted}単位で必要な{required}単位に{}単位不足", *required - *counted)
            }
            OldPointsShort { earned, required } => {
                format!("旧基準の点が{}点で移行措置の{}点に不足", fmt_num(*earned), fmt_num(*required))
            }
            SocietyRenewal { earned, society_full, next_year, extension_left } => {
                let then = if *extension_left {
                    format!("1年後（{next_year}年度）に{next_year}年度の基準で機構認定専門医へ移行できます（1年のみ）")
                } else {
                    "移行の延長はすでに使っています（原則1年のみ）".to_string()
                };
                format!(
                    "旧基準の点{}点は学会専門医の更新基準{}点を満たしますが移行措置の基準を満たさないため、学会専門医として更新します。{then}",
                    fmt_num(*earned),
                    fmt_num(*society_full)
                )
            }
            IndividualReview { shortfall_points, shortfall_years, new_units, new_years } => format!(
                "個別審査: 学会専門医の更新に不足する{}点（30点で1年分 = {}年分）を新基準の{new_units}単位（10単位で1年分 = {}年分）で補えるため、専門医生涯教育委員会が個別に審査します",
                fmt_num(*shortfall_points),
                fmt_num(*shortfall_years),
                fmt_num(*new_years)
            ),
            TransitionShortfall { shortfall_points, shortfall_years, new_units, new_years } => format!(
                "学会専門医の更新に不足する{}点（{}年分）を新基準の{new_units}単位（{}年分）では補えません",
                fmt_num(*shortfall_points),
                fmt_num(*shortfall_years),
                fmt_num(*new_years)
            ),
            FullCriteriaMet => "2019年度: 移行措置の基準に代えて完全な新基準（50単位）を満たしています".into(),
            Deferred { reason } => format!(
                "留保申請（{}）: 委員会が審議します。留保期間中は学会専門医であり機構認定専門医ではありません",
                reason.as_ja()
            ),
            ExtensionApplied { end } => format!("1年延長: 算定期間の終わりを {end} とします"),
            ExtensionAvailable => "基準を満たさない場合、留保申請のうえ更新時期を原則1年のみ延長できます".into(),
            ExtensionUsed => "1年延長はすでに使っています（原則1回）".into(),
            ExtensionsExceeded { extensions, max } => {
                format!("延長{extensions}回は原則の{max}回を超えるため、委員会が審議します（延長は{max}回分のみ期間に含めています）")
            }
        };
        format!("{row}{body}")
    }
}

/// `12`, `1.5`, `0.67`: numbers as a person writes them.
pub(crate) fn fmt_num(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if r.fract() == 0.0 { format!("{}", r as i64) } else { format!("{r}") }
}
