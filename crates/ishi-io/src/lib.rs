//! # ishi-io — the edges: files in, files out
//!
//! Everything that touches bytes lives here, so that `ishi-plan` stays pure:
//! - [`sheet::Sheet`] reads CSV (UTF-8 with or without BOM, Shift_JIS/CP932) and .xlsx alike, with
//!   NFKC normalization of fields ([`text`], SPEC X2) and spreadsheet row numbers for messages.
//! - [`import`] reads the plan table's inputs and overrides; [`raw_files`] the raw-mode directory;
//!   [`renewal_import`] the renewal roster and ledger (`specialists.csv`, `ledger.csv`).
//! - [`export`] writes JSON, CSV (UTF-8 with BOM) and .xlsx, and writes files atomically.
//! - [`shipped`] is the official 2024 data embedded in the binary.
//!
//! Every input problem is an [`InputError`] naming file, row, column and value (SPEC X3); importers
//! return all rows or an error, never part of a file.
//!
//! ```
//! use ishi_io::{sheet::Sheet, import::read_prefectures};
//! let sheet = Sheet::from_csv("p.csv", "pref_code,prefecture,index\n13,東京都,353.9\n".as_bytes()).unwrap();
//! assert_eq!(read_prefectures(&sheet).unwrap()[0].index, 353.9);
//! let bad = Sheet::from_csv("p.csv", "pref_code,prefecture,index\n13,東京都,多い\n".as_bytes()).unwrap();
//! assert_eq!(read_prefectures(&bad).unwrap_err().to_string(), r#"p.csv: row 2, column index, value "多い": not a number"#);
//! ```

pub mod error;
pub mod export;
pub mod import;
pub mod plan_export;
pub mod plan_inputs;
pub mod population;
pub mod raw_files;
pub mod renewal_export;
pub mod renewal_import;
pub mod renewal_records;
pub mod sheet;
pub mod shipped;
pub mod shipped_plan;
pub mod supply_files;
pub mod text;
pub mod work_history;

pub use error::{InputError, IoError};
