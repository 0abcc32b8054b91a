//! `ishi plan certify` — 大臣認定 (P8) from work-history files.

use anyhow::Result;
use ishi_io::work_history::read_work_history;
use ishi_plan::certification::{About, CertificationRules, decide};
use serde_json::{Value, json};

use crate::cli::{CertifyArgs, StepFormat};
use crate::plan::{Log, emit, json_bytes};
use crate::renew::{parse_date, today};

pub fn certify(args: &CertifyArgs, log: &Log) -> Result<()> {
    let date = match &args.date {
        Some(d) => parse_date("date", d)?,
        None => today(),
    };
    let rules = CertificationRules::builtin();
    let physicians = read_work_history(&args.history)?;
    let mut out = vec![];
    for p in &physicians {
        let d = decide(&p.history, &rules, date)?;
        // Findings name the spreadsheet row of the period they are about.
        let row_of = |about: &About| match about {
            About::Work(i) => p.work_rows.get(*i).copied(),
            About::Leave(i) => p.leave_rows.get(*i).copied(),
            About::History => None,
        };
        out.push(json!({
            "physician_id": p.physician_id,
            "eligible": d.eligible,
            "route": d.route.map(|r| r.as_ja()),
            "qualifying": d.qualifying.iter().map(|q| json!({
                "start": q.start.to_string(), "end": q.end.to_string(), "institution": q.institution,
            })).collect::<Vec<_>>(),
            "counted_days": d.counted_days,
            "required_days": d.required_days,
            "reached_on": d.reached_on.map(|r| r.to_string()),
            "findings": d.findings.iter().map(|f| json!({
                "rule": f.rule, "row": row_of(&f.about), "message": f.message,
            })).collect::<Vec<_>>(),
        }));
    }
    log.info(format!("{} physicians decided as of {date}", physicians.len()));
    let bytes = match args.out.format {
        StepFormat::Json => json_bytes(&Value::Array(out))?,
        StepFormat::Csv => ishi_io::export::csv_with_bom(
            &[
                "physician_id",
                "eligible",
                "route",
                "qualifying_start",
                "qualifying_end",
                "counted_days",
                "required_days",
                "reasons",
            ],
            out.iter().map(|o| {
                let q = o["qualifying"].as_array().cloned().unwrap_or_default();
                let s = |v: &Value| v.as_str().unwrap_or("").to_string();
                vec![
                    s(&o["physician_id"]),
                    o["eligible"].to_string(),
                    s(&o["route"]),
                    q.first().map_or(String::new(), |q| s(&q["start"])),
                    q.last().map_or(String::new(), |q| s(&q["end"])),
                    o["counted_days"].to_string(),
                    o["required_days"].to_string(),
                    o["findings"].as_array().map_or(String::new(), |f| {
                        f.iter()
                            .map(|f| format!("{} {}", s(&f["rule"]), s(&f["message"])))
                            .collect::<Vec<_>>()
                            .join(" / ")
                    }),
                ]
            }),
        ),
        StepFormat::Table => {
            let mut text = format!("大臣認定（医師少数区域等における勤務経験）— 基準日 {date}（{}）\n", date.wareki());
            for o in &out {
                let s = |v: &Value| v.as_str().unwrap_or("").to_string();
                text += &format!(
                    "\n{}: {}{}\n  勤務日数 {} / 必要 {}\n",
                    s(&o["physician_id"]),
                    if o["eligible"] == true { "認定要件を満たす" } else { "認定要件を満たさない" },
                    o["route"].as_str().map_or(String::new(), |r| format!("（{r}）")),
                    o["counted_days"],
                    o["required_days"],
                );
                for q in o["qualifying"].as_array().into_iter().flatten() {
                    text += &format!("  対象期間 {} 〜 {} {}\n", s(&q["start"]), s(&q["end"]), s(&q["institution"]));
                }
                for f in o["findings"].as_array().into_iter().flatten() {
                    let row = f["row"].as_u64().map_or(String::new(), |r| format!("行{r} "));
                    text += &format!("  [{}] {row}{}\n", s(&f["rule"]), s(&f["message"]));
                }
            }
            text.into_bytes()
        }
    };
    emit(args.out.output.as_deref(), &bytes, log)
}
