//! Identifiers longer than the database keeps are refused before a run: PostgreSQL
//! would silently cut two names into one (or drop the table whose name is the cut one),
//! MySQL would stop the run half-way. Offline scripts are checked the same way.

use super::prepare::{position, Loaded, Unit};
use super::{Direction, MigrateError, Migrator};
use crate::dialect::{describe_length, DialectError, IdentifierLimit};
use crate::revision::ops::Operation;

impl Migrator<'_> {
    /// Refuses the first operation of the plan (in `direction`) that names an identifier
    /// longer than the dialect's [`crate::dialect::Capabilities::max_identifier_length`].
    pub(super) fn check_identifiers(
        &self,
        loaded: &[Loaded],
        direction: Direction,
    ) -> Result<(), MigrateError> {
        let Some(limit) = self.dialect.capabilities().max_identifier_length else {
            return Ok(());
        };
        for revision in loaded {
            let units = revision.units(direction);
            for (index, unit) in units.iter().enumerate() {
                let Unit::Operation(op) = unit else { continue };
                let Some((what, name)) = identifiers(op)
                    .into_iter()
                    .find(|(_, name)| !limit.fits(name))
                else {
                    continue;
                };
                let header = revision.header();
                return Err(MigrateError::Unsupported {
                    revision: header.id.clone(),
                    file: header.path.clone(),
                    source: too_long(
                        self.dialect.name(),
                        &position(unit, index, units.len()),
                        what,
                        name,
                        limit,
                    ),
                });
            }
        }
        Ok(())
    }
}

fn too_long(
    dialect: &str,
    position: &str,
    what: &str,
    name: &str,
    limit: IdentifierLimit,
) -> DialectError {
    DialectError::new(
        dialect,
        format!("run {position}: its {what} `{name}` is too long"),
        format!(
            "it is {}, and {dialect} identifiers hold at most {limit} (the server would cut \
             or refuse it); choose a shorter name",
            describe_length(limit, name)
        ),
    )
}

/// Every identifier `op` names, with what it is ("table name", "index name", …).
fn identifiers(op: &Operation) -> Vec<(&'static str, &str)> {
    fn columns<'a>(
        what: &'static str,
        names: &'a [String],
        found: &mut Vec<(&'static str, &'a str)>,
    ) {
        found.extend(names.iter().map(|n| (what, n.as_str())));
    }
    let mut found: Vec<(&'static str, &str)> = Vec::new();
    if let Some(table) = op.table() {
        found.push(("table name", table));
    }
    match op {
        Operation::CreateTable(create) => {
            for column in &create.columns {
                found.push(("column name", &column.name));
            }
            for unique in &create.unique {
                found.extend(unique.name.as_deref().map(|n| ("constraint name", n)));
            }
            for check in &create.checks {
                found.extend(check.name.as_deref().map(|n| ("constraint name", n)));
            }
            for fk in &create.foreign_keys {
                found.extend(fk.name.as_deref().map(|n| ("constraint name", n)));
                found.push(("referenced table name", &fk.references_table));
                columns("referenced column name", &fk.references_columns, &mut found);
            }
        }
        Operation::RenameTable(rename) => found.push(("new name", &rename.new_name)),
        Operation::AddColumn(add) => found.push(("column name", &add.column.name)),
        Operation::DropColumn(drop) => found.push(("column name", &drop.column)),
        Operation::AlterColumn(alter) => {
            found.push(("column name", &alter.column));
            found.extend(alter.new_name.as_deref().map(|n| ("new name", n)));
        }
        Operation::CreateIndex(create) => {
            found.push(("index name", &create.name));
            columns("column name", &create.columns, &mut found);
        }
        Operation::DropIndex(drop) => found.push(("index name", &drop.name)),
        Operation::CreateForeignKey(fk) => {
            found.push(("constraint name", &fk.name));
            columns("column name", &fk.columns, &mut found);
            found.push(("referenced table name", &fk.references_table));
            columns("referenced column name", &fk.references_columns, &mut found);
        }
        Operation::CreateUniqueConstraint(unique) => {
            found.push(("constraint name", &unique.name));
            columns("column name", &unique.columns, &mut found);
        }
        Operation::CreateCheckConstraint(check) => found.push(("constraint name", &check.name)),
        Operation::DropConstraint(drop) => found.push(("constraint name", &drop.name)),
        Operation::BulkInsert(insert) => {
            found.extend(insert.columns().into_iter().map(|k| ("column name", k)));
        }
        Operation::DropTable(_) | Operation::Execute(_) => {}
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revision::toml_file::parse_toml_revision;
    use std::path::Path;

    fn names(body: &str) -> Vec<(&'static str, String)> {
        let text = format!("revision = \"0123456789ab\"\nmessage = \"m\"\n\n{body}");
        let revision = parse_toml_revision(Path::new("t.toml"), &text).expect("parses");
        revision
            .upgrade
            .iter()
            .flat_map(|op| {
                identifiers(op)
                    .into_iter()
                    .map(|(what, name)| (what, name.to_string()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn every_name_an_operation_gives_is_checked() {
        let found = names(
            r#"[[upgrade]]
op = "create_table"
table = "t"
columns = [{ name = "id", type = "integer" }]
unique = [{ name = "uq", columns = ["id"] }]
checks = [{ name = "ck", expr = "id > 0" }]
foreign_keys = [{ name = "fk", columns = ["id"], references_table = "p", references_columns = ["pid"] }]

[[upgrade]]
op = "alter_column"
table = "t"
column = "id"
new_name = "ident"

[[upgrade]]
op = "bulk_insert"
table = "t"
rows = [{ ident = 1 }, { ident = 2, other = 3 }]
"#,
        );
        let expected: Vec<(&str, &str)> = vec![
            ("table name", "t"),
            ("column name", "id"),
            ("constraint name", "uq"),
            ("constraint name", "ck"),
            ("constraint name", "fk"),
            ("referenced table name", "p"),
            ("referenced column name", "pid"),
            ("table name", "t"),
            ("column name", "id"),
            ("new name", "ident"),
            ("table name", "t"),
            ("column name", "ident"),
            ("column name", "other"),
        ];
        let found: Vec<(&str, &str)> = found.iter().map(|(w, n)| (*w, n.as_str())).collect();
        assert_eq!(found, expected);
    }
}
