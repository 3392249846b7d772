//! Configuration: `retort.toml` lookup, interpolation, environments and URL precedence (SPEC 2).
