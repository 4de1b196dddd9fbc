//! `eros-sim repair` (next).
