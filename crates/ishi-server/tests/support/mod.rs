//! Helpers shared by the integration tests: `mod support;` in a test file, then `support::browser::Browser`.

pub mod browser;
