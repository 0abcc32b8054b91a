//! Output of the plan table (CLI contract): JSON, CSV (UTF-8 with BOM, X2) and .xlsx, and the atomic
//! file write that guarantees no partial output (X3).

use std::io::Write;
use std::path::Path;

use ishi_plan::{Level, PlanTable};
use rust_xlsxwriter::{Format, Workbook};
use serde_json::{Value, json};

use crate::error::IoError;

/// The JSON array of the contract: one object per area with at least `code`, `name`, `prefecture`,
/// `index`, `rank`, `designation`, `decided`.
pub fn plan_table_json(table: &PlanTable) -> Value {
    Value::Array(
        table
            .rows
            .iter()
            .map(|r| {
                let e = &r.entry;
                json!({
                    "code": e.code.as_str(),
                    "name": e.name,
                    "prefecture": e.prefecture,
                    "index": e.index,
                    "index_source": e.index_source.as_str(),
                    "rank": r.rank,
                    "designation": r.designation.as_ja(),
                    "decided": r.decided.as_ja(),
                    "std_physicians": e.components.map(|c| c.std_physicians),
                    "population_100k": e.components.map(|c| c.population / 100_000.0),
                    "std_utilization_ratio": e.components.map(|c| c.std_utilization_ratio),
                    "override": r.override_.as_ref().map(|o| json!({
                        "reason": o.reason,
                        "decided_by": o.decided_by,
                        "decided_on": o.decided_on.to_string(),
                    })),
                })
            })
            .collect(),
    )
}

/// CSV columns, in order (same names as the JSON keys; the override flattened).
pub const CSV_COLUMNS: [&str; 14] = [
    "code",
    "name",
    "prefecture",
    "index",
    "rank",
    "designation",
    "decided",
    "index_source",
    "std_physicians",
    "population_100k",
    "std_utilization_ratio",
    "override_reason",
    "decided_by",
    "decided_on",
];

fn opt(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| v.to_string())
}

/// Any table as CSV, UTF-8 with BOM so that Excel shows Japanese correctly (X2).
pub fn csv_with_bom<R: IntoIterator<Item = Vec<String>>>(headers: &[&str], rows: R) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(headers).expect("writing to memory");
        for row in rows {
            w.write_record(&row).expect("writing to memory");
        }
        w.flush().expect("writing to memory");
    }
    out
}

/// CSV, UTF-8 with BOM so that Excel shows Japanese correctly (X2).
pub fn plan_table_csv(table: &PlanTable) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(CSV_COLUMNS).expect("writing to memory");
        for r in &table.rows {
            let e = &r.entry;
            let o = r.override_.as_ref();
            w.write_record([
                e.code.as_str().to_string(),
                e.name.clone(),
                e.prefecture.clone(),
                e.index.to_string(),
                r.rank.to_string(),
                r.designation.as_ja().into(),
                r.decided.as_ja().into(),
                e.index_source.as_str().into(),
                opt(e.components.map(|c| c.std_physicians)),
                opt(e.components.map(|c| c.population / 100_000.0)),
                opt(e.components.map(|c| c.std_utilization_ratio)),
                o.map_or(String::new(), |o| o.reason.clone()),
                o.map_or(String::new(), |o| o.decided_by.clone()),
                o.map_or(String::new(), |o| o.decided_on.to_string()),
            ])
            .expect("writing to memory");
        }
        w.flush().expect("writing to memory");
    }
    out
}

/// An .xlsx workbook: sheet 「医師偏在指標」 (one row per area, Japanese headers) and sheet 「基準・出典」
/// (edition, thresholds, national value, sources).
pub fn plan_table_xlsx(table: &PlanTable, data_source: &str) -> Result<Vec<u8>, IoError> {
    let x = |e: rust_xlsxwriter::XlsxError| IoError::Xlsx(e.to_string());
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let one_decimal = Format::new().set_num_format("0.0");
    let sheet = book.add_worksheet().set_name("医師偏在指標").map_err(x)?;
    let code_label = if table.level == Level::Secondary { "二次医療圏コード" } else { "都道府県コード" };
    let headers = [
        code_label,
        "名称",
        "都道府県",
        "医師偏在指標",
        "順位",
        "区分（機械的）",
        "区分（決定）",
        "指標の出所",
        "標準化医師数",
        "人口（10万人）",
        "標準化受療率比",
        "変更理由",
        "決定者",
        "決定日",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(x)?;
    }
    for (i, r) in table.rows.iter().enumerate() {
        let row = i as u32 + 1;
        let e = &r.entry;
        sheet.write_string(row, 0, e.code.as_str()).map_err(x)?;
        sheet.write_string(row, 1, &e.name).map_err(x)?;
        sheet.write_string(row, 2, &e.prefecture).map_err(x)?;
        sheet.write_number_with_format(row, 3, e.index, &one_decimal).map_err(x)?;
        sheet.write_number(row, 4, r.rank as f64).map_err(x)?;
        sheet.write_string(row, 5, r.designation.as_ja()).map_err(x)?;
        sheet.write_string(row, 6, r.decided.as_ja()).map_err(x)?;
        sheet
            .write_string(row, 7, if e.index_source.as_str() == "published" { "公表値" } else { "構成要素から算出" })
            .map_err(x)?;
        if let Some(c) = e.components {
            sheet.write_number(row, 8, c.std_physicians).map_err(x)?;
            sheet.write_number(row, 9, c.population / 100_000.0).map_err(x)?;
            sheet.write_number(row, 10, c.std_utilization_ratio).map_err(x)?;
        }
        if let Some(o) = &r.override_ {
            sheet.write_string(row, 11, &o.reason).map_err(x)?;
            sheet.write_string(row, 12, &o.decided_by).map_err(x)?;
            sheet.write_string(row, 13, o.decided_on.to_string()).map_err(x)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(x)?;
    sheet.autofilter(0, 0, table.rows.len() as u32, headers.len() as u16 - 1).map_err(x)?;
    sheet.set_column_width(1, 16).map_err(x)?;
    sheet.set_column_width(11, 40).map_err(x)?;

    let meta = book.add_worksheet().set_name("基準・出典").map_err(x)?;
    let (a, i, s) = table.counts();
    let th = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.1}"));
    let lines: Vec<(&str, String)> = vec![
        ("区分", table.level.as_ja().to_string()),
        ("ルール版", format!("{} {}", table.edition.id, table.edition.name)),
        ("閾値の方式", if table.thresholds.from_rank { "順位（分布から算出）".into() } else { "固定値".into() }),
        ("多数区域の基準（以上）", th(table.thresholds.upper)),
        ("少数区域の基準（未満）", th(table.thresholds.lower)),
        ("全国値", th(table.national)),
        ("多数 / 中程度 / 少数", format!("{a} / {i} / {s}")),
        ("データの出典", data_source.to_string()),
        ("基準の出典", table.edition.thresholds(table.level).sources().join(" / ")),
    ];
    for (r, (k, v)) in lines.iter().enumerate() {
        meta.write_string_with_format(r as u32, 0, *k, &bold).map_err(x)?;
        meta.write_string(r as u32, 1, v).map_err(x)?;
    }
    meta.set_column_width(0, 24).map_err(x)?;
    meta.set_column_width(1, 100).map_err(x)?;
    book.save_to_buffer().map_err(x)
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename. Either the whole
/// new file is there or the old state is untouched (X3).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    let err = |source| IoError::Write { path: path.into(), source };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}
