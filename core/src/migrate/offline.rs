//! Offline mode (`--sql`, SPEC 6): the script an online run would execute, rendered without
//! a connection from the schema simulated by folding the earlier revisions' operations.

use super::live_schema::needs_current_shape;
use super::prepare::{check_direction, Loaded, Unit};
use super::start_guard::{self, StartState};
use super::{DbState, Direction, MigrateError, Migrator, RowState, VersionRow};
use crate::dialect::{DbError, DialectError, OfflineScript, RenderMode, Statement};
use crate::graph::Target;
use crate::revision::RevisionHeader;
use crate::schema::{Applied, Schema};
use std::collections::HashSet;
use std::fmt::Write as _;

/// Offline scripts record this time in `applied_at`, so that a script is reproducible.
const OFFLINE_APPLIED_AT: &str = "1970-01-01T00:00:00Z";

impl Migrator<'_> {
    /// The SQL script of `upgrade`/`downgrade TARGET` for a database at `from` (`None`:
    /// base), version-table statements included, values as literals.
    pub fn offline_script(
        &self,
        from: Option<&str>,
        target: &str,
        direction: Direction,
    ) -> Result<String, MigrateError> {
        check_direction(target, direction)?;
        let (from_target, applied_plan) = match from {
            None => (Target::Base, Vec::new()),
            Some(from) => {
                let from = self.graph.resolve(from, &[])?;
                let plan = self.graph.plan_upgrade(&Default::default(), &from)?;
                (from, plan)
            }
        };
        let applied = self.load(&applied_plan)?;
        let mut state = DbState::default();
        let mut schema = Schema::new();
        // False once raw SQL ran: the model may then miss what it did to a table.
        let mut exact = true;
        for revision in &applied {
            state
                .rows
                .insert(revision.header().id.clone(), placeholder_row(revision));
            for unit in revision.units(Direction::Upgrade) {
                match unit {
                    Unit::Operation(op) => exact &= matches!(schema.apply(op), Ok(Applied::Exact)),
                    Unit::Sql(_) => exact = false,
                }
            }
        }
        let heads = state.heads(self.graph);
        let resolved: Target = self.graph.resolve(target, &heads)?;
        let plan = match direction {
            Direction::Upgrade => self.graph.plan_upgrade(&state.applied(), &resolved)?,
            Direction::Downgrade => self.graph.plan_downgrade(&state.applied(), &resolved)?,
        };
        let loaded = self.load(&plan)?;
        // What an online run would refuse, a script must not contain.
        self.check_transactional(&loaded)?;
        self.check_identifiers(&loaded, direction)?;
        self.check_reversible(&loaded, direction)?;

        let table = self.version_table();
        let transactional_ddl = self.dialect.capabilities().transactional_ddl;
        let mut script = format!(
            "-- retort offline script: {} to {target} from {} ({} dialect)\n\n",
            match direction {
                Direction::Upgrade => "upgrade",
                Direction::Downgrade => "downgrade",
            },
            from.unwrap_or("base"),
            self.dialect.name()
        );
        let OfflineScript {
            prologue,
            commit_checks,
            ..
        } = self.dialect.offline_script();
        for line in prologue {
            script.push_str(&line);
            script.push('\n');
        }
        // The same transaction shape as an online run: one for the whole run where
        // `transaction_per_migration = false` and every revision can take part in it.
        let whole_run = !self.settings.transaction_per_migration
            && transactional_ddl
            && loaded.iter().all(|rev| rev.header().transactional);
        if whole_run {
            script.push_str("BEGIN;\n");
        }
        if from.is_none() && direction == Direction::Upgrade {
            // IF NOT EXISTS: on a database that has the table already, the check below is
            // what stops the script, with a message that says why.
            let mut create = table
                .create(RenderMode::Offline)
                .map_err(|e| unsupported_table(&e))?;
            if let Some(first) = create.first_mut() {
                if let Some(rest) = first.sql.strip_prefix("CREATE TABLE ") {
                    first.sql = format!("CREATE TABLE IF NOT EXISTS {rest}");
                }
            }
            push_all(&mut script, &create)?;
        }
        let start = self.start_state(&from_target, &applied_plan, &loaded, direction);
        script.push_str(&start.describe());
        let guard = start_guard::render(&table, &start).map_err(|e| unsupported_table(&e))?;
        push_all(&mut script, &guard)?;
        script.push('\n');
        for revision in &loaded {
            let header = revision.header();
            let _ = writeln!(
                script,
                "-- revision {}: {} ({})",
                header.id,
                header.message,
                header.path.display()
            );
            let transactional = header.transactional && transactional_ddl;
            let unsupported = |source| MigrateError::Unsupported {
                revision: header.id.clone(),
                file: header.path.clone(),
                source,
            };
            if transactional {
                if !whole_run {
                    script.push_str("BEGIN;\n");
                }
            } else {
                let mark = table
                    .mark_dirty(
                        &row(revision, RowState::Dirty),
                        direction,
                        RenderMode::Offline,
                    )
                    .map_err(unsupported)?;
                push_all(&mut script, &[mark])?;
            }
            for unit in revision.units(direction) {
                match unit {
                    Unit::Sql(statement) => {
                        exact = false;
                        push_all(&mut script, &[Statement::new(statement.sql.clone())])?;
                    }
                    Unit::Operation(op) => {
                        if !exact && needs_current_shape(op, self.dialect) {
                            return Err(unsupported(DialectError::new(
                                self.dialect.name(),
                                format!("render `{}` offline", op.name()),
                                "it rebuilds the table from its known shape, and raw SQL that ran \
                                 earlier may have changed that shape in ways offline mode cannot \
                                 see; run this upgrade online, or render the script with a later --from",
                            )));
                        }
                        let statements = self
                            .dialect
                            .render_operation(op, &schema, RenderMode::Offline)
                            .map_err(unsupported)?;
                        push_all(&mut script, &statements)?;
                        exact &= matches!(schema.apply(op), Ok(Applied::Exact));
                    }
                }
            }
            let record = table
                .record_done(
                    &row(revision, RowState::Applied),
                    direction,
                    transactional,
                    RenderMode::Offline,
                )
                .map_err(unsupported)?;
            push_all(&mut script, &[record])?;
            if transactional && !whole_run {
                push_commit(&mut script, &commit_checks);
            }
            script.push('\n');
        }
        if whole_run {
            push_commit(&mut script, &commit_checks);
        }
        Ok(script)
    }
}

impl Migrator<'_> {
    /// The version table a script rendered from `from` (its `applied_plan`) expects, given
    /// the revisions it runs (`loaded`).
    fn start_state(
        &self,
        from: &Target,
        applied_plan: &[&RevisionHeader],
        loaded: &[Loaded],
        direction: Direction,
    ) -> StartState {
        let applied: Vec<String> = applied_plan.iter().map(|h| h.id.clone()).collect();
        let running: Vec<String> = loaded.iter().map(|r| r.header().id.clone()).collect();
        let absent = match direction {
            Direction::Upgrade => running,
            Direction::Downgrade => self.dependents_outside(&running, &applied),
        };
        StartState {
            from: match from {
                Target::Base => Vec::new(),
                Target::Revisions(ids) => ids.clone(),
            },
            applied,
            absent,
            downgrade: direction == Direction::Downgrade,
        }
    }

    /// The revisions that need one of `reverted` (through `down_revision` or `depends_on`,
    /// directly or not) and are not in `assumed`: a downgrade reverting `reverted` from a
    /// database where one of them is applied would leave it without what it needs.
    fn dependents_outside(&self, reverted: &[String], assumed: &[String]) -> Vec<String> {
        let mut needed: HashSet<&str> = reverted.iter().map(String::as_str).collect();
        let mut found = true;
        while found {
            found = false;
            for header in self.graph.revisions() {
                let needs = header
                    .down_revisions
                    .iter()
                    .chain(&header.depends_on)
                    .any(|id| needed.contains(id.as_str()));
                if needs && needed.insert(header.id.as_str()) {
                    found = true;
                }
            }
        }
        let assumed: HashSet<&str> = assumed.iter().map(String::as_str).collect();
        self.graph
            .revisions()
            .iter()
            .map(|header| header.id.as_str())
            .filter(|id| needed.contains(id) && !assumed.contains(id))
            .map(String::from)
            .collect()
    }
}

fn row(revision: &Loaded, state: RowState) -> VersionRow {
    VersionRow {
        revision: revision.header().id.clone(),
        checksum: revision.checksum.clone(),
        applied_at: OFFLINE_APPLIED_AT.into(),
        execution_ms: 0,
        state,
        error: None,
    }
}

fn placeholder_row(revision: &Loaded) -> VersionRow {
    row(revision, RowState::Applied)
}

fn unsupported_table(error: &DialectError) -> MigrateError {
    MigrateError::Database {
        context: "rendering the version table".into(),
        source: DbError::new(error.to_string()),
    }
}

/// Appends the dialect's commit checks and the `COMMIT`.
fn push_commit(script: &mut String, checks: &[String]) {
    for check in checks {
        script.push_str(check);
        script.push('\n');
    }
    script.push_str("COMMIT;\n");
}

/// Appends statements, each ended by `;`. Offline statements carry no bound parameters.
fn push_all(script: &mut String, statements: &[Statement]) -> Result<(), MigrateError> {
    for statement in statements {
        if !statement.params.is_empty() {
            return Err(MigrateError::Database {
                context: "rendering offline SQL".into(),
                source: DbError::new(format!(
                    "the dialect rendered a statement with bound parameters in offline mode: {}",
                    statement.sql
                )),
            });
        }
        let _ = writeln!(
            script,
            "{};",
            statement.sql.trim_end().trim_end_matches(';')
        );
    }
    Ok(())
}
