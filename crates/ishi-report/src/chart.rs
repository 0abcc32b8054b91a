//! The rank chart (SVG) of SPEC P3.1/P3.2, drawn after the MHLW seed's figure
//! 「医療圏の順位 335位 … 1位」「下位○％ ⇒ 医師少数区域」「上位○％ ⇒ 医師多数区域」.
//!
//! As in the seed, the lowest-ranked area stands on the left and rank 1 on the right, so the
//! 少数 band reads on the left and the 多数 band on the right. Every area is one bar (its index);
//! the upper and lower thresholds are solid lines and the 全国値 a dashed line, each labelled with
//! its value. Bars take the colour of the *decided* designation (P3.3); where a prefecture's
//! decision differs from the mechanical one the bar carries a ※, so both stay visible.
//!
//! Only plotters' SVG backend is used: no font files are read, text is written as `<text>` with
//! a CJK font-family list and the viewer picks the font. Plotters cannot measure text without
//! font files, so widths needed for layout are estimated here from display columns
//! (a kanji is one em, an ASCII character about half).

use std::ops::Range;

use ishi_plan::{Designation, Level, PlanRow, PlanTable, Prefecture};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use unicode_width::UnicodeWidthStr;

use crate::ReportError;

/// Canvas width in px.
pub const WIDTH: u32 = 1600;
/// Canvas height in px.
pub const HEIGHT: u32 = 800;

/// Fonts a Japanese reader is likely to have, then the generic fallback.
const FONT_FAMILY: &str = "IPAexGothic, BIZ UDGothic, Noto Sans CJK JP, sans-serif";

/// Bar colours. Blue / grey / vermilion stay apart under the common colour-vision deficiencies
/// (after Okabe–Ito), and grey keeps the unremarkable middle band quiet.
const ABUNDANT: RGBColor = RGBColor(0x3b, 0x6f, 0xb6);
const INTERMEDIATE: RGBColor = RGBColor(0xa0, 0xa0, 0xa0);
const SCARCE: RGBColor = RGBColor(0xd9, 0x62, 0x2b);
/// Threshold lines are darker than their band's bars so they stay visible where they cross them.
const UPPER_LINE: RGBColor = RGBColor(0x1d, 0x3f, 0x73);
const LOWER_LINE: RGBColor = RGBColor(0x9c, 0x3a, 0x10);
const NATIONAL_LINE: RGBColor = RGBColor(0x22, 0x22, 0x22);
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
const GRID: RGBColor = RGBColor(0xe4, 0xe4, 0xe4);

/// Up to this many areas every bar gets its own name (47 prefectures fit); above it only
/// selected ranks are labelled.
const MAX_NAMED_BARS: usize = 60;
/// Names longer than this are cut, so the label block stays within the canvas.
const MAX_NAME_CHARS: usize = 6;

const MARGIN_LEFT: i32 = 28;
const MARGIN_RIGHT: i32 = 36;
const PLOT_TOP: i32 = 122;
const Y_LABEL_AREA: i32 = 56;

/// Explains the ※ over a bar whose decided designation differs from the mechanical one (P3.3).
const OVERRIDE_NOTE: &str = "※ 都道府県の判断により指標による区分と異なる指定（色は判断後の区分）";

// Font sizes in px as written in the SVG. Each survives plotters' `× 1.24 ÷ 1.24` round trip
// exactly (26 would come out as 26.000000000000004).
const TITLE_PX: f64 = 25.0;
const LEGEND_PX: f64 = 16.0;
const AXIS_TITLE_PX: f64 = 16.0;
const TICK_PX: f64 = 14.0;
const RANK_PX: f64 = 12.5;
const NAME_PX: f64 = 14.0;
const LINE_LABEL_PX: f64 = 15.5;
const CREDIT_PX: f64 = 12.5;

/// The bar colour of a designation as `#RRGGBB`, exactly as it appears in the SVG `fill`.
pub fn fill_hex(designation: Designation) -> String {
    let RGBColor(r, g, b) = bar_colour(designation);
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// The legend word of a designation at `level`: 医師多数区域 …, or 医師多数三次医療圏 … for
/// tertiary areas, the guideline's names (P3.1).
pub fn designation_label(level: Level, designation: Designation) -> String {
    let unit = match level {
        Level::Secondary => "区域",
        Level::Tertiary => "三次医療圏",
    };
    format!("医師{}{unit}", designation.as_ja())
}

/// Draws the rank chart of `table` (SPEC P3.1/P3.2) as SVG text; `source` is printed as the
/// data credit 「出典: …」 (omitted when blank).
///
/// Areas are ordered by rank with rank 1 on the right; bars are coloured by the decided
/// designation; the thresholds (P3.2) and the 全国値, when known, are labelled lines. With at
/// most 60 areas each bar is named (prefectures by their short name, e.g. 東京); otherwise ranks
/// 1, 50, 100, … are marked.
pub fn rank_chart_svg(table: &PlanTable, source: &str) -> Result<String, ReportError> {
    let rows = table.by_rank();
    if rows.is_empty() {
        return Err(ReportError::Chart("the table has no areas".into()));
    }
    if let Some(row) = rows.iter().find(|r| !r.entry.index.is_finite()) {
        return Err(ReportError::Chart(format!("area {} has no finite index", row.entry.code)));
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, table, &rows, source)?;
        root.present().map_err(chart_error)?;
    }
    Ok(svg)
}

fn draw(root: &Root<'_>, table: &PlanTable, rows: &[&PlanRow], source: &str) -> Result<(), ReportError> {
    let n = rows.len();
    // Left to right is rank n … 1 (see the module doc): slot `i` holds `rows[n - 1 - i]`.
    let in_slot_order: Vec<&PlanRow> = rows.iter().rev().copied().collect();
    let named = n <= MAX_NAMED_BARS;
    let names: Vec<String> =
        if named { in_slot_order.iter().map(|r| bar_name(table.level, r)).collect() } else { Vec::new() };
    let longest_name = names.iter().map(|s| s.chars().count()).max().unwrap_or(0);

    root.fill(&WHITE).map_err(chart_error)?;

    // Header: title, then the legend centred under it.
    let unit = if table.level == Level::Secondary { "区域" } else { "都道府県" };
    let title = format!("医師偏在指標の順位（{}・{n}{unit}）— {}", table.level.as_ja(), table.edition.name);
    text(root, &title, (WIDTH as i32 / 2, 22), TITLE_PX, INK, HPos::Center, VPos::Top)?;
    draw_legend(root, table, 84)?;

    // Bottom block, from the bottom up: credit line, x-axis title, then the bar labels.
    let credit_base = HEIGHT as i32 - 14;
    let axis_title_base = credit_base - 30;
    let label_block = if named {
        // Rank numbers, then each name stacked one character per line.
        6 + TICK_PX as i32 + 8 + longest_name as i32 * name_line_height()
    } else {
        8 + TICK_PX as i32
    };
    let plot_bottom = axis_title_base - AXIS_TITLE_PX as i32 - 14 - label_block;

    let max_value = rows
        .iter()
        .map(|r| r.entry.index)
        .chain(table.thresholds.upper)
        .chain(table.thresholds.lower)
        .chain(table.national)
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let min_value = rows.iter().map(|r| r.entry.index).fold(0.0_f64, f64::min);
    let y_range = min_value..nice_ceiling(max_value * 1.04);

    let plot_area = root.margin(PLOT_TOP, HEIGHT as i32 - plot_bottom, MARGIN_LEFT, MARGIN_RIGHT);
    let mut chart = ChartBuilder::on(&plot_area)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(0.0..n as f64, y_range.clone())
        .map_err(chart_error)?;
    // Only horizontal grid lines: the x axis is categorical (one slot per area), labelled below.
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(10)
        .y_max_light_lines(0)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(MUTED.stroke_width(1))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .y_label_style(text_style(TICK_PX, INK, HPos::Right, VPos::Center))
        .draw()
        .map_err(chart_error)?;

    draw_bars(root, &chart, &in_slot_order)?;
    let (x_px, _) = chart.plotting_area().get_pixel_range();
    let baseline = chart.backend_coord(&(0.0, 0.0_f64.max(y_range.start))).1;
    root.draw(&PathElement::new(vec![(x_px.start, baseline), (x_px.end, baseline)], MUTED.stroke_width(1)))
        .map_err(chart_error)?;
    draw_reference_lines(root, &chart, table)?;

    // y-axis title written across, above the axis, so the kanji stay upright.
    let (_, y_px) = chart.plotting_area().get_pixel_range();
    text(root, "医師偏在指標", (MARGIN_LEFT, y_px.start - 12), AXIS_TITLE_PX, INK, HPos::Left, VPos::Bottom)?;

    let label_top = plot_bottom + 6;
    if named {
        draw_named_labels(root, &chart, &in_slot_order, &names, label_top)?;
    } else {
        draw_rank_ticks(root, &chart, &in_slot_order, label_top)?;
    }
    let x_mid = (x_px.start + x_px.end) / 2;
    text(
        root,
        "順位（1位 = 指標が最も高い）",
        (x_mid, axis_title_base),
        AXIS_TITLE_PX,
        INK,
        HPos::Center,
        VPos::Bottom,
    )?;

    if !source.trim().is_empty() {
        let credit = format!("出典: {}", source.trim());
        text(root, &credit, (MARGIN_LEFT, credit_base), CREDIT_PX, MUTED, HPos::Left, VPos::Bottom)?;
    }
    if in_slot_order.iter().any(|r| r.decided != r.designation) {
        // Right-aligned on the credit line when both fit, else on the free right end of the
        // x-axis title row.
        let credit_end = MARGIN_LEFT + text_width(&format!("出典: {}", source.trim()), CREDIT_PX);
        let note_start = WIDTH as i32 - MARGIN_RIGHT - text_width(OVERRIDE_NOTE, CREDIT_PX);
        let y = if credit_end + 24 <= note_start { credit_base } else { axis_title_base };
        text(root, OVERRIDE_NOTE, (WIDTH as i32 - MARGIN_RIGHT, y), CREDIT_PX, MUTED, HPos::Right, VPos::Bottom)?;
    }
    Ok(())
}

/// The whole canvas; all pixel positions here are absolute.
type Root<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn draw_bars(root: &Root<'_>, chart: &Chart<'_, '_>, in_slot_order: &[&PlanRow]) -> Result<(), ReportError> {
    let n = in_slot_order.len();
    // A gap between bars helps when they are wide; at a few px per bar it would only add noise.
    let (x_px, _) = chart.plotting_area().get_pixel_range();
    let slot_px = f64::from(x_px.end - x_px.start) / n as f64;
    let gap = if slot_px >= 8.0 { 0.15 } else { 0.0 };
    for (slot, row) in in_slot_order.iter().enumerate() {
        let x = slot as f64;
        let bar = Rectangle::new([(x + gap, 0.0), (x + 1.0 - gap, row.entry.index)], bar_colour(row.decided).filled());
        chart.plotting_area().draw(&bar).map_err(chart_error)?;
        if row.decided != row.designation {
            let (px, py) = chart.backend_coord(&(x + 0.5, row.entry.index));
            text(root, "※", (px, py - 2), TICK_PX, INK, HPos::Center, VPos::Bottom)?;
        }
    }
    Ok(())
}

/// One labelled horizontal line: value, style and caption.
struct Reference {
    value: f64,
    colour: RGBColor,
    dashed: bool,
    caption: String,
}

fn draw_reference_lines(root: &Root<'_>, chart: &Chart<'_, '_>, table: &PlanTable) -> Result<(), ReportError> {
    let mut refs = Vec::new();
    if let Some(u) = table.thresholds.upper {
        refs.push(Reference {
            value: u,
            colour: UPPER_LINE,
            dashed: false,
            caption: format!("{}の基準 {u:.1}", designation_label(table.level, Designation::Abundant)),
        });
    }
    if let Some(l) = table.thresholds.lower {
        refs.push(Reference {
            value: l,
            colour: LOWER_LINE,
            dashed: false,
            caption: format!("{}の基準 {l:.1}", designation_label(table.level, Designation::Scarce)),
        });
    }
    if let Some(v) = table.national.filter(|v| v.is_finite()) {
        refs.push(Reference { value: v, colour: NATIONAL_LINE, dashed: true, caption: format!("全国値 {v:.1}") });
    }

    let (x_px, _) = chart.plotting_area().get_pixel_range();
    for r in &refs {
        let y = chart.backend_coord(&(0.0, r.value)).1;
        let ends = vec![(x_px.start, y), (x_px.end, y)];
        let style = r.colour.stroke_width(2);
        if r.dashed {
            root.draw(&DashedPathElement::new(ends, 8, 5, style)).map_err(chart_error)?;
        } else {
            root.draw(&PathElement::new(ends, style)).map_err(chart_error)?;
        }
    }

    // Captions go at the left end, where the bars are lowest (module doc): above their line if
    // there is room, else moved right past an earlier caption, else below the line. A caption
    // never covers another caption or crosses another reference line, so close lines (the 全国値
    // next to a threshold) stay readable.
    let height = LINE_LABEL_PX as i32 + 4;
    let line_ys: Vec<i32> = refs.iter().map(|r| chart.backend_coord(&(0.0, r.value)).1).collect();
    let mut placed: Vec<PixelBox> = Vec::new();
    let mut order: Vec<(&Reference, i32)> = refs.iter().zip(line_ys.iter().copied()).collect();
    order.sort_by(|a, b| b.0.value.total_cmp(&a.0.value));
    for (r, y) in order {
        let width = text_width(&r.caption, LINE_LABEL_PX) + 8;
        let above = (y - 3 - height)..(y - 3);
        let below = (y + 3)..(y + 3 + height);
        let mut xs = vec![x_px.start + 6];
        xs.extend(placed.iter().map(|p| p.x.end + 12));
        let free = |b: &PixelBox| {
            b.x.end <= x_px.end
                && !placed.iter().any(|p| p.overlaps(b))
                && !line_ys.iter().any(|ly| *ly != y && b.y.contains(ly))
        };
        let candidates = [&above, &below]
            .into_iter()
            .flat_map(|ys| xs.iter().map(move |x| PixelBox { x: *x..*x + width, y: ys.clone() }));
        let spot =
            candidates.clone().find(|b| free(b)).unwrap_or(PixelBox { x: xs[0]..xs[0] + width, y: above.clone() });
        // A translucent patch keeps the caption readable over grid lines and any bar under it.
        root.draw(&Rectangle::new([(spot.x.start, spot.y.start), (spot.x.end, spot.y.end)], WHITE.mix(0.85).filled()))
            .map_err(chart_error)?;
        let text_at = (spot.x.start + 4, spot.y.end - 2);
        text(root, &r.caption, text_at, LINE_LABEL_PX, r.colour, HPos::Left, VPos::Bottom)?;
        placed.push(spot);
    }
    Ok(())
}

fn draw_legend(root: &Root<'_>, table: &PlanTable, centre_y: i32) -> Result<(), ReportError> {
    let (abundant, intermediate, scarce) = table.decided_counts();
    let items =
        [(Designation::Abundant, abundant), (Designation::Intermediate, intermediate), (Designation::Scarce, scarce)]
            .map(|(d, count)| (d, format!("{}　{count}", designation_label(table.level, d))));
    let swatch = 16;
    let gap_after_swatch = 8;
    let gap_between = 36;
    let total: i32 =
        items.iter().map(|(_, label)| swatch + gap_after_swatch + text_width(label, LEGEND_PX)).sum::<i32>()
            + gap_between * (items.len() as i32 - 1);
    let mut x = WIDTH as i32 / 2 - total / 2;
    for (designation, label) in &items {
        root.draw(&Rectangle::new(
            [(x, centre_y - swatch / 2), (x + swatch, centre_y + swatch / 2)],
            bar_colour(*designation).filled(),
        ))
        .map_err(chart_error)?;
        x += swatch + gap_after_swatch;
        text(root, label, (x, centre_y), LEGEND_PX, INK, HPos::Left, VPos::Center)?;
        x += text_width(label, LEGEND_PX) + gap_between;
    }
    Ok(())
}

/// Under each bar: its rank, then its name written vertically, one upright character per line
/// (rotated text would lay the kanji on their side).
fn draw_named_labels(
    root: &Root<'_>,
    chart: &Chart<'_, '_>,
    in_slot_order: &[&PlanRow],
    names: &[String],
    top: i32,
) -> Result<(), ReportError> {
    let rank_style = text_style(RANK_PX, MUTED, HPos::Center, VPos::Top);
    let name_style = text_style(NAME_PX, INK, HPos::Center, VPos::Top);
    let mut previous_rank = None;
    for (slot, (row, name)) in in_slot_order.iter().zip(names).enumerate() {
        let x = chart.backend_coord(&(slot as f64 + 0.5, 0.0)).0;
        // Tied areas share a rank; printing it once under the first of them reads as the tie.
        if previous_rank != Some(row.rank) {
            draw_text_at(root, &row.rank.to_string(), (x, top), &rank_style)?;
        }
        previous_rank = Some(row.rank);
        let mut y = top + TICK_PX as i32 + 8;
        for ch in name.chars() {
            draw_text_at(root, ch.encode_utf8(&mut [0; 4]), (x, y), &name_style)?;
            y += name_line_height();
        }
    }
    Ok(())
}

/// Ticks at rank 1, every `step`th rank and the last rank, each once even when tied.
fn draw_rank_ticks(
    root: &Root<'_>,
    chart: &Chart<'_, '_>,
    in_slot_order: &[&PlanRow],
    top: i32,
) -> Result<(), ReportError> {
    let n = in_slot_order.len();
    let step = rank_step(n);
    let last_rank = in_slot_order.first().map_or(n, |r| r.rank);
    let style = text_style(TICK_PX, INK, HPos::Center, VPos::Top);
    // Walk from rank 1 (rightmost slot) so that the first of tied slots is the one marked.
    let mut marked: Vec<(usize, usize)> = Vec::new();
    for slot in (0..n).rev() {
        let rank = in_slot_order[slot].rank;
        if marked.iter().any(|(_, r)| *r == rank) {
            continue;
        }
        if rank == 1 || rank.is_multiple_of(step) {
            marked.push((slot, rank));
        }
    }
    // The last rank is always shown; a regular tick too close to it gives way.
    if let Some(last_slot) = (0..n).find(|s| in_slot_order[*s].rank == last_rank)
        && !marked.iter().any(|(_, r)| *r == last_rank)
    {
        marked.retain(|(s, _)| s.abs_diff(last_slot) * 2 >= step);
        marked.push((last_slot, last_rank));
    }
    for (slot, rank) in marked {
        let (x, _) = chart.backend_coord(&(slot as f64 + 0.5, 0.0));
        root.draw(&PathElement::new(vec![(x, top - 6), (x, top - 2)], MUTED.stroke_width(1))).map_err(chart_error)?;
        draw_text_at(root, &format!("{rank}位"), (x, top), &style)?;
    }
    Ok(())
}

/// A rank step giving about 6–10 ticks: 1, 50, 100, … for 330 areas.
fn rank_step(n: usize) -> usize {
    [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]
        .into_iter()
        .find(|s| n / s <= 10)
        .unwrap_or_else(|| n.div_ceil(10))
}

/// The label under a bar: prefectures by their short name (東京都 → 東京) to fit vertically.
fn bar_name(level: Level, row: &PlanRow) -> String {
    let name = row.entry.name.trim();
    let short = match level {
        Level::Tertiary => Prefecture::by_name(name).map_or(name, |p| p.short_name()),
        Level::Secondary => name,
    };
    if short.chars().count() > MAX_NAME_CHARS {
        short.chars().take(MAX_NAME_CHARS - 1).chain(std::iter::once('…')).collect()
    } else {
        short.to_string()
    }
}

fn bar_colour(designation: Designation) -> RGBColor {
    match designation {
        Designation::Abundant => ABUNDANT,
        Designation::Intermediate => INTERMEDIATE,
        Designation::Scarce => SCARCE,
    }
}

/// The smallest 1·10ᵏ, 2·10ᵏ, 2.5·10ᵏ or 5·10ᵏ multiple of a tenth-step at or above `v`, so the
/// axis ends on a round value.
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let raw_step = v / 10.0;
    let magnitude = 10_f64.powf(raw_step.log10().floor());
    let step =
        [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().map(|m| m * magnitude).find(|s| *s >= raw_step).unwrap_or(raw_step);
    (v / step).ceil() * step
}

fn name_line_height() -> i32 {
    NAME_PX as i32 + 1
}

/// Estimated rendered width: a double-width character is one em, others half an em.
fn text_width(s: &str, size_px: f64) -> i32 {
    (s.width() as f64 * size_px / 2.0).ceil() as i32
}

/// A rectangle in canvas pixels.
#[derive(Clone)]
struct PixelBox {
    x: Range<i32>,
    y: Range<i32>,
}

impl PixelBox {
    fn overlaps(&self, other: &PixelBox) -> bool {
        let cross = |a: &Range<i32>, b: &Range<i32>| a.start < b.end && b.start < a.end;
        cross(&self.x, &other.x) && cross(&self.y, &other.y)
    }
}

/// A text style whose `size_px` is the font size that ends up in the SVG: plotters' SVG backend
/// writes `font-size = size / 1.24`, so the size handed to it is scaled up by that factor.
fn text_style(size_px: f64, colour: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle { font: (FONT_FAMILY, size_px * 1.24).into_font(), color: colour.to_backend_color(), pos: Pos::new(h, v) }
}

fn text(
    area: &Root<'_>,
    s: &str,
    at: (i32, i32),
    size_px: f64,
    colour: RGBColor,
    h: HPos,
    v: VPos,
) -> Result<(), ReportError> {
    draw_text_at(area, s, at, &text_style(size_px, colour, h, v))
}

fn draw_text_at(area: &Root<'_>, s: &str, at: (i32, i32), style: &TextStyle<'_>) -> Result<(), ReportError> {
    area.draw_text(s, style, at).map_err(chart_error)
}

fn chart_error(e: impl std::fmt::Display) -> ReportError {
    ReportError::Chart(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p3_rank_ticks_are_round() {
        assert_eq!(rank_step(330), 50);
        assert_eq!(rank_step(47), 5);
        assert_eq!(rank_step(5), 1);
    }

    #[test]
    fn p3_font_sizes_are_written_exactly() {
        for px in [TITLE_PX, LEGEND_PX, AXIS_TITLE_PX, TICK_PX, RANK_PX, NAME_PX, LINE_LABEL_PX, CREDIT_PX] {
            assert_eq!(px * 1.24 / 1.24, px, "{px}");
        }
    }

    #[test]
    fn p3_axis_ends_on_a_round_value() {
        assert_eq!(nice_ceiling(368.0), 400.0);
        assert_eq!(nice_ceiling(480.1), 500.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
    }
}
