//! The forms as plain tables, built once and drawn by both renderers (SPEC R8), so that the
//! workbook and the PDF always say the same thing.

use std::collections::{BTreeMap, BTreeSet};

use ishi_calendar::CalendarDate;
use ishi_renewal::{
    ActivityKind, Category, CategoryResult, CommonItem, Evaluation, Finding, Outcome, QuantityMeasure, Role, Units,
};

use crate::{FORMS, FormEntry, FormsError, FormsInput};

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Num(f64),
    Date(CalendarDate),
    Empty,
}

impl Cell {
    fn text(s: impl Into<String>) -> Self {
        Cell::Text(s.into())
    }

    fn units(u: Units) -> Self {
        Cell::Num(u.as_f64())
    }

    /// The cell as shown to a reader.
    pub(crate) fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Num(x) => fmt_num(*x),
            Cell::Date(d) => d.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

impl Align {
    pub(crate) fn key(self) -> &'static str {
        match self {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub header: &'static str,
    /// Width in spreadsheet characters (a kanji is two); the PDF scales the same widths to the page.
    pub width: f64,
    pub align: Align,
    /// In the PDF, a column that takes a share of the width left by the others (which fit their
    /// content); when no column of a table grows, all keep their spreadsheet proportions.
    pub grow: bool,
}

const fn col(header: &'static str, width: f64, align: Align) -> Column {
    Column { header, width, align, grow: false }
}

/// A text column that takes its share of the page width in the PDF.
const fn wide(header: &'static str, width: f64) -> Column {
    Column { header, width, align: Align::Left, grow: true }
}

/// A bordered table: column headers, rows, and totals rows under it. In a totals row a text cell
/// spans the empty cells that follow it.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub totals: Vec<Vec<Cell>>,
}

impl Table {
    pub(crate) fn width(&self) -> f64 {
        self.columns.iter().map(|c| c.width).sum()
    }
}

/// Totals-row cells with their column spans: a text cell takes the empty cells after it.
pub(crate) fn spans(row: &[Cell]) -> Vec<(&Cell, usize)> {
    let mut out: Vec<(&Cell, usize)> = Vec::new();
    for cell in row {
        match (cell, out.last_mut()) {
            (Cell::Empty, Some((Cell::Text(_), n))) => *n += 1,
            _ => out.push((cell, 1)),
        }
    }
    out
}

/// One 様式.
#[derive(Debug, Clone)]
pub(crate) struct Form {
    pub code: &'static str,
    pub title: &'static str,
    /// The header block: 氏名, ID, 更新年度 …
    pub meta: Vec<(&'static str, String)>,
    pub tables: Vec<Table>,
    /// Lines under the tables (所見, exemptions).
    pub notes_caption: Option<&'static str>,
    pub notes: Vec<String>,
}

/// Which form an activity is listed on.
fn form_of(kind: ActivityKind) -> usize {
    match kind {
        ActivityKind::CaseOperation => 1,
        ActivityKind::CaseTreatment => 2,
        ActivityKind::CommonLecture(_) => 3,
        ActivityKind::SpecialtyLecture => 4,
        _ => 5,
    }
}

pub(crate) fn build(input: &FormsInput) -> Result<Vec<Form>, FormsError> {
    let (s, e) = (input.specialist, input.evaluation);
    if s.id != e.specialist_id || s.renewal_fiscal_year != e.renewal_fiscal_year {
        return Err(FormsError::Mismatch {
            specialist_id: s.id.clone(),
            specialist_year: s.renewal_fiscal_year,
            evaluation_id: e.specialist_id.clone(),
            evaluation_year: e.renewal_fiscal_year,
        });
    }

    // Findings about ledger rows go to the 備考 of their row; the rest to 様式1-2.
    let mut by_row: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let listed: BTreeSet<u32> = input.entries.iter().map(|x| x.activity.row).collect();
    let mut general = Vec::new();
    for f in &e.findings {
        match f.row {
            Some(r) if listed.contains(&r) => by_row.entry(r).or_default().push(remark(f)),
            _ => general.push(format!("{}: {}", f.rule, f.message())),
        }
    }
    let remarks = |row: u32| by_row.get(&row).map(|v| v.join("\n")).unwrap_or_default();

    let mut sorted: Vec<&FormEntry> = input.entries.iter().collect();
    sorted.sort_by_key(|x| (x.activity.date, x.activity.row));
    let on = |form: usize| sorted.iter().copied().filter(move |x| form_of(x.activity.kind) == form);

    let meta = |with_edition: bool| {
        let mut m = vec![
            ("氏名", s.name.clone()),
            ("ID", s.id.clone()),
            ("更新年度", fiscal_year_ja(s.renewal_fiscal_year)),
            ("算定期間", format!("{}〜{}", e.window.start, e.window.end)),
            ("作成日", format!("{}（{}）", input.prepared_on, input.prepared_on.wareki())),
        ];
        if with_edition {
            m.push(("適用基準", e.edition.clone()));
        }
        m
    };
    let form = |i: usize, tables: Vec<Table>, notes_caption, notes| Form {
        code: FORMS[i].0,
        title: FORMS[i].1,
        meta: meta(i == 0),
        tables,
        notes_caption,
        notes,
    };

    let exempt_note = || {
        if e.exempt {
            vec!["3回以上更新者のため、診療実績の証明（様式3〜5）の提出は免除です（R1.3）。".to_string()]
        } else {
            vec![]
        }
    };
    Ok(vec![
        form(0, summary_tables(e), Some("所見"), general),
        form(1, vec![cases_table(e, on(1), &remarks, "手術日", "術式・病名")], None, exempt_note()),
        form(2, vec![cases_table(e, on(2), &remarks, "診療日", "病名・治療法・転帰・診療施設名")], None, exempt_note()),
        form(3, vec![lecture_table(e, on(3), &remarks, Category::Common)], None, vec![]),
        form(4, vec![lecture_table(e, on(4), &remarks, Category::Specialty)], None, vec![]),
        form(5, achievement_tables(e, &sorted, &remarks), None, vec![]),
    ])
}

/// A finding in a row's 備考: the rule and the message without the row prefix (the row is the row).
fn remark(f: &Finding) -> String {
    format!("{}: {}", f.rule, Finding { row: None, ..f.clone() }.message())
}

/// `2025年度（令和7年度）`: the era is that of most of the year (FY2019 is 令和元年度).
pub(crate) fn fiscal_year_ja(fy: i32) -> String {
    let era = CalendarDate::new(fy, 5, 1).map(|d| d.wareki()).unwrap_or_default();
    match era.find('年') {
        Some(i) => format!("{fy}年度（{}年度）", &era[..i]),
        None => format!("{fy}年度"),
    }
}

fn outcome_ja(o: Outcome) -> &'static str {
    match o {
        Outcome::BoardRenewal => "機構認定専門医として更新",
        Outcome::NotMet => "基準未達",
        Outcome::SocietyRenewal => "学会専門医として更新（移行措置）",
        Outcome::IndividualReview => "専門医生涯教育委員会の個別審査",
        Outcome::Deferred => "留保申請（委員会審議）",
        Outcome::CommitteeDecision => "委員会審議",
    }
}

fn bounds_ja(c: &CategoryResult) -> String {
    match c.max {
        Some(max) if max == c.min => format!("{}単位", c.min),
        Some(max) => format!("最小{}・最大{}", c.min, max),
        None => format!("最小{}", c.min),
    }
}

/// 様式1-2: units per category, the mandatory lectures, old points, the verdict.
fn summary_tables(e: &Evaluation) -> Vec<Table> {
    use Align::*;
    let mut rows = Vec::new();
    for c in &e.categories {
        let note = match c.category {
            Category::Clinical if e.exempt => "3回以上更新者のため免除".to_string(),
            Category::Clinical => format!("症例 {} 例（様式4・5）", e.cases),
            Category::Common => "様式6-1".to_string(),
            Category::Specialty => "様式7-1".to_string(),
            Category::Achievements => "様式8-1".to_string(),
        };
        rows.push(vec![
            Cell::text(c.category.as_ja()),
            Cell::units(c.earned),
            Cell::units(c.counted),
            Cell::units(c.min),
            c.max.map_or(Cell::text("—"), Cell::units),
            Cell::units(c.shortfall()),
            Cell::text(note),
        ]);
    }
    let earned: Units = e.categories.iter().map(|c| c.earned).sum();
    let units = Table {
        caption: Some("更新単位".into()),
        columns: vec![
            col("項目", 34.0, Left),
            col("獲得単位", 10.0, Right),
            col("算定単位", 10.0, Right),
            col("最小", 10.0, Right),
            col("最大", 10.0, Right),
            col("不足", 10.0, Right),
            col("備考", 34.0, Left),
        ],
        rows,
        totals: vec![
            vec![
                Cell::text("合計"),
                Cell::units(earned),
                Cell::units(e.counted_units),
                Cell::units(e.required_units),
                Cell::text("—"),
                Cell::units(e.required_units - e.counted_units),
                Cell::text(format!("必要単位 {}", e.required_units)),
            ],
            vec![
                Cell::text("判定"),
                Cell::text(match e.outcome {
                    Outcome::NotMet => e.verdict.as_ja().to_string(),
                    o => format!("{}（{}）", e.verdict.as_ja(), outcome_ja(o)),
                }),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ],
        ],
    };

    let ok = |got: Units, need: Units| Cell::text(if got >= need { "○" } else { "不足" });
    let mut rows = Vec::new();
    for (i, item) in CommonItem::MANDATORY.into_iter().enumerate() {
        rows.push(vec![
            Cell::text(item.as_ja()),
            Cell::units(e.mandatory[i]),
            Cell::units(e.mandatory_each),
            ok(e.mandatory[i], e.mandatory_each),
        ]);
    }
    let mandatory_sum: Units = e.mandatory.iter().copied().sum();
    let mandatory = Table {
        caption: Some("必修講習（ii) 専門医共通講習のうち）".into()),
        columns: vec![
            col("項目", 34.0, Left),
            col("単位", 10.0, Right),
            col("必要", 10.0, Right),
            col("判定", 10.0, Center),
        ],
        rows,
        totals: vec![vec![
            Cell::text("必修講習の合計"),
            Cell::units(mandatory_sum),
            Cell::units(e.mandatory_total),
            ok(mandatory_sum, e.mandatory_total),
        ]],
    };

    let mut tables = vec![units, mandatory];
    if let Some(o) = &e.old_points {
        tables.push(Table {
            caption: Some("旧基準の点（移行措置）".into()),
            columns: vec![
                col("算定期間", 34.0, Left),
                col("獲得点", 10.0, Right),
                col("必要点", 10.0, Right),
                col("不足", 10.0, Right),
                col("学会基準", 10.0, Right),
            ],
            rows: vec![vec![
                Cell::text(format!("{}〜{}", o.window.start, o.window.end)),
                Cell::Num(o.earned),
                Cell::Num(o.required),
                Cell::Num((o.required - o.earned).max(0.0)),
                Cell::Num(o.society_full),
            ]],
            totals: vec![],
        });
    }
    tables
}

/// A totals row: `label` over the columns before `at`, `value` at `at`, `unit` after it.
fn total_row(width: usize, at: usize, label: String, value: Cell, unit: &str) -> Vec<Cell> {
    let mut row = vec![Cell::Empty; width];
    row[0] = Cell::Text(label);
    row[at] = value;
    if at + 1 < width {
        row[at + 1] = Cell::text(unit);
    }
    row
}

fn category_totals(width: usize, at: usize, c: &CategoryResult) -> [Vec<Cell>; 2] {
    [
        total_row(width, at, format!("{} 獲得単位", c.category.as_ja()), Cell::units(c.earned), "単位"),
        total_row(
            width,
            at,
            format!("{} 算定単位（{}）", c.category.as_ja(), bounds_ja(c)),
            Cell::units(c.counted),
            "単位",
        ),
    ]
}

fn evidence(x: &FormEntry) -> Cell {
    Cell::text(x.evidence)
}

/// 様式4 and 様式5: one row per ledger row of cases.
fn cases_table<'a>(
    e: &Evaluation,
    entries: impl Iterator<Item = &'a FormEntry<'a>>,
    remarks: &dyn Fn(u32) -> String,
    date: &'static str,
    detail: &'static str,
) -> Table {
    use Align::*;
    let columns = vec![
        col("No.", 5.0, Center),
        col(date, 11.0, Center),
        wide(detail, 40.0),
        col("症例数", 7.0, Right),
        wide("証明", 14.0),
        col("台帳行", 7.0, Right),
        wide("備考", 40.0),
    ];
    let mut rows = Vec::new();
    let mut cases = 0.0;
    for (i, x) in entries.enumerate() {
        let a = x.activity;
        cases += a.quantity;
        rows.push(vec![
            Cell::Num((i + 1) as f64),
            Cell::Date(a.date),
            Cell::text(x.detail),
            Cell::Num(a.quantity),
            evidence(x),
            Cell::Num(a.row as f64),
            Cell::text(remarks(a.row)),
        ]);
    }
    let (w, at) = (columns.len(), 3);
    let c = e.category(Category::Clinical);
    let [earned, counted] = category_totals(w, at, c);
    Table {
        caption: None,
        columns,
        rows,
        totals: vec![
            total_row(w, at, "合計症例数".into(), Cell::Num(cases), "例"),
            total_row(w, at, "算定対象の症例（様式4・5の合計）".into(), Cell::Num(e.cases as f64), "例"),
            earned,
            counted,
        ],
    }
}

fn role_ja(r: Role) -> &'static str {
    match r {
        Role::Attendee => "受講",
        Role::Lecturer => "講師",
    }
}

/// 様式6-1 (common lectures, with their item) and 様式7-1 (specialty lectures).
fn lecture_table<'a>(
    e: &Evaluation,
    entries: impl Iterator<Item = &'a FormEntry<'a>>,
    remarks: &dyn Fn(u32) -> String,
    category: Category,
) -> Table {
    use Align::*;
    let common = category == Category::Common;
    let mut columns = vec![col("No.", 5.0, Center), col("受講日", 11.0, Center)];
    if common {
        columns.push(col("項目", 15.0, Left));
    }
    columns.extend([
        wide("講習名", if common { 30.0 } else { 40.0 }),
        col("時間", 6.0, Right),
        col("受講/講師", 10.0, Center),
        col("e-learning", 10.0, Center),
        wide("証明", 18.0),
        col("台帳行", 7.0, Right),
        wide("備考", 36.0),
    ]);
    let at = if common { 4 } else { 3 };
    let mut rows = Vec::new();
    let mut hours = 0.0;
    for (i, x) in entries.enumerate() {
        let a = x.activity;
        hours += a.quantity;
        let mut row = vec![Cell::Num((i + 1) as f64), Cell::Date(a.date)];
        if let ActivityKind::CommonLecture(item) = a.kind {
            let mandatory = if item.is_mandatory() { "\n（必修）" } else { "" };
            row.push(Cell::text(format!("{}{mandatory}", item.as_ja())));
        }
        row.extend([
            Cell::text(x.detail),
            Cell::Num(a.quantity),
            Cell::text(role_ja(a.role)),
            Cell::text(if a.e_learning { "○" } else { "" }),
            evidence(x),
            Cell::Num(a.row as f64),
            Cell::text(remarks(a.row)),
        ]);
        rows.push(row);
    }
    let w = columns.len();
    let c = e.category(category);
    let mut totals = vec![total_row(w, at, "合計時間".into(), Cell::Num(hours), "時間")];
    totals.extend(category_totals(w, at, c));
    if common {
        for (i, item) in CommonItem::MANDATORY.into_iter().enumerate() {
            let label = format!("うち必修「{}」（{}単位以上）", item.as_ja(), e.mandatory_each);
            totals.push(total_row(w, at, label, Cell::units(e.mandatory[i]), "単位"));
        }
    }
    Table { caption: None, columns, rows, totals }
}

/// The quantity of an achievement with what it counts.
fn quantity_ja(kind: ActivityKind, q: f64) -> String {
    let unit = match kind {
        ActivityKind::MeetingAttendance(_) | ActivityKind::Presentation(_) => "回",
        ActivityKind::Paper(_) | ActivityKind::PeerReview => "編",
        ActivityKind::PublicLecture => "分",
        ActivityKind::SchoolDoctor => "年",
        ActivityKind::OldPoints => "点",
        _ => match kind.measure() {
            QuantityMeasure::Hours => "時間",
            _ => "件",
        },
    };
    format!("{}{unit}", fmt_num(q))
}

/// 様式8-1: achievements, and the old society points of the transition in a table of their own.
fn achievement_tables(e: &Evaluation, sorted: &[&FormEntry], remarks: &dyn Fn(u32) -> String) -> Vec<Table> {
    use Align::*;
    let columns = || {
        vec![
            col("No.", 5.0, Center),
            col("日付", 11.0, Center),
            wide("種別", 22.0),
            wide("内容（学会名・演題・論文名など）", 32.0),
            col("数量", 7.0, Right),
            wide("証明", 16.0),
            col("台帳行", 7.0, Right),
            wide("備考", 36.0),
        ]
    };
    let rows = |old: bool| {
        sorted
            .iter()
            .filter(|x| form_of(x.activity.kind) == 5 && (x.activity.kind == ActivityKind::OldPoints) == old)
            .enumerate()
            .map(|(i, x)| {
                let a = x.activity;
                vec![
                    Cell::Num((i + 1) as f64),
                    Cell::Date(a.date),
                    Cell::text(a.kind.as_ja()),
                    Cell::text(x.detail),
                    Cell::text(quantity_ja(a.kind, a.quantity)),
                    evidence(x),
                    Cell::Num(a.row as f64),
                    Cell::text(remarks(a.row)),
                ]
            })
            .collect::<Vec<_>>()
    };
    let (w, at) = (columns().len(), 4);
    let mut tables = vec![Table {
        caption: None,
        columns: columns(),
        rows: rows(false),
        totals: category_totals(w, at, e.category(Category::Achievements)).to_vec(),
    }];
    let old = rows(true);
    if !old.is_empty() || e.old_points.is_some() {
        let totals = match &e.old_points {
            Some(o) => vec![total_row(
                w,
                at,
                format!("旧基準の点 合計（{}〜{}）", o.window.start, o.window.end),
                Cell::Num(o.earned),
                "点",
            )],
            None => vec![],
        };
        tables.push(Table {
            caption: Some("旧基準の点（移行措置）".into()), columns: columns(), rows: old, totals
        });
    }
    tables
}

/// `12`, `1.5`, `0.25`: numbers as a person writes them.
pub(crate) fn fmt_num(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if r.fract() == 0.0 && r.abs() < 1e15 { format!("{}", r as i64) } else { format!("{r}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r8_fiscal_year_in_wareki() {
        assert_eq!(fiscal_year_ja(2025), "2025年度（令和7年度）");
        assert_eq!(fiscal_year_ja(2019), "2019年度（令和元年度）");
        assert_eq!(fiscal_year_ja(2018), "2018年度（平成30年度）");
    }

    #[test]
    fn r8_totals_text_spans_the_empty_cells_after_it() {
        let row = total_row(6, 3, "合計".into(), Cell::Num(3.0), "例");
        let s: Vec<usize> = spans(&row).into_iter().map(|(_, n)| n).collect();
        assert_eq!(s, [3, 1, 2]);
    }
}
