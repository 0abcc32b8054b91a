//! Errors at the edges (SPEC X3): every input problem names file, row, column and value.

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

/// One problem in one input, located precisely.
///
/// Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    pub row: Option<usize>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub problem: String,
}

impl InputError {
    pub fn file(file: &str, problem: impl Into<String>) -> Self {
        Self { file: file.into(), row: None, column: None, value: None, problem: problem.into() }
    }
    pub fn at(file: &str, row: usize, column: &str, value: &str, problem: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            row: Some(row),
            column: Some(column.into()),
            value: Some(value.into()),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ": row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        if let Some(value) = &self.value {
            write!(f, ", value {value:?}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for InputError {}

/// Errors of this crate.
#[derive(Debug, Error)]
pub enum IoError {
    /// Bad input: the caller should exit with code 2 and write nothing.
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot build the spreadsheet: {0}")]
    Xlsx(String),
    #[error(transparent)]
    Plan(#[from] ishi_plan::PlanError),
}

impl IoError {
    /// True when the fault is in the user's input (exit code 2).
    pub fn is_input(&self) -> bool {
        matches!(self, IoError::Input(_) | IoError::Plan(_))
    }
}
