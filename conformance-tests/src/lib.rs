//! retort-conformance: one catalogue of cases that every dialect driver must pass, statically linked or loaded as a plugin. The cases arrive with the Dialect trait.
