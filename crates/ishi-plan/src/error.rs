//! Errors of the planning domain.

use thiserror::Error;

/// Everything the planning rules can refuse. Messages are for people (Japanese terms kept).
#[derive(Debug, Error, Clone, PartialEq)]
pub enum PlanError {
    #[error("unknown rule edition {0:?} (known: 2019, 2024)")]
    UnknownEdition(String),
    #[error("rule edition {edition}: {problem}")]
    BadEdition { edition: String, problem: String },
    #[error("area {code}: the index is not a finite number ({value})")]
    NonFiniteIndex { code: String, value: f64 },
    #[error("area {code} appears twice")]
    DuplicateArea { code: String },
    #[error("no areas to designate")]
    NoAreas,
    #[error("override for {code}: {problem}")]
    BadOverride { code: String, problem: String },
    #[error("area {code}: {problem}")]
    BadArea { code: String, problem: String },
    #[error("{0}")]
    BadInput(String),
}
