//! The revision graph (SPEC 4): validation, queries, targets and plans.
