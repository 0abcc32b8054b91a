//! Any bytes as the renewal ledger (the roster valid and fixed): an error or a membership, never a
//! panic; and what is returned holds together (every activity in its specialist's range).
#![no_main]
use ishi_io::renewal_import::{LedgerText, read_membership_from};
use ishi_io::sheet::Sheet;
use libfuzzer_sys::fuzz_target;

const ROSTER: &str = "specialist_id,name,renewals_completed,renewal_fiscal_year,period_start,period_end,extensions,deferral\n\
S1,形成 太郎,0,2025,2020-04-01,2025-03-31,,\n\
S2,形成 花子,3,2019,2014-04-01,2019-03-31,1,育児\n\
Ｓ３,x,1,2020,2015-04-01,2020-03-31,0,\n";

fuzz_target!(|data: &[u8]| {
    let roster = Sheet::from_csv("specialists.csv", ROSTER.as_bytes()).expect("valid roster");
    let Ok(ledger) = Sheet::from_csv("ledger.csv", data) else { return };
    let keep = if data.len() % 2 == 0 { LedgerText::Keep } else { LedgerText::Drop };
    let Ok(m) = read_membership_from(roster, ledger, keep) else { return };
    assert_eq!(m.ranges.len(), m.specialists.len());
    assert_eq!(m.ranges.last().map_or(0, |r| r.end), m.activities.len());
    assert!(m.texts.is_empty() || m.texts.len() == m.activities.len());
    for (i, range) in m.ranges.iter().enumerate() {
        let rows: Vec<u32> = m.ledger(i).iter().map(|a| a.row).collect();
        assert!(rows.windows(2).all(|w| w[0] < w[1]), "ledger order kept");
        assert!(range.start <= range.end);
    }
});
