//! The renewal records as the server stores them (roster and ledger rows as written) turned into what
//! the renewal engine reads, through the same readers as the CSV files.
