//! A connection owned by a plugin, behind the [`Connection`] trait.

use super::calls::PluginCalls;
use crate::dialect::{
    execute_one_by_one, BatchError, Connection, DbError, DbErrorCategory, Statement,
    StatementLimits,
};
use crate::plugin::abi::ConnectionFn;
use crate::plugin::wire::{
    WireBatchError, WireIntrospect, WireIntrospection, WireLimits, WireRows, WireStatement,
};
use crate::revision::values::Value;
use crate::schema::Schema;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A connection owned by a plugin, closed when dropped.
pub(super) struct PluginConnection {
    pub(super) calls: Arc<PluginCalls>,
    pub(super) handle: u64,
    /// The schema of the last `introspect` answer, which the next one changes.
    pub(super) introspected: Option<Schema>,
}

impl fmt::Debug for PluginConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PluginConnection")
            .field("plugin", &self.calls.name)
            .field("handle", &self.handle)
            .finish()
    }
}

impl PluginConnection {
    fn call<I: Serialize + ?Sized, O: DeserializeOwned>(
        &self,
        function: ConnectionFn,
        input: &I,
    ) -> Result<O, DbError> {
        self.calls
            .connection_call(function, self.handle, input)
            .map_err(crate::plugin::wire::WireError::into_db_error)
    }
}

impl Drop for PluginConnection {
    fn drop(&mut self) {
        // A poisoned plugin refuses the call; its connection is then simply leaked.
        let _: Result<bool, DbError> = self.call(self.calls.slots.close, &());
    }
}

impl Connection for PluginConnection {
    fn execute(&mut self, statement: &Statement) -> Result<u64, DbError> {
        self.call(self.calls.slots.execute, &WireStatement::from(statement))
    }

    fn query(&mut self, statement: &Statement) -> Result<Vec<Vec<Value>>, DbError> {
        let rows: WireRows = self.call(self.calls.slots.query, &WireStatement::from(statement))?;
        Ok(rows
            .into_iter()
            .map(|row| row.into_iter().map(Value::from).collect())
            .collect())
    }

    fn begin(&mut self) -> Result<(), DbError> {
        self.call(self.calls.slots.begin, &())
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.call(self.calls.slots.commit, &())
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        self.call(self.calls.slots.rollback, &())
    }

    fn lock(&mut self, timeout: Duration) -> Result<(), DbError> {
        let millis = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        self.call(self.calls.slots.lock, &millis)
    }

    fn unlock(&mut self) -> Result<(), DbError> {
        self.call(self.calls.slots.unlock, &())
    }

    fn table_exists(&mut self, schema: Option<&str>, table: &str) -> Result<bool, DbError> {
        let name: (Option<&str>, &str) = (schema, table);
        self.call(self.calls.slots.table_exists, &name)
    }

    fn introspect(&mut self) -> Result<Schema, DbError> {
        let known = self.introspected.is_some();
        // Taken first: after a failure the next answer must be whole.
        let previous = self.introspected.take();
        let answer: WireIntrospection =
            self.call(self.calls.slots.introspect, &WireIntrospect { known })?;
        let mut schema = match previous {
            Some(previous) if !answer.reset => previous,
            _ => Schema::new(),
        };
        for name in &answer.removed {
            schema.remove_table(name);
        }
        for table in answer.tables {
            schema.insert_table(table);
        }
        // A clone shares every table: the host's copy costs no more than a pointer each.
        self.introspected = Some(schema.clone());
        Ok(schema)
    }

    fn set_statement_limits(&mut self, limits: &StatementLimits) -> Result<(), DbError> {
        self.call(
            self.calls.slots.set_statement_limits,
            &WireLimits::from(limits),
        )
    }

    fn render_checks(
        &mut self,
        checks: &[(String, String)],
    ) -> Result<Option<Vec<String>>, DbError> {
        // A plugin before ABI 2.2 has no slot for it: checks compare by their text.
        let Some(function) = self.calls.slots.render_checks else {
            return Ok(None);
        };
        self.call(function, checks)
    }

    fn execute_transaction(&mut self, statements: &[Statement]) -> Result<(), BatchError> {
        // A plugin of ABI 2.0 has no slot for it: statement by statement, as the trait's
        // default does.
        let Some(function) = self.calls.slots.execute_transaction else {
            return execute_one_by_one(self, statements);
        };
        let batch: Vec<WireStatement> = statements.iter().map(WireStatement::from).collect();
        let answer: Result<Option<WireBatchError>, DbError> = self.call(function, &batch);
        match answer {
            Ok(None) => Ok(()),
            Ok(Some(error)) => Err(BatchError::from(error)),
            // The plugin machinery failed (a panic, or an answer it could not read): what
            // the transaction did is not known.
            Err(error) => Err(BatchError::Commit(
                error.categorized(DbErrorCategory::ConnectionLost),
            )),
        }
    }
}
