//! Plain SQL text: splitting into statements, and the canonical form that checksums cover.
