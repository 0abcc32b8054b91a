//! The society's renewal records: roster, ledgers, imports and committee decisions (個別審査).
