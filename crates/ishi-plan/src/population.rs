//! Area population and its projection (P4, P5).
