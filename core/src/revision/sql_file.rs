//! SQL revision files (SPEC 3.3): header comments and upgrade/downgrade sections.
