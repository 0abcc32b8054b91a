//! The roster and the ledger: who is due, and what each specialist did (SPEC R1–R5).
//!
//! A [`Specialist`] is one row of `specialists.csv` (the renewal being decided); an [`Activity`] is one
//! row of `ledger.csv`. Text (names, details, evidence) stays with the edges; the domain keeps what
//! the rules look at, so an activity is a small `Copy` value and a ledger of millions evaluates fast.

use ishi_calendar::CalendarDate;

/// The four categories of ③ 更新単位 (SPEC R2), in the order of 様式1-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// i) 診療実績の証明 — clinical record.
    Clinical,
    /// ii) 専門医共通講習 — common lectures.
    Common,
    /// iii) 形成外科領域講習 — specialty lectures.
    Specialty,
    /// iv) 学術業績・診療以外の活動実績 — achievements and other activities.
    Achievements,
}

impl Category {
    pub const ALL: [Category; 4] = [Category::Clinical, Category::Common, Category::Specialty, Category::Achievements];

    /// The key used in the JSON contract.
    pub fn key(self) -> &'static str {
        match self {
            Category::Clinical => "clinical",
            Category::Common => "common",
            Category::Specialty => "specialty",
            Category::Achievements => "achievements",
        }
    }

    pub fn as_ja(self) -> &'static str {
        match self {
            Category::Clinical => "i) 診療実績の証明",
            Category::Common => "ii) 専門医共通講習",
            Category::Specialty => "iii) 形成外科領域講習",
            Category::Achievements => "iv) 学術業績・診療以外の活動実績",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// 専門医共通講習の項目 (SPEC R3.1). The first three are 必修 (mandatory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CommonItem {
    /// 医療安全 (必修).
    MedicalSafety,
    /// 感染対策 (必修).
    InfectionControl,
    /// 医療倫理 (必修).
    MedicalEthics,
    /// 保険医療.
    InsuranceMedicine,
    /// 臨床研究/臨床試験.
    ClinicalResearch,
    /// 医療事故検討会.
    AccidentReview,
    /// 医療法制.
    MedicalLaw,
    /// 医療経済.
    HealthEconomics,
    /// その他 (指導医講習会を含む).
    Other,
}

impl CommonItem {
    pub const ALL: [CommonItem; 9] = [
        CommonItem::MedicalSafety,
        CommonItem::InfectionControl,
        CommonItem::MedicalEthics,
        CommonItem::InsuranceMedicine,
        CommonItem::ClinicalResearch,
        CommonItem::AccidentReview,
        CommonItem::MedicalLaw,
        CommonItem::HealthEconomics,
        CommonItem::Other,
    ];
    /// The three 必修 items (R3.1), in the order of the JSON contract.
    pub const MANDATORY: [CommonItem; 3] =
        [CommonItem::MedicalSafety, CommonItem::InfectionControl, CommonItem::MedicalEthics];

    pub fn is_mandatory(self) -> bool {
        (self as usize) < 3
    }

    /// Position among the mandatory items, if mandatory.
    pub fn mandatory_index(self) -> Option<usize> {
        self.is_mandatory().then_some(self as usize)
    }

    /// The items' names, in the order of [`CommonItem::ALL`].
    pub const NAMES: [&'static str; 9] = [
        "医療安全",
        "感染対策",
        "医療倫理",
        "保険医療",
        "臨床研究",
        "医療事故検討会",
        "医療法制",
        "医療経済",
        "その他",
    ];

    pub fn as_ja(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// Reads the item as written in a ledger (already NFKC-normalized); `講習会` and the seed's long
    /// names are accepted (`医療安全講習会`, `臨床研究/臨床試験`, `その他(指導医講習会を含む)`).
    pub fn parse(text: &str) -> Option<Self> {
        let t = trim(text);
        let t = t.strip_suffix("講習会").unwrap_or(t);
        Some(match t {
            "医療安全" => CommonItem::MedicalSafety,
            "感染対策" => CommonItem::InfectionControl,
            "医療倫理" => CommonItem::MedicalEthics,
            "保険医療" => CommonItem::InsuranceMedicine,
            "臨床研究" | "臨床試験" | "臨床研究/臨床試験" => CommonItem::ClinicalResearch,
            "医療事故検討会" => CommonItem::AccidentReview,
            "医療法制" => CommonItem::MedicalLaw,
            "医療経済" | "医療経済(保険医療など)に関する" => CommonItem::HealthEconomics,
            "その他" | "指導医" | "その他(指導医講習会を含む)" => CommonItem::Other,
            _ => return None,
        })
    }
}

/// [`str::trim`], without decoding characters when the text visibly starts and ends with no white
/// space: an ASCII letter, digit or sign, or a character led by E4–EF (U+4000–U+FFFF, none of them
/// white space) or by E3 and then 81–BF (U+3040–U+30FF: kana). Parsed text is most often trimmed.
#[inline]
fn trim(text: &str) -> &str {
    let b = text.as_bytes();
    let solid_char_at = |i: usize| match b[i] {
        0x21..=0x7E | 0xE4..=0xEF => true,
        0xE3 => b.get(i + 1).is_some_and(|&c| c >= 0x81),
        _ => false,
    };
    let n = b.len();
    let starts_solid = n > 0 && solid_char_at(0);
    let ends_solid = n > 0 && (b[n - 1].is_ascii_graphic() || (n >= 3 && b[n - 3] >= 0xE3 && solid_char_at(n - 3)));
    if starts_solid && ends_solid { text } else { text.trim() }
}

/// Kind of meeting attended (SPEC R5.1): 3, 2 or 1 unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MeetingLevel {
    /// 日本形成外科学会総会・学術集会, 基礎学術集会.
    National,
    /// 各地区の形成外科学会学術集会, subspecialty 学会, 認定された国際学会.
    Regional,
    /// その他形成外科学会に認定された学会および研究会.
    Other,
}

impl MeetingLevel {
    pub const ALL: [MeetingLevel; 3] = [MeetingLevel::National, MeetingLevel::Regional, MeetingLevel::Other];
    /// The `detail` keys of the ledger format, in the order of [`MeetingLevel::ALL`].
    pub const KEYS: [&'static str; 3] = ["national", "regional", "other"];
}

/// Part taken in a presentation (SPEC R5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PresentationRole {
    /// 筆頭演者.
    FirstPresenter,
    /// 第一共同演者.
    FirstCoauthor,
    /// 司会・座長.
    Chair,
}

impl PresentationRole {
    pub const ALL: [PresentationRole; 3] =
        [PresentationRole::FirstPresenter, PresentationRole::FirstCoauthor, PresentationRole::Chair];
    /// The `detail` keys of the ledger format, in the order of [`PresentationRole::ALL`].
    pub const KEYS: [&'static str; 3] = ["first_presenter", "first_coauthor", "chair"];
}

/// Authorship of a peer-reviewed paper (SPEC R5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PaperRole {
    /// 筆頭著者: 2 units.
    FirstAuthor,
    /// 共著者: 1 unit.
    Coauthor,
}

impl PaperRole {
    pub const ALL: [PaperRole; 2] = [PaperRole::FirstAuthor, PaperRole::Coauthor];
    /// The `detail` keys of the ledger format, in the order of [`PaperRole::ALL`].
    pub const KEYS: [&'static str; 2] = ["first_author", "coauthor"];
}

/// What an activity is, with the detail the rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActivityKind {
    /// A: 術者または指導者として執刀した手術 (様式4); quantity = cases.
    CaseOperation,
    /// B: 診療した症例 (様式5); quantity = cases.
    CaseTreatment,
    /// 専門医共通講習 (様式6-1); quantity = hours.
    CommonLecture(CommonItem),
    /// 形成外科領域講習 (様式7-1); quantity = hours.
    SpecialtyLecture,
    /// 学術集会への参加 (様式8-1); quantity = attendances.
    MeetingAttendance(MeetingLevel),
    /// 学会発表・司会; quantity = presentations.
    Presentation(PresentationRole),
    /// 査読を受けた学術論文; quantity = papers.
    Paper(PaperRole),
    /// 論文の査読; quantity = papers reviewed.
    PeerReview,
    /// 専門医試験に関する業務, counted once per fiscal year.
    ExamDuty,
    /// 市民啓発目的の講演; quantity = minutes.
    PublicLecture,
    /// 校医; quantity = years served.
    SchoolDoctor,
    /// 医療事故調査制度の外部委員, counted once per fiscal year.
    AccidentInvestigation,
    /// 旧基準の点 (old society points, transition R7); quantity = points.
    OldPoints,
}

/// What a row's `quantity` measures, and so which values are acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityMeasure {
    /// A whole number of things (cases, papers, attendances); empty means 1.
    Count,
    /// Hours, fractions allowed; must be given.
    Hours,
    /// Minutes; must be given.
    Minutes,
    /// Years, fractions allowed; must be given.
    Years,
    /// Old society points, fractions allowed; must be given.
    Points,
}

impl QuantityMeasure {
    /// The value of an empty `quantity` cell, if one is implied.
    pub fn default_quantity(self) -> Option<f64> {
        matches!(self, QuantityMeasure::Count).then_some(1.0)
    }

    /// Why `q` is not an acceptable quantity, if it is not.
    pub fn check(self, q: f64) -> Result<(), &'static str> {
        if !q.is_finite() {
            return Err("is not a finite number");
        }
        if q < 0.0 {
            return Err("must not be negative");
        }
        if q == 0.0 {
            return Err("must be more than zero (leave the activity out instead)");
        }
        if self == QuantityMeasure::Count && q.fract() != 0.0 {
            return Err("must be a whole number");
        }
        Ok(())
    }
}

impl ActivityKind {
    /// The `kind` keys of the ledger format.
    pub const KEYS: [&'static str; 13] = [
        "case_operation",
        "case_treatment",
        "common_lecture",
        "specialty_lecture",
        "meeting_attendance",
        "presentation",
        "paper",
        "peer_review",
        "exam_duty",
        "public_lecture",
        "school_doctor",
        "accident_investigation",
        "old_points",
    ];

    /// Reads `kind` and `detail` of a ledger row. For kinds whose detail is free text (a diagnosis,
    /// a lecture title) any detail is accepted.
    pub fn parse(kind: &str, detail: &str) -> Result<Self, KindError> {
        let detail = trim(detail);
        let pick = |options: &'static [&'static str]| -> Result<usize, KindError> {
            options.iter().position(|o| *o == detail).ok_or(KindError::Detail { expected: options })
        };
        Ok(match trim(kind) {
            "case_operation" => ActivityKind::CaseOperation,
            "case_treatment" => ActivityKind::CaseTreatment,
            "common_lecture" => ActivityKind::CommonLecture(
                CommonItem::parse(detail).ok_or(KindError::Detail { expected: &CommonItem::NAMES })?,
            ),
            "specialty_lecture" => ActivityKind::SpecialtyLecture,
            "meeting_attendance" => ActivityKind::MeetingAttendance(MeetingLevel::ALL[pick(&MeetingLevel::KEYS)?]),
            "presentation" => ActivityKind::Presentation(PresentationRole::ALL[pick(&PresentationRole::KEYS)?]),
            "paper" => ActivityKind::Paper(PaperRole::ALL[pick(&PaperRole::KEYS)?]),
            "peer_review" => ActivityKind::PeerReview,
            "exam_duty" => ActivityKind::ExamDuty,
            "public_lecture" => ActivityKind::PublicLecture,
            "school_doctor" => ActivityKind::SchoolDoctor,
            "accident_investigation" => ActivityKind::AccidentInvestigation,
            "old_points" => ActivityKind::OldPoints,
            _ => return Err(KindError::Kind),
        })
    }

    /// The `kind` key of the ledger format.
    pub fn key(self) -> &'static str {
        Self::KEYS[self.ordinal()]
    }

    /// The `detail` key for kinds whose detail is an enumeration.
    pub fn detail_key(self) -> Option<&'static str> {
        Some(match self {
            ActivityKind::CommonLecture(item) => item.as_ja(),
            ActivityKind::MeetingAttendance(l) => MeetingLevel::KEYS[l as usize],
            ActivityKind::Presentation(r) => PresentationRole::KEYS[r as usize],
            ActivityKind::Paper(r) => PaperRole::KEYS[r as usize],
            _ => return None,
        })
    }

    fn ordinal(self) -> usize {
        match self {
            ActivityKind::CaseOperation => 0,
            ActivityKind::CaseTreatment => 1,
            ActivityKind::CommonLecture(_) => 2,
            ActivityKind::SpecialtyLecture => 3,
            ActivityKind::MeetingAttendance(_) => 4,
            ActivityKind::Presentation(_) => 5,
            ActivityKind::Paper(_) => 6,
            ActivityKind::PeerReview => 7,
            ActivityKind::ExamDuty => 8,
            ActivityKind::PublicLecture => 9,
            ActivityKind::SchoolDoctor => 10,
            ActivityKind::AccidentInvestigation => 11,
            ActivityKind::OldPoints => 12,
        }
    }

    /// Japanese name for reports and forms.
    pub fn as_ja(self) -> &'static str {
        match self {
            ActivityKind::CaseOperation => "手術症例",
            ActivityKind::CaseTreatment => "診療症例",
            ActivityKind::CommonLecture(_) => "専門医共通講習",
            ActivityKind::SpecialtyLecture => "形成外科領域講習",
            ActivityKind::MeetingAttendance(MeetingLevel::National) => "学術集会参加（総会・基礎学術集会）",
            ActivityKind::MeetingAttendance(MeetingLevel::Regional) => "学術集会参加（地方会・subspecialty・国際学会）",
            ActivityKind::MeetingAttendance(MeetingLevel::Other) => "学術集会参加（その他認定学会・研究会）",
            ActivityKind::Presentation(PresentationRole::FirstPresenter) => "学会発表（筆頭演者）",
            ActivityKind::Presentation(PresentationRole::FirstCoauthor) => "学会発表（第一共同演者）",
            ActivityKind::Presentation(PresentationRole::Chair) => "司会・座長",
            ActivityKind::Paper(PaperRole::FirstAuthor) => "学術論文（筆頭著者）",
            ActivityKind::Paper(PaperRole::Coauthor) => "学術論文（共著者）",
            ActivityKind::PeerReview => "論文査読",
            ActivityKind::ExamDuty => "専門医試験業務",
            ActivityKind::PublicLecture => "市民啓発講演",
            ActivityKind::SchoolDoctor => "校医",
            ActivityKind::AccidentInvestigation => "医療事故調査制度 外部委員",
            ActivityKind::OldPoints => "旧基準の点",
        }
    }

    /// The category whose units the activity earns; `None` for old points.
    pub fn category(self) -> Option<Category> {
        Some(match self {
            ActivityKind::CaseOperation | ActivityKind::CaseTreatment => Category::Clinical,
            ActivityKind::CommonLecture(_) => Category::Common,
            ActivityKind::SpecialtyLecture => Category::Specialty,
            ActivityKind::OldPoints => return None,
            _ => Category::Achievements,
        })
    }

    /// What the row's `quantity` measures.
    pub fn measure(self) -> QuantityMeasure {
        match self {
            ActivityKind::CommonLecture(_) | ActivityKind::SpecialtyLecture => QuantityMeasure::Hours,
            ActivityKind::PublicLecture => QuantityMeasure::Minutes,
            ActivityKind::SchoolDoctor => QuantityMeasure::Years,
            ActivityKind::OldPoints => QuantityMeasure::Points,
            _ => QuantityMeasure::Count,
        }
    }

    /// Whether `role = lecturer` means something for this kind (lectures only, R3.4 and R4).
    pub fn accepts_lecturer(self) -> bool {
        matches!(self, ActivityKind::CommonLecture(_) | ActivityKind::SpecialtyLecture)
    }

    /// Achievements that could also have earned old society points (R5.9: 学会出席、学会発表、学術論文).
    pub fn may_hold_old_points(self) -> bool {
        matches!(self, ActivityKind::MeetingAttendance(_) | ActivityKind::Presentation(_) | ActivityKind::Paper(_))
    }
}

/// Why a `kind`/`detail` pair was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KindError {
    /// The kind is not one of [`ActivityKind::KEYS`].
    Kind,
    /// The detail is not one of the values this kind accepts.
    Detail { expected: &'static [&'static str] },
}

/// 受講者 or 講師.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Role {
    #[default]
    Attendee,
    Lecturer,
}

impl Role {
    pub fn parse(text: &str) -> Option<Role> {
        match trim(text) {
            "" | "attendee" | "受講者" => Some(Role::Attendee),
            "lecturer" | "講師" => Some(Role::Lecturer),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Role::Attendee => "attendee",
            Role::Lecturer => "lecturer",
        }
    }
}

/// A piece of evidence (certificate, file) named in the ledger, interned per specialist so that the
/// same proof claimed twice is recognisable (R5.9) without the domain holding text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EvidenceId(pub u32);

/// One activity of a specialist's ledger.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Activity {
    /// Where the activity came from: the row of `ledger.csv` as a spreadsheet shows it (header = 1).
    pub row: u32,
    pub date: CalendarDate,
    pub kind: ActivityKind,
    /// Cases, hours, minutes, years, points or a count, as [`ActivityKind::measure`] says.
    pub quantity: f64,
    pub role: Role,
    /// Held by a facility of the training group or approved by the committee and the board (R3.3);
    /// for meetings and journals: recognised by the society (R5.1, R5.3).
    pub approved: bool,
    pub e_learning: bool,
    pub evidence: Option<EvidenceId>,
}

/// 留保 reasons (SPEC R6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeferralReason {
    /// 国内外の研究留学.
    StudyAbroad,
    /// 病気療養.
    Illness,
    /// 妊娠・出産.
    Pregnancy,
    /// 育児.
    Childcare,
    /// 介護.
    Caregiving,
    /// 管理職.
    Management,
}

impl DeferralReason {
    pub const KEYS: [&'static str; 6] =
        ["study_abroad", "illness", "pregnancy", "childcare", "caregiving", "management"];

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text.trim() {
            "study_abroad" | "留学" | "研究留学" => DeferralReason::StudyAbroad,
            "illness" | "病気療養" => DeferralReason::Illness,
            "pregnancy" | "妊娠" | "出産" | "妊娠・出産" => DeferralReason::Pregnancy,
            "childcare" | "育児" => DeferralReason::Childcare,
            "caregiving" | "介護" => DeferralReason::Caregiving,
            "management" | "管理職" => DeferralReason::Management,
            _ => return None,
        })
    }

    pub fn as_ja(self) -> &'static str {
        match self {
            DeferralReason::StudyAbroad => "研究留学",
            DeferralReason::Illness => "病気療養",
            DeferralReason::Pregnancy => "妊娠・出産",
            DeferralReason::Childcare => "育児",
            DeferralReason::Caregiving => "介護",
            DeferralReason::Management => "管理職",
        }
    }
}

/// One row of the roster: a specialist and the renewal being decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Specialist {
    pub id: String,
    pub name: String,
    /// Renewals completed before this one; 3 or more exempts the clinical record (R1.3).
    pub renewals_completed: u32,
    /// 年度 of the renewal (the application is made in January of the next calendar year).
    pub renewal_fiscal_year: i32,
    /// The five-year period whose activities count.
    pub period_start: CalendarDate,
    pub period_end: CalendarDate,
    /// One-year extensions taken for this renewal (R6.3 from FY2020, R7.2 in the transition).
    pub extensions: u32,
    /// A 留保 applied for (R6.1), if any.
    pub deferral: Option<DeferralReason>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast trim must agree with `str::trim` on every white-space character Rust knows, at
    /// either end, next to ASCII, kana and kanji.
    #[test]
    fn x2_fast_trim_agrees_with_str_trim() {
        let spaces: Vec<char> = (0..=0x3000u32).filter_map(char::from_u32).filter(|c| c.is_whitespace()).collect();
        let solids = ["a", "医療安全", "ア", "ｱ", "１", "\u{FEFF}", "😀", "é", "\u{3041}", "\u{30FC}"];
        for s in solids {
            assert_eq!(trim(s), s.trim(), "{s:?}");
            for &w in &spaces {
                for text in [format!("{w}{s}"), format!("{s}{w}"), format!("{w}{s}{w}"), format!("{s}{w}{s}")] {
                    assert_eq!(trim(&text), text.trim(), "{text:?}");
                }
            }
        }
        assert_eq!(trim(""), "");
        assert_eq!(trim("\u{3000}"), "");
    }
}
