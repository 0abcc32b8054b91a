//! SPEC R8: the application forms of one renewal, as a workbook and as a PDF.

use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use ishi_calendar::CalendarDate;
use ishi_forms::{FORMS, FormEntry, FormsError, FormsInput, forms_pdf, forms_xlsx};
use ishi_renewal::{
    Activity, ActivityKind, Category, CommonItem, Evaluation, EvidenceId, MeetingLevel, PaperRole, Role, RuleBook,
    Specialist, evaluate,
};

fn d(s: &str) -> CalendarDate {
    CalendarDate::parse(s).unwrap()
}

fn specialist() -> Specialist {
    Specialist {
        id: "S0001".into(),
        name: "形成 太郎".into(),
        renewals_completed: 0,
        renewal_fiscal_year: 2025,
        period_start: d("2020-04-01"),
        period_end: d("2025-03-31"),
        extensions: 0,
        deferral: None,
    }
}

/// One ledger row: kind, date, quantity, detail, evidence.
struct Row {
    kind: ActivityKind,
    date: CalendarDate,
    quantity: f64,
    detail: &'static str,
    evidence: &'static str,
    role: Role,
    approved: bool,
    e_learning: bool,
}

fn row(kind: ActivityKind, date: &'static str, quantity: f64, detail: &'static str, evidence: &'static str) -> Row {
    Row { kind, date: d(date), quantity, detail, evidence, role: Role::Attendee, approved: true, e_learning: false }
}

/// A small ledger with something refused in every form.
fn ledger() -> Vec<Row> {
    use ActivityKind::*;
    vec![
        row(CaseOperation, "2020-06-10", 40.0, "頬骨骨折観血的整復術", "手術記録2020"),
        row(CaseOperation, "2021-02-03", 30.0, "唇裂形成術", "手術記録2021"),
        row(CaseTreatment, "2022-05-01", 35.0, "熱傷（II度）／保存的治療／治癒／○○病院", "症例記録"),
        row(CaseTreatment, "2019-12-01", 5.0, "期間外の症例", "症例記録"),
        row(CommonLecture(CommonItem::MedicalSafety), "2021-06-01", 1.0, "医療安全講習会", "受講証明書1"),
        Row {
            e_learning: true,
            ..row(CommonLecture(CommonItem::InfectionControl), "2022-07-01", 1.0, "感染対策 e-learning", "受講証明書2")
        },
        row(CommonLecture(CommonItem::MedicalEthics), "2023-01-15", 0.5, "医療倫理（短い）", "受講証明書3"),
        Row {
            role: Role::Lecturer,
            ..row(CommonLecture(CommonItem::InsuranceMedicine), "2023-03-10", 1.5, "保険医療講習会", "講師依頼状")
        },
        Row {
            approved: false, ..row(CommonLecture(CommonItem::Other), "2023-09-09", 2.0, "営利団体のセミナー", "")
        },
        row(SpecialtyLecture, "2020-10-01", 2.0, "形成外科領域講習 1", "受講証明書A"),
        row(SpecialtyLecture, "2021-04-10", 2.0, "形成外科領域講習 2", "受講証明書B"),
        row(SpecialtyLecture, "2021-10-10", 2.0, "形成外科領域講習 3", "受講証明書C"),
        row(SpecialtyLecture, "2022-04-10", 2.0, "形成外科領域講習 4", "受講証明書D"),
        row(SpecialtyLecture, "2022-10-10", 2.0, "形成外科領域講習 5", "受講証明書E"),
        row(SpecialtyLecture, "2023-04-10", 2.0, "形成外科領域講習 6", "受講証明書F"),
        row(SpecialtyLecture, "2023-10-10", 2.0, "形成外科領域講習 7", "受講証明書G"),
        row(SpecialtyLecture, "2024-04-10", 2.0, "形成外科領域講習 8", "受講証明書H"),
        Row { e_learning: true, ..row(SpecialtyLecture, "2024-06-01", 1.0, "e-learning（証明なし）", "") },
        row(MeetingAttendance(MeetingLevel::National), "2021-04-08", 1.0, "第64回日本形成外科学会総会", "参加証"),
        row(MeetingAttendance(MeetingLevel::National), "2022-04-14", 1.0, "第65回日本形成外科学会総会", "参加証"),
        row(MeetingAttendance(MeetingLevel::National), "2023-04-12", 1.0, "第66回日本形成外科学会総会", "参加証"),
        row(Paper(PaperRole::FirstAuthor), "2022-09-01", 1.0, "日形会誌 42(9)", "別刷"),
        row(ExamDuty, "2023-08-01", 1.0, "専門医試験 試験委員", "委嘱状"),
        row(ExamDuty, "2023-12-01", 1.0, "専門医試験 問題作成", "委嘱状"),
        row(PublicLecture, "2024-02-01", 60.0, "市民公開講座「やけどの手当て」", "案内状"),
    ]
}

struct Case {
    specialist: Specialist,
    rows: Vec<Row>,
    activities: Vec<Activity>,
    evaluation: Evaluation,
}

impl Case {
    fn new(specialist: Specialist, rows: Vec<Row>) -> Self {
        let activities: Vec<Activity> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| Activity {
                row: i as u32 + 2,
                date: r.date,
                kind: r.kind,
                quantity: r.quantity,
                role: r.role,
                approved: r.approved,
                e_learning: r.e_learning,
                evidence: (!r.evidence.is_empty()).then_some(EvidenceId(i as u32)),
            })
            .collect();
        let evaluation = evaluate(&RuleBook::builtin(), &specialist, &activities).unwrap();
        Case { specialist, rows, activities, evaluation }
    }

    fn entries(&self) -> Vec<FormEntry<'_>> {
        self.rows
            .iter()
            .zip(&self.activities)
            .map(|(r, a)| FormEntry { activity: *a, detail: r.detail, evidence: r.evidence })
            .collect()
    }
}

fn input<'a>(case: &'a Case, entries: &'a [FormEntry<'a>]) -> FormsInput<'a> {
    FormsInput { specialist: &case.specialist, evaluation: &case.evaluation, entries, prepared_on: d("2026-01-10") }
}

fn sheets(bytes: Vec<u8>) -> Vec<(String, Range<Data>)> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let names = book.sheet_names().to_vec();
    names.into_iter().map(|n| (n.clone(), book.worksheet_range(&n).unwrap())).collect()
}

fn text(c: &Data) -> String {
    c.to_string()
}

/// The row (absolute, from A1) whose cells are exactly these headers, then its data rows up to the
/// first totals row (a row whose first cell is not a number).
fn table<'r>(range: &'r Range<Data>, first_header: &str) -> (Vec<String>, Vec<&'r [Data]>, Vec<&'r [Data]>) {
    let rows: Vec<&[Data]> = range.rows().collect();
    let at = rows.iter().position(|r| text(&r[0]) == first_header).expect("the header row");
    let headers = rows[at].iter().map(text).take_while(|h| !h.is_empty()).collect::<Vec<_>>();
    let body: Vec<&[Data]> = rows[at + 1..].iter().copied().take_while(|r| matches!(r[0], Data::Float(_))).collect();
    let totals: Vec<&[Data]> =
        rows[at + 1 + body.len()..].iter().copied().take_while(|r| !text(&r[0]).is_empty()).collect();
    (headers, body, totals)
}

/// The number in the first cell of `row` after the label that holds a number.
fn total(totals: &[&[Data]], label_prefix: &str) -> f64 {
    let row = totals.iter().find(|r| text(&r[0]).starts_with(label_prefix)).unwrap_or_else(|| panic!("{label_prefix}"));
    row.iter().find_map(|c| if let Data::Float(x) = c { Some(*x) } else { None }).unwrap()
}

/// Days since 1899-12-30: the spreadsheet's serial number of a date.
fn serial(date: CalendarDate) -> f64 {
    let days = |y: i32, m: u8, dd: u8| {
        let (y, m) = if m <= 2 { (y - 1, m as i32 + 9) } else { (y, m as i32 - 3) };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * m + 2) / 5 + dd as i32 - 1;
        era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy
    };
    (days(date.year(), date.month(), date.day()) - days(1899, 12, 30)) as f64
}

#[test]
fn r8_workbook_has_the_six_forms_with_their_headers() {
    let case = Case::new(specialist(), ledger());
    let entries = case.entries();
    let book = sheets(forms_xlsx(&input(&case, &entries)).unwrap());
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, FORMS.map(|(code, _)| code));
    for ((_, sheet), (code, title)) in book.iter().zip(FORMS) {
        let cells: Vec<String> = sheet.rows().take(8).flat_map(|r| r.iter().map(text)).collect();
        assert!(cells.contains(&code.to_string()) && cells.contains(&title.to_string()), "{code}: title");
        assert!(cells.contains(&"形成 太郎".to_string()), "{code}: name");
        assert!(cells.contains(&"S0001".to_string()), "{code}: ID");
        assert!(cells.contains(&"2025年度（令和7年度）".to_string()), "{code}: fiscal year");
    }
    let headers = |i: usize, first: &str| table(&book[i].1, first).0;
    assert_eq!(headers(0, "項目"), ["項目", "獲得単位", "算定単位", "最小", "最大", "不足", "備考"]);
    assert_eq!(headers(1, "No."), ["No.", "手術日", "術式・病名", "症例数", "証明", "台帳行", "備考"]);
    assert_eq!(
        headers(2, "No."),
        ["No.", "診療日", "病名・治療法・転帰・診療施設名", "症例数", "証明", "台帳行", "備考"]
    );
    assert_eq!(
        headers(3, "No."),
        ["No.", "受講日", "項目", "講習名", "時間", "受講/講師", "e-learning", "証明", "台帳行", "備考"]
    );
    assert_eq!(
        headers(4, "No."),
        ["No.", "受講日", "講習名", "時間", "受講/講師", "e-learning", "証明", "台帳行", "備考"]
    );
    assert_eq!(
        headers(5, "No."),
        ["No.", "日付", "種別", "内容（学会名・演題・論文名など）", "数量", "証明", "台帳行", "備考"]
    );
}

#[test]
fn r8_one_row_per_activity_and_totals_equal_the_evaluation() {
    let case = Case::new(specialist(), ledger());
    let e = &case.evaluation;
    let entries = case.entries();
    let book = sheets(forms_xlsx(&input(&case, &entries)).unwrap());

    // Each activity once, on its form, in date order, with its ledger row, date and detail.
    let form_of = |k: ActivityKind| match k {
        ActivityKind::CaseOperation => 1,
        ActivityKind::CaseTreatment => 2,
        ActivityKind::CommonLecture(_) => 3,
        ActivityKind::SpecialtyLecture => 4,
        _ => 5,
    };
    for form in 1..=5 {
        let (headers, body, _) = table(&book[form].1, "No.");
        let col = |h: &str| headers.iter().position(|x| x == h).unwrap();
        let mut expected: Vec<&Activity> = case.activities.iter().filter(|a| form_of(a.kind) == form).collect();
        expected.sort_by_key(|a| (a.date, a.row));
        assert_eq!(body.len(), expected.len(), "{}", FORMS[form].0);
        for (i, (r, a)) in body.iter().zip(expected).enumerate() {
            assert_eq!(r[0], Data::Float((i + 1) as f64));
            assert_eq!(r[col("台帳行")], Data::Float(a.row as f64));
            let Data::DateTime(date) = &r[1] else { panic!("{}: date cell {:?}", FORMS[form].0, r[1]) };
            assert_eq!(date.as_f64(), serial(a.date));
            let detail = if form == 3 || form == 5 { 3 } else { 2 };
            assert_eq!(text(&r[detail]), case.rows[a.row as usize - 2].detail);
        }
    }

    // 様式1-2: every category and the total as evaluated.
    let (_, body, totals) = table(&book[0].1, "項目");
    let units = |x: ishi_renewal::Units| Data::Float(x.as_f64());
    let rows: Vec<&[Data]> =
        book[0].1.rows().filter(|r| Category::ALL.iter().any(|c| text(&r[0]) == c.as_ja())).collect();
    assert!(body.is_empty(), "category rows start with their name");
    assert_eq!(rows.len(), 4);
    for (r, c) in rows.iter().zip(&e.categories) {
        assert_eq!(text(&r[0]), c.category.as_ja());
        assert_eq!(
            [&r[1], &r[2], &r[3], &r[5]],
            [&units(c.earned), &units(c.counted), &units(c.min), &units(c.shortfall())]
        );
        assert_eq!(r[4], c.max.map_or(Data::String("—".into()), units));
    }
    let _ = totals;
    let sum = book[0].1.rows().find(|r| text(&r[0]) == "合計").unwrap();
    assert_eq!(sum[2], units(e.counted_units));
    assert_eq!(sum[3], units(e.required_units));
    assert_eq!(sum[5], units(e.required_units - e.counted_units));
    let verdict = book[0].1.rows().find(|r| text(&r[0]) == "判定").unwrap();
    assert!(text(&verdict[1]).starts_with(e.verdict.as_ja()), "{}", text(&verdict[1]));
    for (i, item) in CommonItem::MANDATORY.into_iter().enumerate() {
        let r = book[0].1.rows().find(|r| text(&r[0]) == item.as_ja()).unwrap();
        assert_eq!(r[1], units(e.mandatory[i]));
    }

    // The detail forms: the category's earned and counted units.
    for (form, c) in
        [(1, Category::Clinical), (3, Category::Common), (4, Category::Specialty), (5, Category::Achievements)]
    {
        let (_, _, totals) = table(&book[form].1, "No.");
        let c = e.category(c);
        assert_eq!(total(&totals, &format!("{} 獲得単位", c.category.as_ja())), c.earned.as_f64());
        assert_eq!(total(&totals, &format!("{} 算定単位", c.category.as_ja())), c.counted.as_f64());
    }
    let (_, _, totals) = table(&book[1].1, "No.");
    assert_eq!(total(&totals, "合計症例数"), 70.0);
    assert_eq!(total(&totals, "算定対象の症例"), e.cases as f64);
    let (_, _, totals) = table(&book[3].1, "No.");
    assert_eq!(total(&totals, "合計時間"), 6.0);
}

#[test]
fn r8_every_refused_activity_shows_why() {
    let case = Case::new(specialist(), ledger());
    let entries = case.entries();
    let book = sheets(forms_xlsx(&input(&case, &entries)).unwrap());
    let refused: Vec<_> = case.evaluation.findings.iter().filter(|f| f.row.is_some()).collect();
    // The ledger refuses: a case outside the period, a short lecture, an unapproved one, e-learning
    // without proof, meetings over the cap, exam duty twice in a year.
    assert!(refused.len() >= 6, "{refused:#?}");
    for f in refused {
        let row = f.row.unwrap();
        let remark = book[1..]
            .iter()
            .flat_map(|(_, s)| {
                let (headers, body, _) = table(s, "No.");
                let (r, n) = (headers.iter().position(|h| h == "台帳行").unwrap(), headers.len() - 1);
                body.into_iter().filter(move |x| x[r] == Data::Float(row as f64)).map(move |x| text(&x[n]))
            })
            .next()
            .unwrap_or_else(|| panic!("row {row} is listed"));
        assert!(remark.contains(f.rule), "row {row}: {remark}");
        let message = f.message();
        let body = message.split_once(": ").map_or(message.as_str(), |(_, b)| b);
        assert!(remark.contains(body), "row {row}: {remark} lacks {body}");
    }
    // Requirement findings are on 様式1-2.
    let cells: Vec<String> = book[0].1.rows().flat_map(|r| r.iter().map(text)).collect();
    for f in case.evaluation.findings.iter().filter(|f| f.row.is_none()) {
        assert!(cells.iter().any(|c| c.contains(&f.message())), "{}", f.message());
    }
}

#[test]
fn r8_pdf_is_a4_with_a_page_per_form_and_deterministic() {
    let case = Case::new(specialist(), ledger());
    let entries = case.entries();
    let pdf = forms_pdf(&input(&case, &entries)).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let raw = String::from_utf8_lossy(&pdf).replace("/Type /", "/Type/");
    let pages = raw.match_indices("/Type/Page").filter(|(i, _)| !raw[i + 10..].starts_with('s')).count();
    assert!(pages >= FORMS.len(), "{pages} pages");
    // A4 = 595.28 × 841.89 pt.
    assert!(raw.matches("/MediaBox[0 0 595.2756 841.8898]").count() == pages, "A4");
    assert!(raw.contains("IPAexGothic"), "the Japanese font is embedded");
    assert_eq!(forms_pdf(&input(&case, &entries)).unwrap(), pdf, "same input, same bytes");
    assert_eq!(forms_xlsx(&input(&case, &entries)).unwrap(), forms_xlsx(&input(&case, &entries)).unwrap());
}

/// User text full of typst markup.
const NASTY: &str = r#"#set page(width: 1cm) *太字* _x_ $x^2$ [a] \ <l> @ref "q" // c"#;

#[test]
fn r8_typst_special_characters_in_user_text_are_shown_literally() {
    let nasty = NASTY;
    let mut s = specialist();
    s.name = format!("形成 {nasty}");
    let mut rows = ledger();
    for r in &mut rows {
        r.detail = nasty;
        r.evidence = "証明]#[";
    }
    let case = Case::new(s, rows);
    let entries = case.entries();
    let pdf = forms_pdf(&input(&case, &entries)).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let book = sheets(forms_xlsx(&input(&case, &entries)).unwrap());
    let cells: Vec<String> = book[4].1.rows().flat_map(|r| r.iter().map(text)).collect();
    assert!(cells.iter().any(|c| c == nasty));
    assert!(cells.iter().any(|c| c == &format!("形成 {nasty}")));
}

#[test]
fn r8_an_empty_ledger_still_gives_every_form() {
    let case = Case::new(specialist(), vec![]);
    let pdf = forms_pdf(&input(&case, &[])).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let book = sheets(forms_xlsx(&input(&case, &[])).unwrap());
    assert_eq!(book.len(), 6);
    let cells: Vec<String> = book[1].1.rows().flat_map(|r| r.iter().map(text)).collect();
    assert!(cells.contains(&"（記載なし）".to_string()));
}

#[test]
fn r8_an_evaluation_of_someone_else_is_refused() {
    let case = Case::new(specialist(), ledger());
    let mut other = specialist();
    other.id = "S0002".into();
    let entries = case.entries();
    let input = FormsInput { specialist: &other, ..input(&case, &entries) };
    assert!(matches!(forms_xlsx(&input), Err(FormsError::Mismatch { .. })));
    assert!(matches!(forms_pdf(&input), Err(FormsError::Mismatch { .. })));
}

/// Writes the sample forms to `$ISHI_FORMS_OUT` (if set) for a person to look at.
#[test]
fn r8_sample_forms_for_review() {
    let Some(dir) = std::env::var_os("ISHI_FORMS_OUT") else { return };
    let mut s = specialist();
    s.renewal_fiscal_year = 2019;
    s.period_start = d("2015-01-01");
    s.period_end = d("2020-03-31");
    // The same ledger five years earlier, with old society points.
    let mut rows: Vec<Row> = ledger().into_iter().map(|r| Row { date: r.date.add_years(-5), ..r }).collect();
    rows.push(row(ActivityKind::OldPoints, "2016-05-01", 45.0, "学会専門医 旧基準の点（2016年）", "点数記録"));
    rows.push(row(ActivityKind::OldPoints, "2013-05-01", 10.0, "期間外の旧基準の点", "点数記録"));
    // A long list: 様式5 runs over pages and repeats its column headers.
    let mut long = ledger();
    for i in 0..60 {
        let detail = "褥瘡（III度）／デブリードマン・局所陰圧閉鎖療法／軽快／□□病院";
        let r = row(ActivityKind::CaseTreatment, "2021-01-04", 1.0, detail, "症例記録");
        long.push(Row { date: r.date.add_years(i % 4), ..r });
    }
    let mut odd = specialist();
    odd.name = format!("形成 {NASTY}");
    let cases = [
        ("fy2025", Case::new(specialist(), ledger())),
        (
            "nasty",
            Case::new(odd, ledger().into_iter().map(|r| Row { detail: NASTY, evidence: "証明]#[", ..r }).collect()),
        ),
        ("fy2019", Case::new(s, rows)),
        ("long", Case::new(specialist(), long)),
    ];
    for (name, case) in cases {
        let entries = case.entries();
        let dir = std::path::Path::new(&dir);
        std::fs::write(dir.join(format!("{name}.pdf")), forms_pdf(&input(&case, &entries)).unwrap()).unwrap();
        std::fs::write(dir.join(format!("{name}.xlsx")), forms_xlsx(&input(&case, &entries)).unwrap()).unwrap();
    }
}
