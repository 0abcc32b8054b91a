//! The forms as one PDF, typeset by typst (SPEC R8).
//!
//! The typst source is the page design (`forms.typ`) followed by one `#form(..)` call per 様式 whose
//! arguments are data only: every text is a string literal ([`typst_str`]), so a name or a lecture
//! title full of `#`, `*`, `$` or `]` is shown as written and can never become markup. The [`World`]
//! holds that one source and the embedded font: no file system, no network, no packages, and
//! `today()` is the date the forms are prepared on.

use std::fmt::Write as _;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::model::{Cell, Form, Table, spans};
use crate::{FormsError, FormsInput};

/// IPAex Gothic 004.01 (IPA Font License v1.0; see `fonts/README.md`).
static FONT_DATA: &[u8] = include_bytes!("../fonts/ipaexg.ttf");
/// The page design.
static TEMPLATE: &str = include_str!("forms.typ");

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: FileId,
}

/// Parsed once per process: the standard library and the font.
static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = Font::iter(Bytes::new(FONT_DATA)).collect();
    assert!(!fonts.is_empty(), "the embedded font fonts/ipaexg.ttf is not a font");
    let path = VirtualPath::new("/forms.typ").expect("a valid virtual path");
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        main: FileId::new(RootedPath::new(VirtualRoot::Project, path)),
    }
});

/// A world of one source file and one font.
struct FormsWorld {
    shared: &'static Shared,
    source: Source,
    today: Option<Datetime>,
}

impl World for FormsWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.shared.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.shared.main { Ok(self.source.clone()) } else { Err(FileError::AccessDenied) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.shared.main { Ok(Bytes::from_string(self.source.clone())) } else { Err(FileError::AccessDenied) }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

pub(crate) fn render(input: &FormsInput, forms: &[Form]) -> Result<Vec<u8>, FormsError> {
    let d = input.prepared_on;
    let applicant = format!("{}　{}", input.specialist.id, input.specialist.name);
    let document = typeset(source(forms, &applicant), Datetime::from_ymd(d.year(), d.month(), d.day()))?;
    let options = PdfOptions {
        // A stable identifier: the same forms give the same bytes.
        ident: Smart::Custom(format!("ishi-forms/{}/{}", input.specialist.id, input.specialist.renewal_fiscal_year)),
        creator: Smart::Custom(Some("ishi".into())),
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|errors| typeset_error(None, &errors[..]))?;
    // typst memoizes across compilations; keep only what recent compilations used.
    typst::comemo::evict(10);
    Ok(pdf)
}

/// Lays out a source in the forms' world.
fn typeset(text: String, today: Option<Datetime>) -> Result<PagedDocument, FormsError> {
    let shared = &*SHARED;
    let world = FormsWorld { shared, source: Source::new(shared.main, text), today };
    typst::compile::<PagedDocument>(&world).output.map_err(|errors| typeset_error(Some(&world), &errors[..]))
}

fn typeset_error(world: Option<&FormsWorld>, errors: &[SourceDiagnostic]) -> FormsError {
    let mut text = String::new();
    for e in errors.iter().filter(|e| e.severity == Severity::Error) {
        let at = world
            .and_then(|w| typst::WorldExt::range(w, e.span).map(|r| (w, r)))
            .map(|(w, r)| format!(" (line {})", w.source.text()[..r.start].matches('\n').count() + 1))
            .unwrap_or_default();
        let _ = write!(text, "{}{at}; ", e.message);
    }
    FormsError::Typeset(text.trim_end_matches("; ").to_string())
}

/// The typst source: the page design, then the data of every form.
pub(crate) fn source(forms: &[Form], applicant: &str) -> String {
    let mut s = String::with_capacity(TEMPLATE.len() + 16 * 1024);
    s.push_str(TEMPLATE);
    for form in forms {
        s.push_str("\n#form(\n");
        let _ = writeln!(s, "  code: {},", typst_str(form.code));
        let _ = writeln!(s, "  title: {},", typst_str(form.title));
        let _ = writeln!(s, "  applicant: {},", typst_str(applicant));
        s.push_str("  meta: (");
        for (label, value) in &form.meta {
            let _ = write!(s, "({}, {}), ", typst_str(label), typst_str(value));
        }
        s.push_str("),\n  tables: (\n");
        for t in &form.tables {
            table(&mut s, t);
        }
        s.push_str("  ),\n");
        if let Some(c) = form.notes_caption {
            let _ = writeln!(s, "  notes-caption: {},", typst_str(c));
        }
        s.push_str("  notes: (");
        for n in &form.notes {
            let _ = write!(s, "{}, ", typst_str(n));
        }
        s.push_str("),\n)\n");
    }
    s
}

fn table(s: &mut String, t: &Table) {
    // Without growing columns, the tables of a form share one grid: 118 characters fill the page.
    let scale = 100.0 / t.width().max(118.0);
    s.push_str("    (\n");
    let _ = writeln!(s, "      caption: {},", t.caption.as_deref().map_or("none".into(), typst_str));
    let grows = t.columns.iter().any(|c| c.grow);
    s.push_str("      widths: (");
    for (i, c) in t.columns.iter().enumerate() {
        let _ = match (grows, c.grow) {
            (true, true) => write!(s, "{}fr, ", c.width),
            (true, false) => {
                // As wide as its widest cell (not `auto`: a totals label spanning it would widen it).
                let cells = t.rows.iter().map(|r| r[i].display());
                let em = cells.map(|x| em_width(&x)).fold(em_width(c.header), f64::max);
                write!(s, "{:.2}em + 6pt, ", em)
            }
            (false, _) => write!(s, "{:.3}%, ", c.width * scale),
        };
    }
    s.push_str("),\n      aligns: (");
    for c in &t.columns {
        let _ = write!(s, "{:?}, ", c.align.key());
    }
    s.push_str("),\n      header: (");
    for c in &t.columns {
        let _ = write!(s, "{}, ", typst_str(c.header));
    }
    s.push_str("),\n      rows: (\n");
    for row in &t.rows {
        s.push_str("        (");
        for cell in row {
            let _ = write!(s, "{}, ", typst_str(&cell.display()));
        }
        s.push_str("),\n");
    }
    s.push_str("      ),\n      totals: (\n");
    for row in &t.totals {
        s.push_str("        (");
        for (cell, span) in spans(row) {
            let align = if matches!(cell, Cell::Num(_)) { "right" } else { "left" };
            let _ = write!(s, "({}, {span}, {align:?}), ", typst_str(&cell.display()));
        }
        s.push_str("),\n");
    }
    s.push_str("      ),\n    ),\n");
}

/// Width of the widest line of `text` in em of IPAex Gothic: a kanji or kana is 1, Latin letters
/// and digits (proportional) at most 0.6.
fn em_width(text: &str) -> f64 {
    text.lines().map(|l| l.chars().map(|c| if c.is_ascii() { 0.6 } else { 1.0 }).sum()).fold(0.0, f64::max)
}

/// `text` as a typst string literal. Inside a string only `\` and `"` mean anything, and control
/// characters are written as escapes; the value is shown as text, never read as markup.
pub(crate) fn typst_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Align, Column};
    use typst::layout::{Frame, FrameItem};

    fn text_of(frame: &Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => text_of(&g.frame, out),
                FrameItem::Text(t) => out.push_str(&t.text),
                _ => {}
            }
        }
    }

    #[test]
    fn r8_user_text_is_typeset_as_written_never_as_markup() {
        let nasty = r#"#set page(width: 1cm) *b* _i_ $x^2$ [a] \ <l> @ref "q" // c /* d"#;
        let column = |header| Column { header, width: 20.0, align: Align::Left, grow: true };
        let form = Form {
            code: "様式4",
            title: "手術症例一覧表",
            meta: vec![("氏名", nasty.to_string())],
            tables: vec![Table {
                caption: Some(nasty.to_string()),
                columns: vec![column("a"), column("b")],
                rows: vec![vec![Cell::Text(nasty.to_string()), Cell::Text("行1\n行2".into())]],
                totals: vec![vec![Cell::Text(nasty.to_string()), Cell::Empty]],
            }],
            notes_caption: None,
            notes: vec![nasty.to_string()],
        };
        let document = typeset(source(&[form], nasty), None).unwrap();
        assert_eq!(document.pages().len(), 1, "no `#set page` took effect");
        let mut text = String::new();
        text_of(&document.pages()[0].frame, &mut text);
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        // Page header, meta, caption, cell, total, note: six times, each as written.
        assert_eq!(squeeze(&text).matches(&squeeze(nasty)).count(), 6, "{text}");
    }

    #[test]
    fn r8_typst_strings_escape_quotes_backslashes_and_control_characters() {
        assert_eq!(typst_str(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(typst_str("x\ny\t\u{7}"), r#""x\ny\t\u{7}""#);
        assert_eq!(typst_str("#*_$[]<@>"), r##""#*_$[]<@>""##);
    }
}
