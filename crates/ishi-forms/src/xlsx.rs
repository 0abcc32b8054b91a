//! The forms as an .xlsx workbook: one sheet per 様式, printable on A4 (SPEC R8).

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use ishi_calendar::CalendarDate;

use crate::model::{Align, Cell, Form, Table, spans};
use crate::{FormsError, FormsInput};

/// Paper size code of A4 in the spreadsheet's page setup.
const A4: u8 = 9;
/// Height of one text line in points (11 pt font).
const LINE: f64 = 15.0;

struct Formats {
    code: Format,
    title: Format,
    label: Format,
    value: Format,
    caption: Format,
    header: Format,
    text: [Format; 3],
    number: [Format; 3],
    date: Format,
    total_text: Format,
    total_number: Format,
    note: Format,
}

impl Formats {
    fn new() -> Self {
        let font = |f: Format| f.set_font_name("游ゴシック").set_font_size(10.5);
        let cell = || font(Format::new()).set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
        let gray = Color::RGB(0xE1E1E1);
        let light = Color::RGB(0xF0F0F0);
        let text = |a: FormatAlign| cell().set_text_wrap().set_align(a);
        Self {
            code: font(Format::new()).set_font_size(10.0),
            title: font(Format::new()).set_bold().set_font_size(16.0).set_align(FormatAlign::Center),
            label: cell().set_bold().set_background_color(gray),
            value: cell().set_text_wrap(),
            caption: font(Format::new()).set_bold(),
            header: cell().set_bold().set_background_color(gray).set_align(FormatAlign::Center).set_text_wrap(),
            text: [text(FormatAlign::Left), text(FormatAlign::Center), text(FormatAlign::Right)],
            number: [cell(), cell().set_align(FormatAlign::Center), cell().set_align(FormatAlign::Right)],
            date: cell().set_align(FormatAlign::Center).set_num_format("yyyy-mm-dd"),
            total_text: cell().set_bold().set_background_color(light).set_text_wrap(),
            total_number: cell().set_bold().set_background_color(light).set_align(FormatAlign::Right),
            note: font(Format::new()).set_text_wrap().set_align(FormatAlign::Top),
        }
    }

    fn text(&self, a: Align) -> &Format {
        &self.text[a as usize]
    }
}

pub(crate) fn write(input: &FormsInput, forms: &[Form]) -> Result<Vec<u8>, FormsError> {
    let mut book = Workbook::new();
    let mut properties = DocProperties::new()
        .set_title("形成外科領域専門医更新申請書")
        .set_subject(format!("{} {}", input.specialist.id, input.specialist.name));
    // The date passed in, not the clock: the same forms give the same bytes.
    if let Some(created) = excel_date(input.prepared_on) {
        properties = properties.set_creation_datetime(&created);
    }
    book.set_properties(&properties);
    let f = Formats::new();
    for form in forms {
        let sheet = book.add_worksheet();
        sheet.set_name(form.code)?;
        write_form(sheet, form, &f)?;
    }
    Ok(book.save_to_buffer()?)
}

/// A date as the spreadsheet holds it; `None` before 1900, which spreadsheets cannot show.
fn excel_date(d: CalendarDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok().filter(|y| (1900..=9999).contains(y))?;
    ExcelDateTime::from_ymd(year, d.month(), d.day()).ok()
}

/// Display width in spreadsheet characters: two for a kanji or kana, one for ASCII.
fn text_width(s: &str) -> f64 {
    s.chars().map(|c| if c.is_ascii() { 1.0 } else { 2.0 }).sum()
}

/// Lines `text` takes in a cell `width` characters wide.
fn lines(text: &str, width: f64) -> f64 {
    let per_line = (width - 1.0).max(1.0);
    text.split('\n').map(|l| (text_width(l) / per_line).ceil().max(1.0)).sum()
}

fn write_form(sheet: &mut Worksheet, form: &Form, f: &Formats) -> Result<(), XlsxError> {
    // Columns: the widest of the tables at each position.
    let n = form.tables.iter().map(|t| t.columns.len()).max().unwrap_or(1).max(4);
    let mut widths = vec![8.0f64; n];
    for t in &form.tables {
        for (i, c) in t.columns.iter().enumerate() {
            widths[i] = widths[i].max(c.width);
        }
    }
    for (i, w) in widths.iter().enumerate() {
        sheet.set_column_width(i as u16, *w)?;
    }
    let last = (n - 1) as u16;
    let total: f64 = widths.iter().sum();

    sheet.write_string_with_format(0, 0, form.code, &f.code)?;
    sheet.merge_range(1, 0, 1, last, form.title, &f.title)?;
    sheet.set_row_height(1, 24.0)?;

    // Header block: the label over the first columns (at least 10 characters), the value across the rest.
    let mut label_cols = 1;
    while label_cols < n - 1 && widths[..label_cols].iter().sum::<f64>() < 10.0 {
        label_cols += 1;
    }
    let value_width: f64 = widths[label_cols..].iter().sum();
    let mut r: u32 = 3;
    for (label, value) in &form.meta {
        merge_or_write(sheet, r, 0, (label_cols - 1) as u16, label, &f.label)?;
        merge_or_write(sheet, r, label_cols as u16, last, value, &f.value)?;
        sheet.set_row_height(r, LINE * lines(value, value_width))?;
        r += 1;
    }
    r += 1;

    for (i, t) in form.tables.iter().enumerate() {
        if let Some(c) = &t.caption {
            sheet.write_string_with_format(r, 0, c, &f.caption)?;
            r += 1;
        }
        if i == 0 && form.tables.len() == 1 {
            // A list: keep its column headers in view and on every printed page.
            sheet.set_freeze_panes(r + 1, 0)?;
            sheet.set_repeat_rows(r, r)?;
        }
        r = write_table(sheet, r, t, f, &widths)? + 1;
    }

    if !form.notes.is_empty() {
        if let Some(c) = form.notes_caption {
            sheet.write_string_with_format(r, 0, c, &f.caption)?;
            r += 1;
        }
        for note in &form.notes {
            merge_or_write(sheet, r, 0, last, &format!("・{note}"), &f.note)?;
            sheet.set_row_height(r, LINE * lines(note, total))?;
            r += 1;
        }
    }

    sheet.set_paper_size(A4);
    sheet.set_portrait();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    sheet.set_footer(format!("&L{} {}&R&P / &N", form.code, form.title));
    Ok(())
}

fn merge_or_write(sheet: &mut Worksheet, r: u32, c1: u16, c2: u16, s: &str, f: &Format) -> Result<(), XlsxError> {
    if c2 > c1 {
        sheet.merge_range(r, c1, r, c2, s, f)?;
    } else {
        sheet.write_string_with_format(r, c1, s, f)?;
    }
    Ok(())
}

/// Writes a table from row `r`; returns the row after it.
fn write_table(sheet: &mut Worksheet, mut r: u32, t: &Table, f: &Formats, widths: &[f64]) -> Result<u32, XlsxError> {
    let header_lines = t.columns.iter().enumerate().map(|(i, c)| lines(c.header, widths[i])).fold(1.0, f64::max);
    for (i, c) in t.columns.iter().enumerate() {
        sheet.write_string_with_format(r, i as u16, c.header, &f.header)?;
    }
    sheet.set_row_height(r, LINE * header_lines + 2.0)?;
    r += 1;
    if t.rows.is_empty() {
        merge_or_write(sheet, r, 0, (t.columns.len() - 1) as u16, "（記載なし）", f.text(Align::Center))?;
        r += 1;
    }
    for row in &t.rows {
        let mut height: f64 = 1.0;
        for (i, cell) in row.iter().enumerate() {
            let (col, align) = (i as u16, t.columns[i].align);
            match cell {
                Cell::Text(s) => {
                    height = height.max(lines(s, widths[i]));
                    sheet.write_string_with_format(r, col, s, f.text(align))?
                }
                Cell::Num(x) => sheet.write_number_with_format(r, col, *x, &f.number[align as usize])?,
                Cell::Date(d) => match excel_date(*d) {
                    Some(date) => sheet.write_date_with_format(r, col, &date, &f.date)?,
                    None => sheet.write_string_with_format(r, col, d.to_string(), f.text(Align::Center))?,
                },
                Cell::Empty => sheet.write_blank(r, col, f.text(align))?,
            };
        }
        sheet.set_row_height(r, LINE * height)?;
        r += 1;
    }
    for row in &t.totals {
        let mut c = 0usize;
        let mut height: f64 = 1.0;
        for (cell, span) in spans(row) {
            let (c1, c2) = (c as u16, (c + span - 1) as u16);
            match cell {
                Cell::Num(x) => {
                    sheet.write_number_with_format(r, c1, *x, &f.total_number)?;
                }
                other => {
                    let s = other.display();
                    height = height.max(lines(&s, widths[c..c + span].iter().sum()));
                    merge_or_write(sheet, r, c1, c2, &s, &f.total_text)?;
                }
            }
            c += span;
        }
        sheet.set_row_height(r, LINE * height)?;
        r += 1;
    }
    Ok(r)
}
