//! The plan table for people (`--format table`): aligned by display width, Japanese names, the
//! thresholds and their sources printed above, overrides with their reasons below. No colour: the
//! designation is a word, so the table reads the same with `NO_COLOR` or in a pipe.

use std::fmt::Write as _;

use ishi_plan::{Level, PlanTable};
use unicode_width::UnicodeWidthStr;

pub(crate) fn pad(text: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

fn pad_left(text: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(text);
    format!("{}{text}", " ".repeat(width.saturating_sub(w)))
}

/// Renders `table`; `source` is the data credit line.
pub fn render(table: &PlanTable, source: &str) -> String {
    let mut out = String::new();
    let n = table.rows.len();
    let unit = if table.level == Level::Secondary { "区域" } else { "都道府県" };
    let _ = writeln!(
        out,
        "医師偏在指標と区域の設定 — {} {n}{unit} — {}（ルール版 {}）",
        table.level.as_ja(),
        table.edition.name,
        table.edition.id
    );
    let mode =
        if table.thresholds.from_rank { "この表の順位から算出（PERCENTILE.INC）" } else { "固定値" };
    let th = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.1}"));
    let _ = writeln!(
        out,
        "基準: 医師多数区域 = 指標 {} 以上 ／ 医師少数区域 = 指標 {} 未満（{mode}）",
        th(table.thresholds.upper),
        th(table.thresholds.lower)
    );
    if let Some(national) = table.national {
        let _ = writeln!(out, "全国値: {national:.1}");
    }
    let (a, i, s) = table.counts();
    let (da, di, ds) = table.decided_counts();
    let _ = write!(out, "区分（機械的）: 多数 {a} ／ 中程度 {i} ／ 少数 {s}");
    if (a, i, s) != (da, di, ds) {
        let _ = write!(out, "　区分（決定）: 多数 {da} ／ 中程度 {di} ／ 少数 {ds}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "出典: {source}");
    let _ = writeln!(out, "基準の出典: {}", table.edition.thresholds(table.level).sources().join(" ／ "));
    let _ = writeln!(out);

    // A prefecture's name is its own 都道府県: the name column is shown for secondary areas only.
    let secondary = table.level == Level::Secondary;
    let headers = ["コード", "都道府県", "二次医療圏", "指標", "順位", "区分", "決定"];
    let cells: Vec<[String; 7]> = table
        .rows
        .iter()
        .map(|r| {
            let e = &r.entry;
            let computed = if e.index_source.as_str() == "computed" { "※" } else { "" };
            [
                e.code.to_string(),
                e.prefecture.clone(),
                e.name.clone(),
                format!("{computed}{:.1}", e.index),
                r.rank.to_string(),
                r.designation.as_ja().to_string(),
                format!("{}{}", r.decided.as_ja(), if r.override_.is_some() { " *" } else { "" }),
            ]
        })
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| UnicodeWidthStr::width(*h)).collect();
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(UnicodeWidthStr::width(c.as_str()));
        }
    }
    let numeric = [false, false, false, true, true, false, false];
    let line = |cols: &[String]| -> String {
        let parts: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(c, v)| if numeric[c] { pad_left(v, widths[c]) } else { pad(v, widths[c]) })
            .collect();
        let parts: Vec<String> =
            parts.into_iter().enumerate().filter(|(c, _)| secondary || *c != 2).map(|(_, p)| p).collect();
        parts.join("  ").trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(&headers.map(String::from)));
    let rule: Vec<String> =
        widths.iter().enumerate().filter(|(c, _)| secondary || *c != 2).map(|(_, w)| "─".repeat(*w)).collect();
    let _ = writeln!(out, "{}", rule.join("  "));
    for row in &cells {
        let _ = writeln!(out, "{}", line(row));
    }
    if table.rows.iter().any(|r| r.entry.index_source.as_str() == "computed") {
        let _ = writeln!(out, "\n※ 公表値がないため構成要素から算出した指標 (P2.1)");
    }
    let overrides: Vec<_> = table.rows.iter().filter_map(|r| r.override_.as_ref().map(|o| (r, o))).collect();
    if !overrides.is_empty() {
        let _ = writeln!(out, "\n* 都道府県の判断による区分の変更 (P3.3)");
        for (r, o) in overrides {
            let _ = writeln!(
                out,
                "  {} {}: {} → {}　理由: {}（{}、{}）",
                r.entry.code,
                r.entry.name,
                r.designation.as_ja(),
                o.decided.as_ja(),
                o.reason,
                o.decided_by,
                o.decided_on.wareki()
            );
        }
    }
    out
}
