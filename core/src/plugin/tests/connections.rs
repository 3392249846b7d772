//! Connection calls across the function table: statement limits, error categories,
//! introspection answers as changes, and a transaction in one call.

use super::create;
use crate::db_url::DatabaseUrl;
use crate::dialect::{
    Capabilities, Connection, DbError, Dialect, DialectError, RenderMode, Statement,
};
use crate::revision::ops::Operation;
use crate::revision::values::Value;
use crate::schema::Schema;

/// A dialect whose connections answer `set_statement_limits` with what they received.
#[derive(Debug)]
struct Limited;

struct LimitedConnection {
    introspections: usize,
}

/// The schema the `n`-th introspection of a [`LimitedConnection`] reads.
fn live_schema(n: usize) -> Schema {
    let mut schema = Schema::new();
    let tables: &[&str] = match n {
        1 => &["a", "b"],
        2 => &["a", "c"],
        _ => &["a", "c", "d"],
    };
    for table in tables {
        schema.apply(&create(table)).expect("create");
    }
    if n >= 3 {
        let add: Operation = serde_json::from_str(
            r#"{"op": "add_column", "table": "a", "column": {"name": "x", "type": "text"}}"#,
        )
        .expect("add_column");
        schema.apply(&add).expect("add x");
    }
    schema
}
impl Dialect for Limited {
    fn name(&self) -> &str {
        "limited"
    }
    fn url_schemes(&self) -> Vec<String> {
        vec!["limited".into()]
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::new()
    }
    fn render_literal(&self, _value: &Value) -> Result<String, DialectError> {
        Ok(String::new())
    }
    fn render_operation(
        &self,
        _op: &Operation,
        _before: &Schema,
        _mode: RenderMode,
    ) -> Result<Vec<Statement>, DialectError> {
        Ok(Vec::new())
    }
    fn connect(&self, _url: &DatabaseUrl) -> Result<Box<dyn Connection>, DbError> {
        Ok(Box::new(LimitedConnection { introspections: 0 }))
    }
}

impl Connection for LimitedConnection {
    fn execute(&mut self, _statement: &Statement) -> Result<u64, DbError> {
        Ok(0)
    }
    fn query(&mut self, _statement: &Statement) -> Result<Vec<Vec<Value>>, DbError> {
        Ok(Vec::new())
    }
    fn begin(&mut self) -> Result<(), DbError> {
        Ok(())
    }
    fn commit(&mut self) -> Result<(), DbError> {
        Ok(())
    }
    fn rollback(&mut self) -> Result<(), DbError> {
        Ok(())
    }
    fn lock(&mut self, _timeout: std::time::Duration) -> Result<(), DbError> {
        Ok(())
    }
    fn unlock(&mut self) -> Result<(), DbError> {
        Ok(())
    }
    fn table_exists(&mut self, _schema: Option<&str>, _table: &str) -> Result<bool, DbError> {
        Ok(false)
    }
    fn introspect(&mut self) -> Result<Schema, DbError> {
        self.introspections += 1;
        Ok(live_schema(self.introspections))
    }
    fn set_statement_limits(
        &mut self,
        limits: &crate::dialect::StatementLimits,
    ) -> Result<(), DbError> {
        Err(DbError::new(format!(
            "lock_wait {:?}, statement_timeout {:?}",
            limits.lock_wait, limits.statement_timeout
        ))
        .categorized(crate::dialect::DbErrorCategory::LockWait))
    }
    fn execute_transaction(
        &mut self,
        statements: &[Statement],
    ) -> Result<(), crate::dialect::BatchError> {
        Err(crate::dialect::BatchError::Statement {
            index: statements.len() - 1,
            error: DbError::new(format!("{} statements in one call", statements.len())),
        })
    }
}

#[test]
fn introspection_answers_after_the_first_are_changes_and_read_as_the_whole_schema() {
    let dialect = crate::in_process_dialect!(Limited).expect("in-process plugin");
    let url = DatabaseUrl::parse("limited://host/db").expect("url");
    let mut conn = dialect.connect(&url).expect("connects");
    for n in 1..=4 {
        assert_eq!(
            conn.introspect().expect("introspects"),
            live_schema(n),
            "answer {n}"
        );
    }
    // Another connection starts whole.
    let mut other = dialect.connect(&url).expect("connects");
    assert_eq!(other.introspect().expect("introspects"), live_schema(1));
}

#[test]
fn a_transaction_crosses_the_function_table_in_one_call() {
    use crate::dialect::BatchError;
    let dialect = crate::in_process_dialect!(Limited).expect("in-process plugin");
    assert!(dialect.has_execute_transaction());
    let url = DatabaseUrl::parse("limited://host/db").expect("url");
    let mut conn = dialect.connect(&url).expect("connects");
    let statements = [
        Statement::new("a"),
        Statement::new("b"),
        Statement::new("c"),
    ];
    // Statement by statement, every call of this connection succeeds: the error says the
    // batch reached the plugin's own `execute_transaction` whole.
    assert_eq!(
        conn.execute_transaction(&statements),
        Err(BatchError::Statement {
            index: 2,
            error: DbError::new("3 statements in one call"),
        })
    );
}

#[test]
fn statement_limits_and_error_categories_cross_the_function_table() {
    use crate::dialect::{DbErrorCategory, StatementLimits};
    use std::time::Duration;
    let dialect = crate::in_process_dialect!(Limited).expect("in-process plugin");
    let url = DatabaseUrl::parse("limited://host/db").expect("url");
    let mut conn = dialect.connect(&url).expect("connects");
    let limits = StatementLimits::new(Duration::from_millis(1_500), Duration::from_secs(120));
    let error = conn
        .set_statement_limits(&limits)
        .expect_err("the connection answers with what it received");
    assert_eq!(error.message, "lock_wait 1.5s, statement_timeout 120s");
    assert_eq!(error.category, DbErrorCategory::LockWait);
}
