//! The renewal roster and ledger importer (`ishi_io::renewal_import`): formats (X2), every refusal
//! located by file, row, column and value (X3), and what the domain receives (R5.9 evidence, R6
//! deferral and extensions).

use std::path::Path;

use ishi_calendar::CalendarDate;
use ishi_io::renewal_import::{ActivityText, LedgerText, Membership, read_membership, read_membership_from};
use ishi_io::sheet::Sheet;
use ishi_io::{InputError, IoError};
use ishi_renewal::{ActivityKind, CommonItem, DeferralReason, EvidenceId, MeetingLevel, PaperRole, Role, Specialist};

const ROSTER: &str = "specialist_id,name,renewals_completed,renewal_fiscal_year,period_start,period_end\n\
S1,形成 太郎,0,2025,2020-04-01,2025-03-31\n\
S2,形成 花子,3,2024,2019-04-01,2024-03-31\n";

const HEADER: &str = "specialist_id,date,kind,detail,quantity,role,approved,e_learning,evidence\n";

fn read_with(roster: &str, body: &str, text: LedgerText) -> Result<Membership, IoError> {
    let roster = Sheet::from_csv("specialists.csv", roster.as_bytes())?;
    let ledger = Sheet::from_csv("ledger.csv", format!("{HEADER}{body}").as_bytes())?;
    read_membership_from(roster, ledger, text)
}

fn read(body: &str) -> Membership {
    read_with(ROSTER, body, LedgerText::Drop).unwrap_or_else(|e| panic!("{e}"))
}

fn refused_with(roster: &str, body: &str) -> InputError {
    match read_with(roster, body, LedgerText::Drop) {
        Err(IoError::Input(e)) => e,
        Err(e) => panic!("not an input error: {e}"),
        Ok(_) => panic!("accepted: {body}"),
    }
}

fn refused(body: &str) -> InputError {
    refused_with(ROSTER, body)
}

/// File, row, column and value of an error.
fn at(e: &InputError) -> (&str, Option<usize>, Option<&str>, Option<&str>) {
    (e.file.as_str(), e.row, e.column.as_deref(), e.value.as_deref())
}

fn d(s: &str) -> CalendarDate {
    CalendarDate::parse(s).unwrap()
}

#[test]
fn x2_ledger_read_into_activities() {
    let m = read(
        "S1,2021-06-01,common_lecture,医療安全,1,,,,受講証明書1\n\
         S1,2021/07/10,meeting_attendance,national,,,true,false,\n\
         S1,2022-01-15,specialty_lecture,第10回 形成外科領域講習,1.5,lecturer,false,true,依頼状\n\
         S1,2022-02-01,paper,first_author,,,,,doi:10/abc\n",
    );
    assert_eq!(m.specialists.len(), 2);
    assert_eq!(m.ranges, vec![0..4, 4..4]);
    let l = m.ledger(0);
    assert_eq!(l.iter().map(|a| a.row).collect::<Vec<_>>(), vec![2, 3, 4, 5]);
    assert_eq!(l[0].kind, ActivityKind::CommonLecture(CommonItem::MedicalSafety));
    assert_eq!((l[0].quantity, l[0].role, l[0].approved, l[0].e_learning), (1.0, Role::Attendee, true, false));
    assert_eq!(l[1].date, d("2021-07-10"));
    assert_eq!(l[1].kind, ActivityKind::MeetingAttendance(MeetingLevel::National));
    assert_eq!((l[1].quantity, l[1].evidence), (1.0, None), "an empty count is 1");
    assert_eq!(l[2].kind, ActivityKind::SpecialtyLecture);
    assert_eq!((l[2].quantity, l[2].role, l[2].approved, l[2].e_learning), (1.5, Role::Lecturer, false, true));
    assert_eq!(l[3].kind, ActivityKind::Paper(PaperRole::FirstAuthor));
    assert!(m.ledger(1).is_empty());
    assert!(m.texts.is_empty(), "text dropped");
    assert_eq!(m.find("S2"), Some(1));
    assert_eq!(m.find("Ｓ２"), Some(1), "ids match after NFKC");
    assert_eq!(m.find("S3"), None);
    assert_eq!(
        m.specialists[1],
        Specialist {
            id: "S2".into(),
            name: "形成 花子".into(),
            renewals_completed: 3,
            renewal_fiscal_year: 2024,
            period_start: d("2019-04-01"),
            period_end: d("2024-03-31"),
            extensions: 0,
            deferral: None,
        }
    );
}

#[test]
fn x2_ledger_text_kept_as_written_for_forms() {
    let body = "S2,2021-06-01,case_operation, 口唇裂 　,3,,,,手術記録①\nS1,2021-06-02,peer_review,,,,,,\n";
    let m = read_with(ROSTER, body, LedgerText::Keep).unwrap();
    // Grouped in roster order: S1's row first; texts follow their activities.
    assert_eq!(m.activities.iter().map(|a| a.row).collect::<Vec<_>>(), vec![3, 2]);
    assert_eq!(
        m.texts,
        vec![
            ActivityText { detail: String::new(), evidence: String::new() },
            ActivityText { detail: "口唇裂".into(), evidence: "手術記録①".into() },
        ]
    );
    assert_eq!(m.ledger_texts(1)[0].detail, "口唇裂");
    assert!(read_with(ROSTER, body, LedgerText::Drop).unwrap().ledger_texts(1).is_empty());
}

#[test]
fn x2_ledger_grouped_by_roster_order_keeping_ledger_order() {
    let m = read(
        "S2,2021-01-01,peer_review,,1,,,,a\n\
         S1,2021-01-02,peer_review,,1,,,,b\n\
         S2,2020-01-03,peer_review,,1,,,,c\n\
         \n\
         S1,2019-01-04,peer_review,,1,,,,d\n\
         S2,2021-01-05,peer_review,,1,,,,e\n",
    );
    let rows = |i| m.ledger(i).iter().map(|a| a.row).collect::<Vec<_>>();
    // Ledger order within a specialist (not date order); the blank line is row 5 and skipped.
    assert_eq!(rows(0), vec![3, 6]);
    assert_eq!(rows(1), vec![2, 4, 7]);
    assert_eq!(m.ranges, vec![0..2, 2..5]);
}

#[test]
fn r5_9_evidence_interned_per_specialist() {
    let m = read(
        "S1,2021-06-01,meeting_attendance,national,,,,,cert-A\n\
         S1,2021-06-02,paper,coauthor,,,,,cert-B\n\
         S2,2021-06-03,paper,coauthor,,,,,cert-B\n\
         S1,2021-06-04,presentation,first_presenter,,,,,ｃｅｒｔ－Ａ\n\
         S1,2021-06-05,presentation,chair,,,,,\n",
    );
    let ids = |i| m.ledger(i).iter().map(|a| a.evidence).collect::<Vec<_>>();
    // The same proof twice (after NFKC) is the same id within a specialist; none when empty.
    assert_eq!(ids(0), vec![Some(EvidenceId(0)), Some(EvidenceId(1)), Some(EvidenceId(0)), None]);
    // Ids are the specialist's own: S2's first proof is 0 whatever S1 holds.
    assert_eq!(ids(1), vec![Some(EvidenceId(0))]);
}

#[test]
fn r6_1_deferral_and_r6_3_extensions_from_optional_columns() {
    let roster = "specialist_id,name,renewals_completed,renewal_fiscal_year,period_start,period_end,extensions,deferral\n\
                  S1,a,0,2025,2019-04-01,2025-03-31,1,\n\
                  S2,b,1,2025,2020-04-01,2025-03-31,,育児\n\
                  S3,c,1,2025,2020-04-01,2025-03-31,０,study_abroad\n";
    let m = read_with(roster, "", LedgerText::Drop).unwrap();
    let got: Vec<_> = m.specialists.iter().map(|s| (s.extensions, s.deferral)).collect();
    assert_eq!(got, vec![(1, None), (0, Some(DeferralReason::Childcare)), (0, Some(DeferralReason::StudyAbroad))]);
    assert_eq!(m.ranges, vec![0..0, 0..0, 0..0]);

    let e = refused_with(&roster.replace("育児", "休暇"), "");
    assert_eq!(at(&e), ("specialists.csv", Some(3), Some("deferral"), Some("休暇")));
    assert!(e.problem.contains("study_abroad") && e.problem.contains("介護"), "{}", e.problem);
    let e = refused_with(&roster.replace(",1,\n", ",-1,\n"), "");
    assert_eq!(at(&e), ("specialists.csv", Some(2), Some("extensions"), Some("-1")));
}

#[test]
fn x2_full_width_digits_accepted() {
    let roster = "specialist_id,name,renewals_completed,renewal_fiscal_year,period_start,period_end\n\
                  Ｓ１,a,３,２０２５,２０２０－０４－０１,2025/03/31\n";
    let m =
        read_with(roster, "S1,２０２１／０６／０１,specialty_lecture,講習,１．５,,ＴＲＵＥ,ｎｏ,\n", LedgerText::Drop)
            .unwrap();
    let s = &m.specialists[0];
    assert_eq!((s.id.as_str(), s.renewals_completed, s.renewal_fiscal_year), ("S1", 3, 2025));
    assert_eq!((s.period_start, s.period_end), (d("2020-04-01"), d("2025-03-31")));
    let a = m.ledger(0)[0];
    assert_eq!((a.date, a.quantity, a.approved, a.e_learning), (d("2021-06-01"), 1.5, true, false));
}

#[test]
fn x2_flags_read_in_any_usual_spelling() {
    let m = read(
        "S1,2021-06-01,specialty_lecture,a,1,,1,0,\n\
         S1,2021-06-02,specialty_lecture,b,1,,yes,Yes,\n\
         S1,2021-06-03,specialty_lecture,c,1,,FALSE,TRUE,\n\
         S1,2021-06-04,specialty_lecture,d,1,受講者,No,false,\n",
    );
    let flags: Vec<_> = m.ledger(0).iter().map(|a| (a.approved, a.e_learning)).collect();
    assert_eq!(flags, vec![(true, false), (true, true), (false, true), (false, false)]);
    let e = refused("S1,2021-06-01,specialty_lecture,a,1,,maybe,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(2), Some("approved"), Some("maybe")));
}

#[test]
fn x3_unknown_kind_names_row_column_and_value() {
    let e = refused("S1,2021-06-01,common_lecture,医療安全,1,,,,\nS1,2021-06-02,seminar,x,1,,,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(3), Some("kind"), Some("seminar")));
    assert!(e.problem.contains("case_operation") && e.problem.contains("old_points"), "{}", e.problem);
    assert_eq!(
        e.to_string(),
        format!("ledger.csv: row 3, column kind, value \"seminar\": {}", e.problem),
        "one line naming everything"
    );
}

#[test]
fn x3_unknown_detail_lists_what_the_kind_accepts() {
    let e = refused("S1,2021-06-01,meeting_attendance,local,,,,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(2), Some("detail"), Some("local")));
    assert!(e.problem.contains("national, regional, other"), "{}", e.problem);
    let e = refused("S1,2021-06-01,common_lecture,救急,1,,,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(2), Some("detail"), Some("救急")));
    assert!(e.problem.contains("医療安全"), "{}", e.problem);
}

#[test]
fn x3_negative_hours_refused() {
    let e = refused("S1,2021-06-01,specialty_lecture,講習,-1.5,,,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(2), Some("quantity"), Some("-1.5")));
    assert!(e.problem.contains("negative"), "{}", e.problem);
}

#[test]
fn x3_quantities_checked_by_what_they_measure() {
    let e = refused("S1,2021-06-01,specialty_lecture,講習,,,,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(2), Some("quantity"), Some("")));
    assert!(e.problem.contains("hours"), "{}", e.problem);
    let e = refused("S1,2021-06-01,case_operation,口唇裂,2.5,,,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(2), Some("quantity"), Some("2.5")));
    assert!(e.problem.contains("whole"), "{}", e.problem);
    let e = refused("S1,2021-06-01,public_lecture,市民講座,0,,,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(2), Some("quantity"), Some("0")));
    let e = refused("S1,2021-06-01,school_doctor,,一年,,,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(2), Some("quantity"), Some("一年")));
    assert_eq!(e.problem, "not a number");
}

#[test]
fn x3_date_off_the_calendar_refused() {
    let e = refused("S1,2023-02-30,peer_review,,,,,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(2), Some("date"), Some("2023-02-30")));
    let e = refused("S1,令和3年,peer_review,,,,,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(2), Some("date"), Some("令和3年")));
    let e = refused("S1,,peer_review,,,,,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(2), Some("date"), Some("")));
}

#[test]
fn x3_ledger_specialist_not_in_roster() {
    let e = refused("S1,2021-06-01,peer_review,,,,,,\nS9,2021-06-01,peer_review,,,,,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(3), Some("specialist_id"), Some("S9")));
    assert!(e.problem.contains("specialists.csv"), "{}", e.problem);
    let e = refused(" ,2021-06-01,peer_review,,,,,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(2), Some("specialist_id"), Some(" ")));
}

#[test]
fn x3_duplicate_roster_id() {
    let roster = format!("{ROSTER}Ｓ１,別人,0,2025,2020-04-01,2025-03-31\n");
    let e = refused_with(&roster, "");
    assert_eq!(at(&e), ("specialists.csv", Some(4), Some("specialist_id"), Some("Ｓ１")));
    assert!(e.problem.contains("row 2"), "{}", e.problem);
}

#[test]
fn x3_duplicate_ledger_row_names_both_rows() {
    let e = refused(
        "S1,2021-06-01,common_lecture,医療安全,1,,,,cert\n\
         S1,2021-06-01,common_lecture,医療安全,2,,,,cert\n\
         S2,2021-06-01,common_lecture,医療安全,1,,,,cert\n\
         S1,２０２１-06-01,common_lecture,医療安全,1.0,attendee,true,false,ｃｅｒｔ\n",
    );
    let value = "S1,２０２１-06-01,common_lecture,医療安全,1.0,attendee,true,false,ｃｅｒｔ";
    assert_eq!(at(&e), ("ledger.csv", Some(5), Some("(row)"), Some(value)));
    assert!(e.problem.contains("row 2") && e.problem.contains("evidence"), "{}", e.problem);
    // Told apart by detail or evidence, both stand.
    let m = read(
        "S1,2021-06-01,case_operation,口唇裂,1,,,,\n\
         S1,2021-06-01,case_operation,口蓋裂,1,,,,\n\
         S1,2021-06-01,case_operation,口唇裂,1,,,,記録2\n",
    );
    assert_eq!(m.activities.len(), 3);
}

#[test]
fn x3_first_duplicate_in_the_file_is_reported() {
    // S2's pair (rows 3, 4) comes before S1's (rows 2, 5) in the file.
    let e = refused(
        "S1,2021-06-01,peer_review,,,,,,\n\
         S2,2021-06-01,peer_review,,,,,,\n\
         S2,2021-06-01,peer_review,,,,,,\n\
         S1,2021-06-01,peer_review,,,,,,\n",
    );
    assert_eq!((e.row, e.problem.contains("row 3")), (Some(4), true), "{e}");
}

#[test]
fn x3_lecturer_on_a_paper_refused() {
    let e = refused("S1,2021-06-01,paper,coauthor,,lecturer,,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(2), Some("role"), Some("lecturer")));
    assert!(e.problem.contains("paper"), "{}", e.problem);
    let e = refused("S1,2021-06-01,specialty_lecture,講習,1,speaker,,,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(2), Some("role"), Some("speaker")));
}

#[test]
fn x3_e_learning_on_a_meeting_refused() {
    let e = refused("S1,2021-06-01,meeting_attendance,other,,,,true,\n");
    assert_eq!(at(&e), ("ledger.csv", Some(2), Some("e_learning"), Some("true")));
}

#[test]
fn x3_roster_values_checked() {
    let row = |fields: &str| {
        format!("specialist_id,name,renewals_completed,renewal_fiscal_year,period_start,period_end\n{fields}\n")
    };
    let cases = [
        ("S1,a,-1,2025,2020-04-01,2025-03-31", "renewals_completed", "-1", "negative"),
        ("S1,a,1.5,2025,2020-04-01,2025-03-31", "renewals_completed", "1.5", "whole"),
        ("S1,a,0,2014,2009-04-01,2014-03-31", "renewal_fiscal_year", "2014", "FY2015"),
        ("S1,a,0,20255,2020-04-01,2025-03-31", "renewal_fiscal_year", "20255", "2100"),
        ("S1,a,0,2025,2020-04-31,2025-03-31", "period_start", "2020-04-31", "calendar"),
        ("S1,a,0,2025,2020-04-01,2019-03-31", "period_end", "2019-03-31", "before"),
        ("S1,a,0,2025,2018-04-01,2025-03-31", "period_end", "2025-03-31", "6 years"),
        (",a,0,2025,2020-04-01,2025-03-31", "specialist_id", "", "required"),
    ];
    for (fields, column, value, problem) in cases {
        let e = refused_with(&row(fields), "");
        assert_eq!(at(&e), ("specialists.csv", Some(2), Some(column), Some(value)), "{fields}");
        assert!(e.problem.contains(problem), "{fields}: {}", e.problem);
    }
    // Exactly six years is accepted.
    read_with(&row("S1,a,0,2025,2019-03-31,2025-03-31"), "", LedgerText::Drop).unwrap();
    let e = refused_with("specialist_id,name\n", "");
    assert_eq!(at(&e), ("specialists.csv", Some(1), Some("renewals_completed"), Some("specialist_id,name")));
    let e = refused_with(&row("").replace("\n\n", "\n"), "");
    assert_eq!((e.file.as_str(), e.row), ("specialists.csv", None));
}

#[test]
fn x3_missing_ledger_column_named() {
    let roster = Sheet::from_csv("specialists.csv", ROSTER.as_bytes()).unwrap();
    let ledger = Sheet::from_csv("ledger.csv", b"specialist_id,date,kind,detail,quantity\n").unwrap();
    let Err(IoError::Input(e)) = read_membership_from(roster, ledger, LedgerText::Drop) else { panic!() };
    assert_eq!(at(&e), ("ledger.csv", Some(1), Some("role"), Some("specialist_id,date,kind,detail,quantity")));
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn x2_ledger_read_from_cp932() {
    let dir = tempfile::tempdir().unwrap();
    let sjis = |s: &str| encoding_rs::SHIFT_JIS.encode(s).0.into_owned();
    let roster = write(dir.path(), "specialists.csv", &sjis(ROSTER));
    let body = "S1,2021-06-01,common_lecture,感染対策,1,講師,,,ｅラーニング修了証\n\
                S2,2021-06-02,case_operation,ﾃﾞｰﾀ 顔面骨骨折,2,,,,\n";
    let ledger = write(dir.path(), "ledger.csv", &sjis(&format!("{HEADER}{body}")));
    let m = read_membership(&roster, &ledger, LedgerText::Keep).unwrap();
    assert_eq!(m.specialists[0].name, "形成 太郎");
    assert_eq!(m.ledger(0)[0].kind, ActivityKind::CommonLecture(CommonItem::InfectionControl));
    assert_eq!(m.ledger(0)[0].role, Role::Lecturer);
    assert_eq!(m.ledger(1)[0].quantity, 2.0);
    // Forms get the text as written; half-width katakana stays half-width there.
    assert_eq!(m.ledger_texts(1)[0].detail, "ﾃﾞｰﾀ 顔面骨骨折");
    assert_eq!(m.ledger_texts(0)[0].evidence, "ｅラーニング修了証");

    // A CP932 error is still located in the ledger.
    let bad = write(dir.path(), "bad.csv", &sjis(&format!("{HEADER}S1,2021-06-01,論文,x,1,,,,\n")));
    let Err(IoError::Input(e)) = read_membership(&roster, &bad, LedgerText::Drop) else { panic!() };
    assert_eq!((e.row, e.column.as_deref(), e.value.as_deref()), (Some(2), Some("kind"), Some("論文")));
    assert!(e.file.ends_with("bad.csv"), "{}", e.file);
}

#[test]
fn x2_ledger_read_from_xlsx() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy/mm/dd");
    for (c, h) in HEADER.trim_end().split(',').enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    // Row 2: a date cell, a number and booleans as Excel holds them.
    sheet.write_string(1, 0, "S2").unwrap();
    sheet.write_datetime_with_format(1, 1, ExcelDateTime::from_ymd(2022, 4, 1).unwrap(), &date_format).unwrap();
    sheet.write_string(1, 2, "specialty_lecture").unwrap();
    sheet.write_string(1, 3, "形成外科領域講習").unwrap();
    sheet.write_number(1, 4, 1.5).unwrap();
    sheet.write_boolean(1, 6, true).unwrap();
    sheet.write_boolean(1, 7, true).unwrap();
    sheet.write_string(1, 8, "受講証").unwrap();
    // Row 3 left blank; row 4: everything as text.
    for (c, v) in "S1,2021-06-01,old_points,,12.5,,,,旧制度".split(',').enumerate() {
        sheet.write_string(3, c as u16, v).unwrap();
    }
    let ledger = dir.path().join("ledger.xlsx");
    std::fs::write(&ledger, book.save_to_buffer().unwrap()).unwrap();
    let roster = write(dir.path(), "specialists.csv", ROSTER.as_bytes());

    let m = read_membership(&roster, &ledger, LedgerText::Keep).unwrap();
    let s2 = m.ledger(1)[0];
    assert_eq!((s2.row, s2.date, s2.kind), (2, d("2022-04-01"), ActivityKind::SpecialtyLecture));
    assert_eq!((s2.quantity, s2.approved, s2.e_learning, s2.evidence), (1.5, true, true, Some(EvidenceId(0))));
    let s1 = m.ledger(0)[0];
    assert_eq!((s1.row, s1.kind, s1.quantity), (4, ActivityKind::OldPoints, 12.5));
    assert_eq!(m.ledger_texts(0)[0].evidence, "旧制度");

    // Errors in a workbook name its rows as Excel shows them.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in [HEADER.trim_end(), "S1,2021-06-01,peer_review,,-2,,,,"].iter().enumerate() {
        for (c, v) in line.split(',').enumerate() {
            sheet.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    std::fs::write(&ledger, book.save_to_buffer().unwrap()).unwrap();
    let Err(IoError::Input(e)) = read_membership(&roster, &ledger, LedgerText::Drop) else { panic!() };
    assert_eq!((e.row, e.column.as_deref(), e.value.as_deref()), (Some(2), Some("quantity"), Some("-2")));
}

#[test]
fn x2_large_ledger_read_in_pieces_equals_read_whole() {
    // Over the size from which files are read piece by piece (8 MiB), with quoted fields, blank lines
    // and CRLF along the way; the same ledger read from memory gives the same membership.
    let dir = tempfile::tempdir().unwrap();
    let mut roster =
        String::from("specialist_id,name,renewals_completed,renewal_fiscal_year,period_start,period_end\n");
    (0..2000).for_each(|s| roster.push_str(&format!("S{s},合成{s},0,2025,2020-04-01,2025-03-31\n")));
    let mut ledger = String::from(HEADER);
    let mut i = 0;
    while ledger.len() < 9 << 20 {
        let s = (i * 7919) % 2000;
        let line = match i % 5 {
            0 => format!("S{s},2021-06-{:02},case_operation,\"口唇裂, 術後{i}\",1,,,,\"記録\n{i}\"\r\n", 1 + i % 28),
            1 => format!("S{s},2022-01-{:02},specialty_lecture,講習{i},1.5,,,,E{i}\n\n", 1 + i % 28),
            _ => format!("S{s},2023-02-{:02},paper,coauthor,,,,,doi{i}\n", 1 + i % 28),
        };
        ledger.push_str(&line);
        i += 1;
    }
    let roster_path = write(dir.path(), "specialists.csv", roster.as_bytes());
    let ledger_path = write(dir.path(), "ledger.csv", ledger.as_bytes());
    let from_files = read_membership(&roster_path, &ledger_path, LedgerText::Keep).unwrap();
    let in_memory = read_membership_from(
        Sheet::from_csv(&roster_path.display().to_string(), roster.as_bytes()).unwrap(),
        Sheet::from_csv(&ledger_path.display().to_string(), ledger.as_bytes()).unwrap(),
        LedgerText::Keep,
    )
    .unwrap();
    assert_eq!(from_files.activities.len(), i);
    assert!(from_files == in_memory);
    assert_eq!(from_files.texts[0].evidence, "記録\n0");
}

/// An activity as the domain sees it, without its row number, and its evidence as written.
type Seen = (CalendarDate, ActivityKind, u64, Option<EvidenceId>, String);

/// Each specialist's activities.
fn seen(m: &Membership) -> Vec<Vec<Seen>> {
    (0..m.specialists.len())
        .map(|i| {
            let texts = m.ledger_texts(i);
            m.ledger(i)
                .iter()
                .zip(texts)
                .map(|(a, t)| (a.date, a.kind, a.quantity.to_bits(), a.evidence, t.evidence.clone()))
                .collect()
        })
        .collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// However the rows of a ledger are ordered (each specialist's rows in one run, as usual, or
    /// anyhow), each specialist gets the same activities in their ledger order, the same evidence
    /// ids, and the same verdict on duplicates.
    #[test]
    fn x2_any_row_order_gives_the_same_ledgers(
        rows in proptest::collection::vec((0usize..3, 1u32..4, 0usize..3, 0usize..4), 0..30),
    ) {
        let roster = format!("{ROSTER}S3,c,0,2025,2020-04-01,2025-03-31\n");
        let line = |&(s, day, kind, ev): &(usize, u32, usize, usize)| {
            let kind = ["peer_review,", "paper,coauthor", "specialty_lecture,講習"][kind];
            let evidence = ["", "証明A", "ｃｅｒｔ", "cert"][ev];
            format!("S{},2021-06-0{day},{kind},1,,,,{evidence}\n", s + 1)
        };
        let as_written: String = rows.iter().map(line).collect();
        let mut grouped_rows = rows.clone();
        grouped_rows.sort_by_key(|r| std::cmp::Reverse(r.0)); // stable: ledger order kept per specialist
        let grouped: String = grouped_rows.iter().map(line).collect();
        let a = read_with(&roster, &as_written, LedgerText::Keep);
        let b = read_with(&roster, &grouped, LedgerText::Keep);
        match (a, b) {
            (Ok(a), Ok(b)) => proptest::prop_assert_eq!(seen(&a), seen(&b)),
            (Err(_), Err(_)) => {}
            (a, b) => proptest::prop_assert!(false, "{:?} vs {:?}", a.map(|_| ()), b.map(|_| ())),
        }
    }
}
