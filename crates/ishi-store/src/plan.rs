//! The prefecture's decisions on the plan: designation overrides (P3.3) and targets (P4), and the
//! official datasets the workspace was seeded with.
