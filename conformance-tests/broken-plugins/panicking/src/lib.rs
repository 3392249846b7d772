//! Test fixture: a dialect plugin (`panicky`, scheme `panicky://`) that describes itself
//! properly but panics in `connect` and when rendering `drop_table`, so that tests see the
//! panic caught and reported, the plugin poisoned and every later call refused.

use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::{Capabilities, DbError, DialectError, RenderMode, Statement};
use retort_core::revision::ops::Operation;
use retort_core::revision::values::Value;
use retort_core::schema::Schema;
use retort_core::{Connection, Dialect};

/// A dialect that panics when asked to connect.
#[derive(Debug)]
pub struct Panicky;

impl Dialect for Panicky {
    fn name(&self) -> &str {
        "panicky"
    }

    fn url_schemes(&self) -> Vec<String> {
        vec![String::from("panicky")]
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::new()
    }

    fn render_literal(&self, value: &Value) -> Result<String, DialectError> {
        Ok(format!("{value:?}"))
    }

    fn render_operation(
        &self,
        op: &Operation,
        _before: &Schema,
        _mode: RenderMode,
    ) -> Result<Vec<Statement>, DialectError> {
        assert!(
            !matches!(op, Operation::DropTable(_)),
            "the panicky test plugin always panics rendering drop_table"
        );
        Ok(vec![Statement::new(op.name())])
    }

    fn connect(&self, _url: &DatabaseUrl) -> Result<Box<dyn Connection>, DbError> {
        panic!("the panicky test plugin always panics in connect")
    }
}

retort_core::export_dialect!(Panicky);
