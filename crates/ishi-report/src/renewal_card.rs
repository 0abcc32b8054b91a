//! One specialist's renewal for a person (`ishi renew check --format table`): the verdict, each
//! category as a progress bar with its minimum and maximum, the mandatory lectures, what is short,
//! every activity not counted and why, and what is left. Bars are characters, not colour, so the
//! card reads the same with `NO_COLOR` or in a pipe.

use std::fmt::Write as _;

use crate::text_table::pad;
use ishi_calendar::CalendarDate;
use ishi_renewal::{Category, CommonItem, Evaluation, RenewalPlan, Specialist, Units, Verdict};

const BAR: usize = 20;

/// `██████░░░░` filled to `counted / scale`, with `|` where the minimum lies.
fn bar(counted: Units, min: Units, scale: Units) -> String {
    if scale.is_zero() {
        return "·".repeat(BAR);
    }
    let cells = |u: Units| ((u.halves() as usize * BAR) / scale.halves() as usize).min(BAR);
    let filled = cells(counted);
    let min_at = (!min.is_zero()).then(|| cells(min).saturating_sub(1));
    (0..BAR)
        .map(|i| match (i < filled, Some(i) == min_at && i >= filled) {
            (_, true) => '|',
            (true, _) => '█',
            (false, _) => '░',
        })
        .collect()
}

/// Renders the card of one evaluation, with the plan of what is left when given.
pub fn render(e: &Evaluation, s: &Specialist, plan: Option<&RenewalPlan>) -> String {
    let mut out = String::new();
    let fy_start = CalendarDate::fiscal_year_start(e.renewal_fiscal_year);
    let wareki_year = fy_start.wareki();
    let wareki_year = wareki_year.split('年').next().unwrap_or_default();
    let _ = writeln!(
        out,
        "{}（{}）— {}年度（{}年度）更新 — 判定: {}",
        s.name,
        e.specialist_id,
        e.renewal_fiscal_year,
        wareki_year,
        verdict_ja(e)
    );
    let _ = writeln!(
        out,
        "算定期間 {}〜{}　基準 {}　必要 {} 単位 ／ 算定 {} 単位{}",
        e.window.start,
        e.window.end,
        e.edition,
        e.required_units,
        e.counted_units,
        if e.exempt { "（3回以上更新者: 診療実績免除）" } else { "" }
    );
    out.push('\n');
    for c in Category::ALL {
        let r = e.category(c);
        let scale = r.max.unwrap_or(r.min.max(r.counted)).max(r.min);
        let range = match r.max {
            Some(max) => format!("最小 {} ／ 最大 {}", r.min, max),
            None => format!("最小 {} ／ 上限なし", r.min),
        };
        let short =
            if r.shortfall().is_zero() { String::new() } else { format!("  ← {} 単位不足", r.shortfall()) };
        let over = if r.earned > r.counted && c != Category::Clinical {
            format!("（取得 {}）", r.earned)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {} {} {:>4}{over}  {range}{short}",
            pad(c.as_ja(), 34),
            bar(r.counted, r.min, scale),
            r.counted.to_string()
        );
        if c == Category::Clinical && !e.exempt {
            let _ = writeln!(out, "  {} 症例 {} 例", pad("", 34), e.cases);
        }
        if c == Category::Common {
            let items: Vec<String> = CommonItem::MANDATORY
                .iter()
                .zip(e.mandatory)
                .map(|(item, u)| {
                    let mark = if u >= e.mandatory_each && !(e.mandatory_each.is_zero() && u.is_zero()) {
                        "✓"
                    } else if e.mandatory_each.is_zero() {
                        "-"
                    } else {
                        "✗"
                    };
                    format!("{}{mark} {u}", item.as_ja())
                })
                .collect();
            let need = if e.mandatory_each.is_zero() {
                format!("必修 合計 {} 以上", e.mandatory_total)
            } else {
                format!("必修 各 {} 以上", e.mandatory_each)
            };
            let _ = writeln!(out, "  {} {}（{need}）", pad("", 34), items.join("　"));
        }
    }
    if let Some(o) = &e.old_points {
        let _ = writeln!(
            out,
            "  {} 旧基準の点 {} ／ 移行措置 {}（学会更新 {}）  期間 {}〜{}",
            pad("", 34),
            o.earned,
            o.required,
            o.society_full,
            o.window.start,
            o.window.end
        );
    }
    let outcome: Vec<_> = e.findings.iter().filter(|f| f.row.is_none() && !f.is_shortfall()).collect();
    let shortfalls: Vec<_> = e.findings.iter().filter(|f| f.is_shortfall()).collect();
    let refused: Vec<_> = e.findings.iter().filter(|f| f.row.is_some()).collect();
    for (title, list) in
        [("判定について", &outcome), ("不足している要件", &shortfalls), ("算定しなかった活動", &refused)]
    {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}:");
        for f in list.iter() {
            let _ = writeln!(out, "  - [{}] {}", f.rule, f.message());
        }
    }
    if let Some(p) = plan
        && !p.already_passes
    {
        let _ = writeln!(out, "\nあと何をすれば更新できるか（期限 {}、残り {} 日）:", p.deadline, p.days_left.max(0));
        for a in &p.activities {
            let _ = writeln!(out, "  - {}", a.message());
        }
        let _ = writeln!(out, "  合計: 講習 {} 時間、症例 {} 例", p.lecture_hours, p.cases);
        if let Some(obstacle) = p.obstacle {
            let why = obstacle.message();
            let _ = writeln!(out, "  注意: {why}");
        }
    }
    out
}

fn verdict_ja(e: &Evaluation) -> &'static str {
    match (e.verdict, e.outcome) {
        (Verdict::Pass, _) => "更新可（機構認定専門医）",
        (Verdict::Fail, ishi_renewal::Outcome::SocietyRenewal) => "基準未達（学会専門医として更新）",
        (Verdict::Fail, _) => "基準未達",
        (Verdict::Review, ishi_renewal::Outcome::IndividualReview) => "個別審査（委員会）",
        (Verdict::Review, ishi_renewal::Outcome::Deferred) => "留保申請（委員会）",
        (Verdict::Review, _) => "委員会審議",
    }
}
