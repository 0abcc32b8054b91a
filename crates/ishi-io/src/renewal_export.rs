//! Output of renewal evaluations (CLI contract of `ishi renew check|plan|batch`): JSON, CSV (UTF-8
//! with BOM, X2) and the committee list as .xlsx.

use std::io::Write;

use ishi_renewal::{
    ActivityKind, Category, CommonItem, Evaluation, Outcome, PlanObstacle, RenewalPlan, Specialist, Units, Verdict,
};
use rust_xlsxwriter::{Format, Workbook};
use serde_json::{Map, Value, json};

use crate::error::IoError;

/// A unit count as a JSON number: `12`, or `1.5` when a half occurs.
pub fn units_value(u: Units) -> Value {
    if u.halves().is_multiple_of(2) { json!(u.halves() / 2) } else { json!(u.as_f64()) }
}

fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 { json!(x as i64) } else { json!(x) }
}

/// One evaluation as the contract's JSON object: `specialist_id`, `renewal_fiscal_year`, `verdict`,
/// `required_units`, `counted_units`, `categories` (`clinical`, `common` with `mandatory`,
/// `specialty`, `achievements`, each `earned`/`counted`/`min`/`max`), `old_points` where the edition
/// uses them, and `reasons` (`rule`, `message`, and `row` for a ledger row); plus `name`, `edition`,
/// `outcome`, `exempt`, `period` and each category's `shortfall`.
pub fn evaluation_json(e: &Evaluation, specialist: &Specialist) -> Value {
    let mut categories = Map::new();
    for c in Category::ALL {
        let r = e.category(c);
        let mut obj = Map::new();
        obj.insert("earned".into(), units_value(r.earned));
        obj.insert("counted".into(), units_value(r.counted));
        obj.insert("min".into(), units_value(r.min));
        obj.insert("max".into(), r.max.map_or(Value::Null, units_value));
        obj.insert("shortfall".into(), units_value(r.shortfall()));
        if c == Category::Clinical {
            obj.insert("cases".into(), json!(e.cases));
        }
        if c == Category::Common {
            let mut m = Map::new();
            for (i, item) in CommonItem::MANDATORY.into_iter().enumerate() {
                m.insert(item.as_ja().into(), units_value(e.mandatory[i]));
            }
            obj.insert("mandatory".into(), Value::Object(m));
            obj.insert("mandatory_each".into(), units_value(e.mandatory_each));
            obj.insert("mandatory_total".into(), units_value(e.mandatory_total));
        }
        categories.insert(c.key().into(), Value::Object(obj));
    }
    let mut out = Map::new();
    out.insert("specialist_id".into(), json!(e.specialist_id));
    out.insert("name".into(), json!(specialist.name));
    out.insert("renewal_fiscal_year".into(), json!(e.renewal_fiscal_year));
    out.insert("verdict".into(), json!(e.verdict.key()));
    out.insert("outcome".into(), json!(e.outcome.key()));
    out.insert("edition".into(), json!(e.edition));
    out.insert("exempt".into(), json!(e.exempt));
    out.insert("period".into(), json!({ "start": e.window.start.to_string(), "end": e.window.end.to_string() }));
    out.insert("required_units".into(), units_value(e.required_units));
    out.insert("counted_units".into(), units_value(e.counted_units));
    out.insert("categories".into(), Value::Object(categories));
    if let Some(o) = &e.old_points {
        out.insert(
            "old_points".into(),
            json!({
                "earned": number(o.earned),
                "required": number(o.required),
                "society_full": number(o.society_full),
                "window": { "start": o.window.start.to_string(), "end": o.window.end.to_string() },
            }),
        );
    }
    let reasons = e
        .findings
        .iter()
        .map(|f| {
            let mut r = Map::new();
            r.insert("rule".into(), json!(f.rule));
            r.insert("message".into(), json!(f.message()));
            if let Some(row) = f.row {
                r.insert("row".into(), json!(row));
            }
            Value::Object(r)
        })
        .collect();
    out.insert("reasons".into(), Value::Array(reasons));
    Value::Object(out)
}

/// The plan of what is left as JSON.
pub fn plan_json(p: &RenewalPlan) -> Value {
    json!({
        "specialist_id": p.specialist_id,
        "already_passes": p.already_passes,
        "deadline": p.deadline.to_string(),
        "days_left": p.days_left,
        "lecture_hours": number(p.lecture_hours),
        "cases": p.cases,
        "activities": p.activities.iter().map(|a| json!({
            "kind": a.kind.key(),
            "detail": a.kind.detail_key(),
            "quantity": number(a.quantity),
            "units": units_value(a.units),
            "rule": a.rule,
            "message": a.message(),
        })).collect::<Vec<_>>(),
        "verdict_after": p.verdict_after.key(),
        "obstacle": p.obstacle.map(|o| {
            let mut obj = json!({ "kind": o.key(), "message": o.message() });
            if let PlanObstacle::PeriodOver { end } = o {
                obj["end"] = json!(end.to_string());
            }
            obj
        }),
    })
}

/// Columns of the evaluation CSV and of the committee list.
pub const EVALUATION_COLUMNS: [&str; 22] = [
    "specialist_id",
    "name",
    "renewal_fiscal_year",
    "verdict",
    "outcome",
    "edition",
    "exempt",
    "required_units",
    "counted_units",
    "clinical_counted",
    "clinical_min",
    "common_counted",
    "common_min",
    "specialty_counted",
    "specialty_min",
    "achievements_counted",
    "achievements_min",
    "医療安全",
    "感染対策",
    "医療倫理",
    "old_points",
    "failing_rules",
];

fn evaluation_record(e: &Evaluation, s: &Specialist) -> Vec<String> {
    let rules = e.failing_rules();
    let mut row = vec![
        e.specialist_id.clone(),
        s.name.clone(),
        e.renewal_fiscal_year.to_string(),
        e.verdict.key().to_string(),
        e.outcome.key().to_string(),
        e.edition.clone(),
        e.exempt.to_string(),
        e.required_units.to_string(),
        e.counted_units.to_string(),
    ];
    for c in Category::ALL {
        row.push(e.category(c).counted.to_string());
        row.push(e.category(c).min.to_string());
    }
    row.extend(e.mandatory.iter().map(|u| u.to_string()));
    row.push(e.old_points.map_or(String::new(), |o| o.earned.to_string()));
    row.push(rules.join(" "));
    row
}

/// Streams evaluations as CSV (UTF-8 with BOM); for memberships of any size.
pub struct EvaluationCsvWriter<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> EvaluationCsvWriter<W> {
    pub fn new(mut out: W) -> Result<Self, IoError> {
        out.write_all(b"\xEF\xBB\xBF").map_err(|e| IoError::Write { path: "-".into(), source: e })?;
        let mut inner = csv::Writer::from_writer(out);
        inner.write_record(EVALUATION_COLUMNS).map_err(csv_error)?;
        Ok(Self { inner })
    }

    pub fn write(&mut self, e: &Evaluation, s: &Specialist) -> Result<(), IoError> {
        self.inner.write_record(evaluation_record(e, s)).map_err(csv_error)
    }

    pub fn finish(mut self) -> Result<W, IoError> {
        self.inner.flush().map_err(|e| IoError::Write { path: "-".into(), source: e })?;
        self.inner.into_inner().map_err(|e| IoError::Write { path: "-".into(), source: e.into_error() })
    }
}

fn csv_error(e: csv::Error) -> IoError {
    IoError::Write { path: "-".into(), source: std::io::Error::other(e) }
}

/// The committee's list as .xlsx: one row per specialist with verdict, units and failing rules, and
/// a second sheet with every reason.
pub fn committee_xlsx(rows: &[(&Evaluation, &Specialist)], title: &str) -> Result<Vec<u8>, IoError> {
    let xlsx = |e: rust_xlsxwriter::XlsxError| IoError::Xlsx(e.to_string());
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name("判定一覧").map_err(xlsx)?;
    sheet.write_string_with_format(0, 0, title, &bold).map_err(xlsx)?;
    for (i, h) in EVALUATION_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(1, i as u16, *h, &bold).map_err(xlsx)?;
    }
    for (r, (e, s)) in rows.iter().enumerate() {
        for (c, v) in evaluation_record(e, s).into_iter().enumerate() {
            let row = r as u32 + 2;
            match v.parse::<f64>() {
                Ok(n) if (7..21).contains(&c) => sheet.write_number(row, c as u16, n).map_err(xlsx)?,
                _ => sheet.write_string(row, c as u16, &v).map_err(xlsx)?,
            };
        }
    }
    sheet.set_column_width(1, 16).map_err(xlsx)?;
    sheet.set_column_width(21, 24).map_err(xlsx)?;
    let reasons = book.add_worksheet().set_name("理由").map_err(xlsx)?;
    for (i, h) in ["specialist_id", "rule", "row", "message"].iter().enumerate() {
        reasons.write_string_with_format(0, i as u16, *h, &bold).map_err(xlsx)?;
    }
    let mut r = 1u32;
    for (e, _) in rows {
        for f in &e.findings {
            reasons.write_string(r, 0, &e.specialist_id).map_err(xlsx)?;
            reasons.write_string(r, 1, f.rule).map_err(xlsx)?;
            if let Some(row) = f.row {
                reasons.write_number(r, 2, row as f64).map_err(xlsx)?;
            }
            reasons.write_string(r, 3, f.message()).map_err(xlsx)?;
            r += 1;
        }
    }
    reasons.set_column_width(3, 100).map_err(xlsx)?;
    book.save_to_buffer().map_err(xlsx)
}

/// Counts for the committee: by verdict, by outcome and by failing rule.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct BatchSummary {
    pub specialists: usize,
    pub by_verdict: Vec<(Verdict, usize)>,
    pub by_outcome: Vec<(Outcome, usize)>,
    /// Specialists failing each rule (a specialist counts once per rule).
    pub by_failing_rule: Vec<(&'static str, usize)>,
}

impl BatchSummary {
    pub fn of<'a>(evaluations: impl IntoIterator<Item = &'a Evaluation>) -> Self {
        let mut s = BatchSummary::default();
        let mut verdicts = std::collections::BTreeMap::new();
        let mut outcomes: Vec<(Outcome, usize)> = vec![];
        let mut rules = std::collections::BTreeMap::new();
        for e in evaluations {
            s.specialists += 1;
            *verdicts.entry(e.verdict).or_insert(0) += 1;
            match outcomes.iter_mut().find(|(o, _)| *o == e.outcome) {
                Some((_, n)) => *n += 1,
                None => outcomes.push((e.outcome, 1)),
            }
            for r in e.failing_rules() {
                *rules.entry(r).or_insert(0) += 1;
            }
        }
        s.by_verdict = verdicts.into_iter().collect();
        s.by_outcome = outcomes;
        s.by_failing_rule = rules.into_iter().collect();
        s.by_failing_rule.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        s
    }

    pub fn to_json(&self) -> Value {
        json!({
            "specialists": self.specialists,
            "by_verdict": self.by_verdict.iter().map(|(v, n)| (v.key().to_string(), json!(n))).collect::<Map<_, _>>(),
            "by_outcome": self.by_outcome.iter().map(|(o, n)| (o.key().to_string(), json!(n))).collect::<Map<_, _>>(),
            "by_failing_rule": self.by_failing_rule.iter().map(|(r, n)| (r.to_string(), json!(n))).collect::<Map<_, _>>(),
        })
    }
}

/// The `kind` key and `detail` of a planned or recorded activity, for tables.
pub fn kind_label(kind: ActivityKind) -> String {
    match kind.detail_key() {
        Some(d) => format!("{} ({d})", kind.key()),
        None => kind.key().to_string(),
    }
}
