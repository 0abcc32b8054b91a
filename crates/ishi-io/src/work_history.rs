//! A physician's work history for 大臣認定 (P8).
