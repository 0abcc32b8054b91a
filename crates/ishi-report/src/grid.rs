//! A plain aligned grid for people: a title, column headers and rows, padded by display width (a kanji
//! takes two columns). Numbers are right-aligned. No colour, so it reads the same in a pipe.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use crate::text_table::pad;

/// How a column is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// Renders `title` lines, then the header and rows; `align` has one entry per column.
pub fn render(title: &[String], headers: &[&str], align: &[Align], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
        let parts: Vec<String> = cells
            .zip(&widths)
            .zip(align.iter().chain(std::iter::repeat(&Align::Left)))
            .map(|((c, &w), a)| match a {
                Align::Left => pad(c, w),
                Align::Right => format!("{}{c}", " ".repeat(w.saturating_sub(c.width()))),
            })
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    let mut out = String::new();
    for t in title {
        let _ = writeln!(out, "{t}");
    }
    if !title.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", line(&mut headers.iter().copied()));
    let _ = writeln!(out, "{}", widths.iter().map(|w| "─".repeat(*w)).collect::<Vec<_>>().join("  "));
    for row in rows {
        let _ = writeln!(out, "{}", line(&mut row.iter().map(String::as_str)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_aligns_by_display_width() {
        let out = render(
            &["題".into()],
            &["区域", "n"],
            &[Align::Left, Align::Right],
            &[vec!["東京".into(), "1".into()], vec!["ab".into(), "100".into()]],
        );
        assert_eq!(out, "題\n\n区域    n\n────  ───\n東京    1\nab    100\n");
    }
}
