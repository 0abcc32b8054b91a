//! 形成外科領域専門医更新申請書 — the application forms of a renewal (SPEC R8).
//!
//! One specialist's ledger and its [`Evaluation`](ishi_renewal::Evaluation) become the forms the
//! society asks for, laid out like its 様式: a title, the specialist's header block, a bordered table
//! with one row per activity, and the totals.
//!
//! | form | content |
//! |---|---|
//! | 様式1-2 単位集計表 | units per category i)–iv) (earned, counted, minimum, maximum, shortfall), the mandatory lectures, old points, the verdict and every finding not tied to a row |
//! | 様式4 手術症例一覧表 | operations (A) |
//! | 様式5 症例一覧表 | cases treated (B) |
//! | 様式6-1 専門医共通講習の受講実績記録 | common lectures |
//! | 様式7-1 形成外科領域講習の受講実績記録 | specialty lectures |
//! | 様式8-1 形成外科領域学術業績等記録 | achievements and other activities; old society points (transition) |
//!
//! Every activity row shows, in its 備考 column, each finding of the evaluation about that ledger row
//! (why it was refused or only partly counted). The units a row earns are not recomputed here: the
//! rules live in `ishi-renewal` alone; rows show their quantity, the totals show the evaluation.
//!
//! [`forms_xlsx`] writes one sheet per form (rust_xlsxwriter); [`forms_pdf`] typesets the whole
//! package on A4 with typst and the embedded IPAex Gothic font (`fonts/`, IPA Font License). The crate
//! does no file I/O and reads no clock: it returns bytes, and the date the forms are prepared on is
//! passed in. The same input gives the same bytes.

mod model;
mod pdf;
mod xlsx;

use ishi_calendar::CalendarDate;
use ishi_renewal::{Activity, Evaluation, Specialist};

/// The forms produced, in order: (様式 number, title). The number is also the sheet name.
pub const FORMS: [(&str, &str); 6] = [
    ("様式1-2", "単位集計表"),
    ("様式4", "手術症例一覧表"),
    ("様式5", "症例一覧表"),
    ("様式6-1", "専門医共通講習の受講実績記録"),
    ("様式7-1", "形成外科領域講習の受講実績記録"),
    ("様式8-1", "形成外科領域学術業績等記録"),
];

/// The licence of the embedded font (IPA Font License Agreement v1.0, Japanese and English). The
/// font is compiled into every binary that uses this crate; the licence must go with it
/// (Article 3.2). See `fonts/README.md`.
pub const FONT_LICENSE: &str = include_str!("../fonts/IPA_Font_License_Agreement_v1.0.txt");

/// One ledger row with the text the domain does not keep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FormEntry<'a> {
    pub activity: Activity,
    /// The ledger's `detail` as written: 術式・病名, 講習名, 学会名・演題名 …
    pub detail: &'a str,
    /// The ledger's `evidence` as written (certificate, file name); empty if none.
    pub evidence: &'a str,
}

/// Everything the forms show.
#[derive(Debug, Clone, Copy)]
pub struct FormsInput<'a> {
    pub specialist: &'a Specialist,
    /// The evaluation of `specialist` on the activities of `entries`.
    pub evaluation: &'a Evaluation,
    pub entries: &'a [FormEntry<'a>],
    /// 作成日, shown on every form.
    pub prepared_on: CalendarDate,
}

/// Why the forms could not be made.
#[derive(Debug, thiserror::Error)]
pub enum FormsError {
    /// The evaluation is not the one of this specialist's renewal.
    #[error(
        "the evaluation is of specialist {evaluation_id:?} for FY{evaluation_year}, \
         but the forms are for {specialist_id:?} for FY{specialist_year}"
    )]
    Mismatch { specialist_id: String, specialist_year: i32, evaluation_id: String, evaluation_year: i32 },
    #[error("writing the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// typst refused the generated document (a bug of this crate, never of the input).
    #[error("typesetting the PDF: {0}")]
    Typeset(String),
}

/// The forms as an .xlsx workbook, one sheet per form named as in [`FORMS`].
pub fn forms_xlsx(input: &FormsInput) -> Result<Vec<u8>, FormsError> {
    let forms = model::build(input)?;
    xlsx::write(input, &forms)
}

/// The whole package as one PDF (A4, Japanese), each form starting on a new page.
pub fn forms_pdf(input: &FormsInput) -> Result<Vec<u8>, FormsError> {
    let forms = model::build(input)?;
    pdf::render(input, &forms)
}
