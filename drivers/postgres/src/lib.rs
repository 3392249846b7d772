//! The PostgreSQL dialect of retort (SPEC 9): rendering operations to PostgreSQL SQL, and a
//! connection (the synchronous `postgres` crate) that executes, locks with a session-level
//! advisory lock and introspects through the catalogs.
//!
//! TLS (rustls) follows libpq's `sslmode` and `sslrootcert` URL parameters; see `tls`.

mod connection;
mod introspect;
mod literal;
mod params;
mod quote;
mod render;
mod session;
mod tls;
mod types;

pub use connection::{PostgresConnection, LOCK_KEY};
pub use quote::{quote_identifier, quote_string};
pub use render::{default_constraint_name, CHECK_MARK, UNNAMED_CHECK_MARK, UNNAMED_MARK};
pub use types::{parse_catalog_type, render_type};

use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::{
    Capabilities, DbError, DialectError, OfflineScript, RenderMode, Statement,
};
use retort_core::diff::SpellingRules;
use retort_core::revision::ops::Operation;
use retort_core::revision::values::Value;
use retort_core::schema::Schema;
use retort_core::sql::{PlaceholderStyle, SqlSyntax};
use retort_core::{Connection, Dialect};

/// The dialect's name.
pub const POSTGRES: &str = "postgres";

/// The PostgreSQL dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostgresDialect;

impl PostgresDialect {
    /// The dialect.
    pub fn new() -> PostgresDialect {
        PostgresDialect
    }
}

impl Dialect for PostgresDialect {
    fn name(&self) -> &str {
        POSTGRES
    }

    fn url_schemes(&self) -> Vec<String> {
        vec![String::from("postgres"), String::from("postgresql")]
    }

    fn version(&self) -> String {
        String::from(env!("CARGO_PKG_VERSION"))
    }

    fn capabilities(&self) -> Capabilities {
        let mut capabilities = Capabilities::new();
        capabilities.transactional_ddl = true;
        capabilities.partial_indexes = true;
        capabilities.alter_column_in_place = true;
        capabilities.alter_constraints_in_place = true;
        capabilities.comments = true;
        capabilities.create_database = true;
        capabilities.non_transactional_revisions = true;
        capabilities.max_identifier_length = Some(render::IDENTIFIER_LIMIT);
        capabilities
    }

    /// PostgreSQL writes casts into what it stores (`'x'::text`, `(0)::double precision`).
    fn spelling_rules(&self) -> SpellingRules {
        let mut rules = SpellingRules::new();
        rules.casts_are_spelling = true;
        rules
    }

    fn syntax(&self) -> SqlSyntax {
        let mut syntax = SqlSyntax::new();
        syntax.identifier_quote = '"';
        syntax.placeholders = PlaceholderStyle::DollarNumber;
        syntax.backtick_identifiers = false;
        syntax.dollar_quoting = true;
        syntax.escape_strings = true;
        syntax.nested_block_comments = true;
        syntax.delimiter_lines = false;
        syntax
    }

    fn transaction_elapsed_ms(&self) -> Option<String> {
        // `transaction_timestamp()` is when BEGIN ran; `clock_timestamp()` is now.
        Some(String::from(
            "GREATEST(1, CEIL(EXTRACT(EPOCH FROM clock_timestamp() - transaction_timestamp()) * 1000))::bigint",
        ))
    }

    fn offline_script(&self) -> OfflineScript {
        let mut script = OfflineScript::new();
        // For psql: stop at the first error (as `-v ON_ERROR_STOP=1` does), so that a script
        // whose starting-state check fails, or whose statement fails, goes no further.
        script.prologue = vec![String::from("\\set ON_ERROR_STOP on")];
        script
    }

    fn render_literal(&self, value: &Value) -> Result<String, DialectError> {
        literal::render_value(value)
    }

    fn render_operation(
        &self,
        op: &Operation,
        before: &Schema,
        mode: RenderMode,
    ) -> Result<Vec<Statement>, DialectError> {
        render::render_operation(op, before, mode)
    }

    fn connect(&self, url: &DatabaseUrl) -> Result<Box<dyn Connection>, DbError> {
        Ok(Box::new(PostgresConnection::open(url)?))
    }

    fn create_database(&self, url: &DatabaseUrl) -> Result<bool, DbError> {
        connection::create_database(url)
    }

    fn drop_database(&self, url: &DatabaseUrl) -> Result<bool, DbError> {
        connection::drop_database(url)
    }
}
