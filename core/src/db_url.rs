//! Database URLs: parsing the `sqlite`, `postgres` and `mysql` schemes, and redaction.
