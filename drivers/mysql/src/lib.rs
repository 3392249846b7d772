//! The MySQL and MariaDB dialect of retort (SPEC 9): rendering operations to MySQL SQL, and
//! a connection (the synchronous `mysql` crate) that executes, locks with a session lock
//! (`GET_LOCK`) and introspects through `information_schema`. Targets MySQL 8 and MariaDB
//! 10.6+; URL schemes `mysql` and `mariadb`.
//!
//! DDL commits implicitly on these servers, so revisions run behind the Migrator's dirty
//! row, not in a transaction. TLS (rustls) follows the URL's `ssl-mode`: `disabled`,
//! `preferred` (the default: TLS when the server offers it), `required`, `verify_ca` and
//! `verify_identity`, with `ssl-ca=PATH` for a CA of one's own.

mod check_rendering;
mod connection;
mod error;
mod expr;
mod introspect;
mod literal;
mod params;
mod quote;
mod render;
mod server;
mod tls;
mod types;

pub use connection::MysqlConnection;
pub use quote::{quote_identifier, quote_string, SQL_MODE_WITH_ESCAPES};
pub use render::{default_constraint_name, INDEX_MARK, UNNAMED_MARK};
pub use types::{parse_catalog_type, render_type};

use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::{
    Capabilities, DbError, DialectError, OfflineScript, RenderMode, Statement,
};
use retort_core::diff::SpellingRules;
use retort_core::revision::ops::Operation;
use retort_core::revision::values::Value;
use retort_core::schema::Schema;
use retort_core::sql::SqlSyntax;
use retort_core::{Connection, Dialect};

/// The dialect's name.
pub const MYSQL: &str = "mysql";

/// The MySQL/MariaDB dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct MysqlDialect;

impl MysqlDialect {
    /// The dialect.
    pub fn new() -> MysqlDialect {
        MysqlDialect
    }
}

impl Dialect for MysqlDialect {
    fn name(&self) -> &str {
        MYSQL
    }

    fn url_schemes(&self) -> Vec<String> {
        vec![String::from("mysql"), String::from("mariadb")]
    }

    fn version(&self) -> String {
        String::from(env!("CARGO_PKG_VERSION"))
    }

    fn capabilities(&self) -> Capabilities {
        let mut capabilities = Capabilities::new();
        capabilities.transactional_ddl = false;
        capabilities.partial_indexes = false;
        capabilities.alter_column_in_place = true;
        capabilities.alter_constraints_in_place = true;
        capabilities.comments = true;
        capabilities.create_database = true;
        capabilities.non_transactional_revisions = true;
        capabilities.max_identifier_length = Some(render::IDENTIFIER_LIMIT);
        capabilities
    }

    /// A unique constraint is a unique index, the server indexes every foreign key, and a
    /// `current_timestamp` default carries the column's precision.
    fn spelling_rules(&self) -> SpellingRules {
        let mut rules = SpellingRules::new();
        rules.unique_index_is_constraint = true;
        rules.foreign_keys_bring_indexes = true;
        rules.timestamp_precision_is_the_columns = true;
        rules
    }

    fn syntax(&self) -> SqlSyntax {
        let mut syntax = SqlSyntax::new();
        syntax.identifier_quote = '`';
        syntax.double_quoted_strings = true;
        syntax.backslash_escapes = true;
        syntax.backtick_identifiers = true;
        syntax.dollar_quoting = false;
        syntax.hash_comments = true;
        syntax.dash_dash_needs_space = true;
        syntax.executable_comments = true;
        syntax.delimiter_lines = true;
        syntax
    }

    fn offline_script(&self) -> OfflineScript {
        let mut script = OfflineScript::new();
        script.prologue = vec![
            String::from("SET NAMES utf8mb4;"),
            format!("{};", quote::SQL_MODE_WITH_ESCAPES),
            String::from("SET time_zone = '+00:00';"),
        ];
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
        Ok(Box::new(MysqlConnection::open(url)?))
    }

    fn create_database(&self, url: &DatabaseUrl) -> Result<bool, DbError> {
        connection::create_database(url)
    }

    fn drop_database(&self, url: &DatabaseUrl) -> Result<bool, DbError> {
        connection::drop_database(url)
    }
}
