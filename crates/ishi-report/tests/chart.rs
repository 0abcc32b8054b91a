//! The rank chart (SPEC P3.1/P3.2, drawn after the seed's 「医療圏の順位」 figure).

use ishi_plan::components::IndexSource;
use ishi_plan::{AreaCode, AreaEntry, CalendarDate, Designation, Level, Override, PlanTable, RuleEdition};
use ishi_report::ReportError;
use ishi_report::chart::{fill_hex, rank_chart_svg};

const SOURCE: &str = "厚生労働省「医師偏在指標関連データ（令和6年1月公表版）」";

fn prefecture(code: &str, name: &str, index: f64) -> AreaEntry {
    AreaEntry {
        code: AreaCode::new(code),
        name: name.into(),
        prefecture: name.into(),
        index,
        index_source: IndexSource::Published,
        components: None,
    }
}

/// Six prefectures; with thirds in rank mode that is 2 多数 / 2 中程度 / 2 少数.
fn entries() -> Vec<AreaEntry> {
    vec![
        prefecture("13", "東京都", 353.9),
        prefecture("26", "京都府", 326.7),
        prefecture("27", "大阪府", 288.6),
        prefecture("01", "北海道", 233.8),
        prefecture("11", "埼玉県", 196.8),
        prefecture("03", "岩手県", 182.5),
    ]
}

fn table(overrides: &[Override]) -> PlanTable {
    let edition = RuleEdition::builtin("2024").expect("shipped edition");
    PlanTable::build(Level::Tertiary, &edition, entries(), Some(255.6), overrides).expect("valid table")
}

/// `<rect …/>` elements whose fill is `hex`.
fn rects_filled(svg: &str, hex: &str) -> usize {
    svg.split("<rect").skip(1).filter(|r| r.contains(&format!("fill=\"{hex}\""))).count()
}

/// The `x` of every bar-coloured rect, in document order.
fn bar_xs(svg: &str) -> Vec<(i32, String)> {
    let colours = [Designation::Abundant, Designation::Intermediate, Designation::Scarce].map(fill_hex);
    svg.split("<rect")
        .skip(1)
        .filter_map(|r| {
            let fill = colours.iter().find(|c| r.contains(&format!("fill=\"{c}\"")))?;
            let x = r.split("x=\"").nth(1)?.split('"').next()?.parse().ok()?;
            Some((x, fill.clone()))
        })
        .collect()
}

#[test]
fn p3_rank_chart_is_an_svg_document() {
    let svg = rank_chart_svg(&table(&[]), SOURCE).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("width=\"1600\"") && svg.contains("height=\"800\""));
    assert!(svg.contains("font-family=\"IPAexGothic, BIZ UDGothic, Noto Sans CJK JP, sans-serif\""));
    // Every element the backend opened is closed: a cheap stand-in for an XML parser.
    assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
}

#[test]
fn p3_rank_chart_has_japanese_title_and_axis_labels() {
    let svg = rank_chart_svg(&table(&[]), SOURCE).unwrap();
    assert!(svg.contains("医師偏在指標の順位（三次医療圏・6都道府県）— 第8次医師確保計画（前期"), "title");
    assert!(svg.contains("順位（1位 = 指標が最も高い）"));
    assert!(svg.contains(">\n医師偏在指標\n</text>"), "y-axis title");
    assert!(svg.contains(&format!("出典: {SOURCE}")));
}

#[test]
fn p3_2_rank_chart_labels_thresholds_and_national_value() {
    let t = table(&[]);
    let svg = rank_chart_svg(&t, SOURCE).unwrap();
    let upper = t.thresholds.upper.unwrap();
    let lower = t.thresholds.lower.unwrap();
    assert!(svg.contains(&format!("医師多数三次医療圏の基準 {upper:.1}")), "upper {upper}");
    assert!(svg.contains(&format!("医師少数三次医療圏の基準 {lower:.1}")), "lower {lower}");
    assert!(svg.contains("全国値 255.6"));
    // Two solid threshold lines across the plot, and the dashed 全国値 drawn as many short dashes.
    assert!(svg.matches("stroke=\"#1D3F73\"").count() >= 1);
    assert!(svg.matches("stroke=\"#9C3A10\"").count() >= 1);
    assert!(svg.matches("stroke=\"#222222\"").count() > 10);
}

#[test]
fn p3_2_rank_chart_without_national_value_has_no_national_line() {
    let edition = RuleEdition::builtin("2024").unwrap();
    let t = PlanTable::build(Level::Tertiary, &edition, entries(), None, &[]).unwrap();
    let svg = rank_chart_svg(&t, SOURCE).unwrap();
    assert!(!svg.contains("全国値"));
}

#[test]
fn p3_2_secondary_chart_uses_fixed_cut_offs_and_area_words() {
    let edition = RuleEdition::builtin("2024").unwrap();
    let areas = vec![
        AreaEntry {
            code: AreaCode::new("0104"),
            name: "札幌".into(),
            prefecture: "北海道".into(),
            ..prefecture("", "", 282.4)
        },
        AreaEntry {
            code: AreaCode::new("0906"),
            name: "両毛".into(),
            prefecture: "栃木県".into(),
            ..prefecture("", "", 179.3)
        },
        AreaEntry {
            code: AreaCode::new("0102"),
            name: "南渡島".into(),
            prefecture: "北海道".into(),
            ..prefecture("", "", 139.0)
        },
    ];
    let t = PlanTable::build(Level::Secondary, &edition, areas, None, &[]).unwrap();
    let svg = rank_chart_svg(&t, "").unwrap();
    assert!(svg.contains("医師多数区域の基準 217.6"));
    assert!(svg.contains("医師少数区域の基準 179.3"));
    for word in ["医師多数区域", "医師中程度区域", "医師少数区域"] {
        assert!(svg.contains(word), "{word}");
    }
    assert!(!svg.contains("出典"), "a blank source prints no credit line");
}

#[test]
fn p3_rank_chart_has_a_legend_with_counts() {
    let svg = rank_chart_svg(&table(&[]), SOURCE).unwrap();
    for word in ["医師多数三次医療圏　2", "医師中程度三次医療圏　2", "医師少数三次医療圏　2"]
    {
        assert!(svg.contains(word), "{word}");
    }
}

#[test]
fn p3_rank_chart_colours_bars_by_designation() {
    let t = table(&[]);
    assert_eq!(t.decided_counts(), (2, 2, 2));
    let svg = rank_chart_svg(&t, SOURCE).unwrap();
    // One bar per area plus one legend swatch per designation.
    assert_eq!(rects_filled(&svg, "#3B6FB6"), 2 + 1, "多数 blue");
    assert_eq!(rects_filled(&svg, "#A0A0A0"), 2 + 1, "中程度 grey");
    assert_eq!(rects_filled(&svg, "#D9622B"), 2 + 1, "少数 orange");
    assert_eq!(fill_hex(Designation::Abundant), "#3B6FB6");
}

#[test]
fn p3_1_rank_chart_orders_bars_from_last_rank_to_first() {
    // As in the seed (「335位 … 1位」): 少数 on the left, 多数 on the right.
    let svg = rank_chart_svg(&table(&[]), SOURCE).unwrap();
    let bars: Vec<String> = bar_xs(&svg).into_iter().skip(3).map(|(_, fill)| fill).collect();
    let expected = [Designation::Scarce, Designation::Scarce, Designation::Intermediate]
        .into_iter()
        .chain([Designation::Intermediate, Designation::Abundant, Designation::Abundant])
        .map(fill_hex)
        .collect::<Vec<_>>();
    assert_eq!(bars, expected);
    let xs: Vec<i32> = bar_xs(&svg).into_iter().skip(3).map(|(x, _)| x).collect();
    assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
}

#[test]
fn p3_rank_chart_names_each_prefecture_vertically() {
    let svg = rank_chart_svg(&table(&[]), SOURCE).unwrap();
    // Short names (東京都 → 東京, 北海道 stays), one upright character per <text>.
    for ch in ["東", "京", "大", "阪", "北", "海", "道", "埼", "玉", "岩", "手"] {
        assert!(svg.contains(&format!(">\n{ch}\n</text>")), "{ch}");
    }
    for suffix in ["府", "県"] {
        assert!(!svg.contains(&format!(">\n{suffix}\n</text>")), "the suffix {suffix} is dropped");
    }
}

#[test]
fn p3_rank_chart_marks_only_selected_ranks_for_many_areas() {
    let edition = RuleEdition::builtin("2024").unwrap();
    let areas: Vec<AreaEntry> = (0..330)
        .map(|i| AreaEntry {
            code: AreaCode::new(format!("{:04}", 100 + i)),
            name: format!("圏{i}"),
            prefecture: "北海道".into(),
            ..prefecture("", "", 100.0 + i as f64)
        })
        .collect();
    let t = PlanTable::build(Level::Secondary, &edition, areas, Some(255.6), &[]).unwrap();
    let svg = rank_chart_svg(&t, SOURCE).unwrap();
    for rank in [1, 50, 100, 150, 200, 250, 300, 330] {
        assert!(svg.contains(&format!(">\n{rank}位\n</text>")), "{rank}位");
    }
    assert!(!svg.contains(">\n2位\n</text>"));
    assert!(!svg.contains("圏1"), "no per-area names at 330 areas");
    let (a, i, s) = t.decided_counts();
    assert_eq!(rects_filled(&svg, "#3B6FB6"), a + 1);
    assert_eq!(rects_filled(&svg, "#A0A0A0"), i + 1);
    assert_eq!(rects_filled(&svg, "#D9622B"), s + 1);
}

#[test]
fn p3_3_rank_chart_colours_decided_designation_and_marks_the_override() {
    let o = Override {
        code: AreaCode::new("03"),
        decided: Designation::Intermediate,
        reason: "近隣で医療資源が確保されているため".into(),
        decided_by: "岩手県地域医療対策協議会".into(),
        decided_on: CalendarDate::new(2024, 3, 15).unwrap(),
    };
    let t = table(&[o]);
    let svg = rank_chart_svg(&t, SOURCE).unwrap();
    assert_eq!(rects_filled(&svg, "#D9622B"), 1 + 1, "岩手 is no longer drawn as 少数");
    assert_eq!(rects_filled(&svg, "#A0A0A0"), 3 + 1);
    assert!(svg.contains(">\n※\n</text>"), "the changed bar is marked");
    assert!(svg.contains("都道府県の判断により"), "and the mark is explained");
    assert!(svg.contains("医師中程度三次医療圏　3"), "legend counts are after overrides");

    let plain = rank_chart_svg(&table(&[]), SOURCE).unwrap();
    assert!(!plain.contains("※"));
}

#[test]
fn p3_rank_chart_refuses_an_empty_table() {
    let mut t = table(&[]);
    t.rows.clear();
    assert!(matches!(rank_chart_svg(&t, SOURCE), Err(ReportError::Chart(_))));
}

#[test]
fn p3_rank_chart_escapes_the_source_text() {
    let svg = rank_chart_svg(&table(&[]), "A & B <C>").unwrap();
    assert!(svg.contains("出典: A &amp; B &lt;C&gt;"));
}
