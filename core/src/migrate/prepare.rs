//! Before anything runs: the lock, the version table, and every planned revision read,
//! checked and rendered once, so that a bad file or an operation the dialect cannot do
//! stops the run before its first statement.

use super::parallel::map_in_order;
use super::version_table::VersionTable;
use super::{DbState, Direction, MigrateError, Migrator, MigratorSettings, RowState};
use crate::dialect::{render_sequence, Dialect};
use crate::dialect::{Connection, DbError, RenderMode, Statement};
use crate::graph::relative_moves_up;
use crate::load::Revision;
use crate::revision::ops::Operation;
use crate::revision::RevisionHeader;
use crate::schema::Schema;
use crate::sql;
use std::sync::Arc;

/// A revision read and checked, ready to run. Cheap to clone: a Migrator keeps the
/// revisions it loaded, and hands out the same ones again.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub(crate) revision: Arc<Revision>,
    pub(crate) checksum: String,
}

/// One step of a revision: an operation (rendered when it runs) or a plain statement.
#[derive(Debug)]
pub(crate) enum Unit<'r> {
    Operation(&'r Operation),
    Sql(&'r sql::Statement),
}

impl Loaded {
    pub(crate) fn header(&self) -> &RevisionHeader {
        self.revision.header()
    }

    pub(crate) fn units(&self, direction: Direction) -> Vec<Unit<'_>> {
        match (&*self.revision, direction) {
            (Revision::Toml(rev), Direction::Upgrade) => {
                rev.upgrade.iter().map(Unit::Operation).collect()
            }
            // An irreversible revision is refused before a run ([`check_reversible`]).
            (Revision::Toml(rev), Direction::Downgrade) => rev
                .downgrade
                .iter()
                .flatten()
                .map(Unit::Operation)
                .collect(),
            (Revision::Sql(rev), Direction::Upgrade) => rev.upgrade.iter().map(Unit::Sql).collect(),
            (Revision::Sql(rev), Direction::Downgrade) => {
                rev.downgrade.iter().flatten().map(Unit::Sql).collect()
            }
        }
    }
}

/// "operation 2 of 5 (create_index)" or "statement 2 of 5 (line 14)".
pub(crate) fn position(unit: &Unit<'_>, index: usize, count: usize) -> String {
    match unit {
        Unit::Operation(op) => format!("operation {} of {count} ({})", index + 1, op.name()),
        Unit::Sql(statement) => format!(
            "statement {} of {count} (line {})",
            index + 1,
            statement.line
        ),
    }
}

/// An error of retort itself (a worker thread that panicked), in prose.
fn internal(context: &str, what: &str) -> MigrateError {
    MigrateError::Database {
        context: context.to_string(),
        source: DbError::new(format!("internal error: {what}")),
    }
}

pub(crate) fn database(context: &str) -> impl FnOnce(DbError) -> MigrateError + '_ {
    move |source| MigrateError::Database {
        context: context.to_string(),
        source,
    }
}

impl Migrator<'_> {
    /// Runs `work` holding the migration lock, and releases it whatever happens.
    pub(crate) fn locked<T>(
        &self,
        conn: &mut dyn Connection,
        work: impl FnOnce(&mut dyn Connection) -> Result<T, MigrateError>,
    ) -> Result<T, MigrateError> {
        let (result, unlocked) = self.locked_apart(conn, work);
        let value = result?;
        unlocked?;
        Ok(value)
    }

    /// [`Self::locked`], with the work's result and the lock's release apart: where the
    /// release is the run's commit, what the work did is kept only if the release succeeded.
    pub(crate) fn locked_apart<T>(
        &self,
        conn: &mut dyn Connection,
        work: impl FnOnce(&mut dyn Connection) -> Result<T, MigrateError>,
    ) -> (Result<T, MigrateError>, Result<(), MigrateError>) {
        if let Err(error) = conn
            .lock(self.settings.lock_timeout)
            .map_err(database("taking the migration lock"))
        {
            return (Err(error), Ok(()));
        }
        let result = work(conn);
        let unlocked = conn
            .unlock()
            .map_err(database("releasing the migration lock"));
        (result, unlocked)
    }

    /// Reads the recorded state; an absent version table is an empty state.
    pub fn read_state(&self, conn: &mut dyn Connection) -> Result<DbState, MigrateError> {
        read_recorded_state(self.dialect, &self.settings, conn)
    }

    /// Creates the version table if it is missing.
    pub(crate) fn ensure_version_table(
        &self,
        conn: &mut dyn Connection,
    ) -> Result<(), MigrateError> {
        let table = self.version_table();
        if conn
            .table_exists(table.schema, table.table)
            .map_err(database("looking for the version table"))?
        {
            return Ok(());
        }
        let statements = table
            .create(RenderMode::Online)
            .map_err(|e| MigrateError::Database {
                context: "creating the version table".into(),
                source: DbError::new(e.to_string()),
            })?;
        run_in_transaction(conn, &statements).map_err(database("creating the version table"))
    }

    /// Reads the revisions of a plan completely and checks them, spread over the cores;
    /// the error is that of the first failing revision in the plan's order.
    pub(crate) fn load(&self, plan: &[&RevisionHeader]) -> Result<Vec<Loaded>, MigrateError> {
        map_in_order(
            plan,
            |header| self.load_once(header),
            || {
                Err(internal(
                    "reading the revisions",
                    "a reader thread panicked",
                ))
            },
        )
        .into_iter()
        .collect()
    }

    /// The revision behind `header`, read in full and checked as a run reads it, once per
    /// Migrator: a caller looking into a revision (`retort test` reading which tables it
    /// names) and the runs that apply it parse its file once between them.
    pub fn revision(&self, header: &RevisionHeader) -> Result<Arc<Revision>, MigrateError> {
        self.load_once(header).map(|loaded| loaded.revision)
    }

    /// The revision behind `header` read in full, checked and checksummed; as an earlier
    /// call of this Migrator loaded it, if one did.
    fn load_once(&self, header: &RevisionHeader) -> Result<Loaded, MigrateError> {
        let earlier = self
            .read_before
            .lock()
            .ok()
            .and_then(|read| read.get(&header.id).cloned());
        if let Some(loaded) = earlier {
            return Ok(loaded);
        }
        let revision = self.read(header)?;
        if let Revision::Sql(sql) = &revision {
            if let Some(wanted) = &sql.header.dialect {
                if wanted != self.dialect.name() {
                    return Err(MigrateError::WrongDialect {
                        revision: header.id.clone(),
                        file: header.path.clone(),
                        wanted: wanted.clone(),
                        actual: self.dialect.name().to_string(),
                    });
                }
            }
        }
        let checksum = self.checksum(&revision);
        let loaded = Loaded {
            revision: Arc::new(revision),
            checksum,
        };
        if let Ok(mut read) = self.read_before.lock() {
            read.insert(header.id.clone(), loaded.clone());
        }
        Ok(loaded)
    }

    /// Refuses when the version table records revisions the graph does not hold, dirty
    /// rows included unless `except_dirty` (a stamp replaces those anyway). Planning
    /// around them would go wrong: the revision beneath one would count as a head.
    pub(crate) fn check_known(
        &self,
        state: &DbState,
        except_dirty: bool,
    ) -> Result<(), MigrateError> {
        let ids: Vec<String> = state
            .unknown(self.graph)
            .into_iter()
            .filter(|id| {
                !except_dirty || state.rows.get(*id).map(|row| row.state) == Some(RowState::Applied)
            })
            .map(str::to_string)
            .collect();
        if ids.is_empty() {
            Ok(())
        } else {
            Err(MigrateError::UnknownRevisions { ids })
        }
    }

    /// Refuses a downgrade through revisions without a downgrade section: running it would
    /// record them reverted while their changes stay.
    pub(crate) fn check_reversible(
        &self,
        loaded: &[Loaded],
        direction: Direction,
    ) -> Result<(), MigrateError> {
        if direction == Direction::Upgrade {
            return Ok(());
        }
        let irreversible: Vec<(String, std::path::PathBuf)> = loaded
            .iter()
            .filter(|rev| !rev.revision.is_reversible())
            .map(|rev| (rev.header().id.clone(), rev.header().path.clone()))
            .collect();
        if irreversible.is_empty() {
            Ok(())
        } else {
            Err(MigrateError::Irreversible { irreversible })
        }
    }

    /// Refuses when an applied revision's file no longer has the recorded checksum.
    pub(crate) fn check_unchanged(&self, state: &DbState) -> Result<(), MigrateError> {
        let changed = self.changed_revisions(state)?;
        if changed.is_empty() || self.settings.allow_changed {
            Ok(())
        } else {
            Err(MigrateError::ChangedFiles { changed })
        }
    }

    /// Applied revisions (known to the graph) whose file's checksum differs from the record.
    pub fn changed_revisions(
        &self,
        state: &DbState,
    ) -> Result<Vec<(String, std::path::PathBuf)>, MigrateError> {
        // A dirty row's revision did not complete: its file may well have been fixed since.
        let recorded: Vec<(&str, &RevisionHeader)> = state
            .rows
            .values()
            .filter(|row| row.state == RowState::Applied)
            .filter_map(|row| Some((row.checksum.as_str(), self.graph.get(&row.revision)?)))
            .collect();
        // Every applied file is read and parsed: spread over the cores, as headers are.
        let results = map_in_order(
            &recorded,
            |(sum, header)| Ok(self.checksum(&self.read(header)?) != *sum),
            || {
                Err(internal(
                    "comparing checksums",
                    "a checksum thread panicked",
                ))
            },
        );
        let mut changed = Vec::new();
        for ((_, header), result) in recorded.iter().zip(results) {
            if result? {
                changed.push((header.id.clone(), header.path.clone()));
            }
        }
        Ok(changed)
    }

    /// Renders every operation of the plan against the simulated schema, so that an
    /// operation the dialect cannot do is reported before anything runs. Stops after raw
    /// SQL, whose effect on the schema the model cannot know.
    ///
    /// Returns the statements, per revision and unit, for as far as the simulation is
    /// exact: while the live schema follows the same fold, they are what the run would
    /// render again (rendering is a pure function of operation and schema), so the run
    /// uses them instead of rendering each operation twice.
    pub(crate) fn render_ahead(
        &self,
        schema: Schema,
        loaded: &[Loaded],
        direction: Direction,
    ) -> Result<Vec<Vec<Vec<Statement>>>, MigrateError> {
        // The operations up to the first raw SQL, and which revision each belongs to.
        let mut ops: Vec<&Operation> = Vec::new();
        let mut owners: Vec<usize> = Vec::new();
        'revisions: for (index, revision) in loaded.iter().enumerate() {
            for unit in revision.units(direction) {
                let Unit::Operation(op) = unit else {
                    break 'revisions;
                };
                ops.push(op);
                owners.push(index);
            }
        }
        if ops.is_empty() {
            return Ok(Vec::new());
        }
        let rendered = render_sequence(self.dialect, &ops, &schema, RenderMode::Online);
        if let Some(source) = rendered.failure {
            // A dialect that reports a failure past the last operation blames the last.
            let owner = owners[rendered.statements.len().min(owners.len() - 1)];
            let header = loaded[owner].header();
            return Err(MigrateError::Unsupported {
                revision: header.id.clone(),
                file: header.path.clone(),
                source,
            });
        }
        let mut ahead: Vec<Vec<Vec<Statement>>> = Vec::new();
        for (statements, owner) in rendered.statements.into_iter().zip(owners) {
            ahead.resize_with(owner + 1, Vec::new);
            ahead[owner].push(statements);
        }
        Ok(ahead)
    }
}

/// Refuses `upgrade -N` and `downgrade +N` before anything happens: resolved, such a target
/// names a revision the command would silently do nothing for (or complain about by an id
/// the user never typed). Steps of zero are refused too. The Migrator checks this itself;
/// callers may check earlier, before connecting.
pub fn check_direction(target: &str, direction: Direction) -> Result<(), MigrateError> {
    let Some(up) = relative_moves_up(target)? else {
        return Ok(());
    };
    let command = match direction {
        Direction::Upgrade => "upgrade",
        Direction::Downgrade => "downgrade",
    };
    if up == (direction == Direction::Upgrade) {
        Ok(())
    } else {
        Err(MigrateError::WrongDirection {
            command,
            spec: target.to_string(),
            up,
        })
    }
}

/// Runs statements in one transaction, rolling back on failure.
pub(crate) fn run_in_transaction(
    conn: &mut dyn Connection,
    statements: &[Statement],
) -> Result<(), DbError> {
    conn.begin()?;
    let result = statements
        .iter()
        .try_for_each(|statement| conn.execute(statement).map(|_| ()))
        .and_then(|()| conn.commit());
    if result.is_err() {
        // Whatever failed, statement or commit, nothing of it may stay.
        let _ = conn.rollback();
    }
    result
}

/// Reads the recorded state of a database (SPEC 5) without a graph: what `current` needs,
/// so that it can read the database while the graph loads. An absent version table is an
/// empty state.
pub fn read_recorded_state(
    dialect: &dyn Dialect,
    settings: &MigratorSettings,
    conn: &mut dyn Connection,
) -> Result<DbState, MigrateError> {
    let table = VersionTable {
        dialect,
        schema: settings.version_table_schema.as_deref(),
        table: &settings.version_table,
    };

    let exists = conn
        .table_exists(table.schema, table.table)
        .map_err(database("looking for the version table"))?;
    if !exists {
        return Ok(DbState::default());
    }
    let rows = conn
        .query(&table.select_all())
        .map_err(database("reading the version table"))?;
    let rows = table
        .parse_rows(rows)
        .map_err(database("reading the version table"))?;
    Ok(DbState { rows })
}
