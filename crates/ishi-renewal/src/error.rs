//! Errors of the renewal domain.

/// What can go wrong in the renewal domain (not in a specialist's ledger: that is a finding).
#[derive(Debug, thiserror::Error)]
pub enum RenewalError {
    #[error("rule edition {id}: {problem}")]
    Edition { id: String, problem: String },
    #[error("no built-in renewal edition {0:?} (FY2015 … FY2020)")]
    UnknownEdition(String),
    #[error("no renewal criteria for fiscal year {0}: the board's renewal starts in FY2015")]
    NoEditionFor(i32),
}
