//! The schema during a run: what the next operation is rendered against, and the
//! statements rendered ahead of the run while they still fit it.

use super::prepare::{database, Unit};
use super::MigrateError;
use crate::dialect::{Connection, Dialect, Statement};
use crate::revision::ops::Operation;
use crate::schema::{Applied, Schema};
use std::collections::VecDeque;

/// The live schema during a run: read once, kept in step by folding, and read again when
/// the model cannot follow (after raw SQL) or an operation needs the table's exact shape.
///
/// It also hands out the statements rendered ahead of the run, for as long as it has
/// followed the very fold they were rendered against: once it goes stale or is read again
/// from the database, it forgets them.
#[derive(Debug)]
pub(crate) struct LiveSchema {
    schema: Schema,
    stale: bool,
    /// Statements rendered ahead, per revision still to come, per unit.
    ahead: VecDeque<Vec<Vec<Statement>>>,
    /// Those of the current revision still to come.
    current: VecDeque<Vec<Statement>>,
}

impl LiveSchema {
    pub(crate) fn new(schema: Schema, ahead: Vec<Vec<Vec<Statement>>>) -> Self {
        LiveSchema {
            schema,
            stale: false,
            ahead: ahead.into(),
            current: VecDeque::new(),
        }
    }

    /// The schema as the run left it, unless the model lost track of it (after raw SQL).
    pub(super) fn into_schema(self) -> Option<Schema> {
        (!self.stale).then_some(self.schema)
    }

    /// Moves on to the next revision's statements rendered ahead.
    pub(super) fn next_revision(&mut self) {
        self.current = self.ahead.pop_front().unwrap_or_default().into();
    }

    /// The statements rendered ahead for the next operation of this revision, if the live
    /// schema is still the fold they were rendered against and the operation does not need
    /// the table's real shape.
    pub(super) fn rendered_ahead(
        &mut self,
        op: &Operation,
        dialect: &dyn Dialect,
    ) -> Option<Vec<Statement>> {
        let statements = self.current.pop_front()?;
        (!needs_current_shape(op, dialect)).then_some(statements)
    }

    /// Every statement of the revision `units` make up, unit by unit, if all are known
    /// before any of them runs: raw SQL as written, and each operation's statements
    /// rendered ahead, as long as none needs the table's real shape and none comes after
    /// raw SQL (which the model cannot follow). Takes them only then; `None` leaves the
    /// revision to run statement by statement.
    pub(super) fn whole_revision(
        &mut self,
        units: &[Unit<'_>],
        dialect: &dyn Dialect,
    ) -> Option<Vec<Vec<Statement>>> {
        let mut operations = 0;
        let mut after_sql = false;
        for unit in units {
            match unit {
                Unit::Sql(_) => after_sql = true,
                Unit::Operation(op) => {
                    if after_sql || needs_current_shape(op, dialect) {
                        return None;
                    }
                    operations += 1;
                }
            }
        }
        if self.current.len() < operations {
            return None;
        }
        let mut rendered = self.current.drain(..operations);
        let statements = units
            .iter()
            .map(|unit| match unit {
                Unit::Sql(statement) => Some(vec![Statement::new(statement.sql.clone())]),
                Unit::Operation(_) => rendered.next(),
            })
            .collect();
        drop(rendered);
        statements
    }

    /// Follows a revision [`LiveSchema::whole_revision`] ran.
    pub(super) fn follow_revision(&mut self, units: &[Unit<'_>]) {
        for unit in units {
            match unit {
                Unit::Sql(_) => self.mark_stale(),
                Unit::Operation(op) => self.follow(op),
            }
        }
    }

    pub(super) fn mark_stale(&mut self) {
        self.stale = true;
        self.forget_ahead();
    }

    /// No statement rendered ahead fits the schema any more.
    fn forget_ahead(&mut self) {
        self.ahead.clear();
        self.current.clear();
    }

    /// The schema to render `op` against. Operations a dialect carries out by rebuilding a
    /// table always see the database's real shape (triggers and checks as the database
    /// rewrote them after renames, changes made by raw SQL), never a stale model.
    pub(super) fn for_operation(
        &mut self,
        conn: &mut dyn Connection,
        op: &Operation,
        dialect: &dyn Dialect,
    ) -> Result<&Schema, MigrateError> {
        if self.stale || needs_current_shape(op, dialect) {
            self.schema = conn
                .introspect()
                .map_err(database("reading the database's schema"))?;
            self.stale = false;
            self.forget_ahead();
        }
        Ok(&self.schema)
    }

    pub(super) fn follow(&mut self, op: &Operation) {
        if !matches!(self.schema.apply(op), Ok(Applied::Exact)) {
            self.mark_stale();
        }
    }
}

/// Whether rendering `op` needs the table's exact current shape on this dialect: a
/// rebuild for what it cannot alter in place.
pub(crate) fn needs_current_shape(op: &Operation, dialect: &dyn Dialect) -> bool {
    let capabilities = dialect.capabilities();
    match op {
        Operation::AlterColumn(_) | Operation::DropColumn(_) | Operation::AddColumn(_) => {
            !capabilities.alter_column_in_place
        }
        Operation::CreateForeignKey(_)
        | Operation::CreateUniqueConstraint(_)
        | Operation::CreateCheckConstraint(_)
        | Operation::DropConstraint(_) => !capabilities.alter_constraints_in_place,
        _ => false,
    }
}
