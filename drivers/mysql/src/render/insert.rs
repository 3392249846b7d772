//! `bulk_insert`'s MySQL pieces. Online, every value is a `?` parameter; offline, a
//! literal (a string into a `blob` column is its UTF-8 bytes either way, which is what
//! MySQL stores). A row without columns is `() VALUES ()`, MySQL's spelling of defaults.

use crate::literal::render_value;
use retort_core::dialect::DialectError;
use retort_core::render::InsertStyle;
use retort_core::revision::values::Value;
use retort_core::sql::SqlSyntax;

/// The MySQL side of [`retort_core::render::bulk_insert`].
pub(crate) struct MysqlInsert;

impl InsertStyle for MysqlInsert {
    fn syntax(&self) -> SqlSyntax {
        crate::quote::syntax()
    }

    fn literal(&self, _column: usize, value: &Value) -> Result<String, DialectError> {
        render_value(value)
    }

    fn empty_row(&self) -> &'static str {
        "() VALUES ()"
    }
}
