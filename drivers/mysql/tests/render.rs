//! Rendering without a server: the SQL every operation becomes.

mod common;

use common::{fold, ops, sql_of_last};
use retort_core::dialect::{RenderMode, Statement};
use retort_core::revision::values::Value;
use retort_core::Dialect;
use retort_mysql::MysqlDialect;

const TABLE: &str = r#"
[[upgrade]]
op = "create_table"
table = "we`ird"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "name", type = "varchar(100)", nullable = false, unique = true, default = "it's \\ x" },
  { name = "u", type = "uuid", comment = "an id" },
  { name = "ok", type = "boolean", default = false },
]
checks = [{ expr = "\"order\" >= 0" }]
foreign_keys = [{ columns = ["id"], references_table = "other", references_columns = ["id"], on_delete = "cascade" }]
comment = "a table"
"#;

#[test]
fn create_table_quotes_everything_and_states_every_constraint() {
    let sql = sql_of_last(&ops(TABLE));
    assert_eq!(
        sql,
        vec![
            "CREATE TABLE `we``ird` (`id` bigint NOT NULL AUTO_INCREMENT, \
             `name` varchar(100) NOT NULL DEFAULT 'it''s \\\\ x', \
             `u` char(36) CHARACTER SET ascii NULL COMMENT 'an id', \
             `ok` tinyint(1) NULL DEFAULT FALSE, PRIMARY KEY (`id`), \
             CONSTRAINT `we``ird_name_key` UNIQUE (`name`), \
             CONSTRAINT `we``ird_check` CHECK (`order` >= 0), \
             KEY `we``ird_id_fkey` (`id`), \
             CONSTRAINT `we``ird_id_fkey` FOREIGN KEY (`id`) REFERENCES `other` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION) \
             COMMENT = 'a table'"
        ]
    );
}

#[test]
fn alter_column_restates_the_whole_column() {
    let body = format!(
        "{TABLE}\n[[upgrade]]\nop = \"alter_column\"\ntable = \"we`ird\"\ncolumn = \"u\"\nnullable = false\nnew_name = \"v\"\n"
    );
    assert_eq!(
        sql_of_last(&ops(&body)),
        vec!["ALTER TABLE `we``ird` CHANGE COLUMN `u` `v` char(36) CHARACTER SET ascii NOT NULL COMMENT 'an id'"]
    );
    let rename = format!(
        "{TABLE}\n[[upgrade]]\nop = \"alter_column\"\ntable = \"we`ird\"\ncolumn = \"u\"\nnew_name = \"w\"\n"
    );
    assert_eq!(
        sql_of_last(&ops(&rename)),
        vec!["ALTER TABLE `we``ird` RENAME COLUMN `u` TO `w`"]
    );
}

#[test]
fn a_partial_index_is_refused_naming_it() {
    let all = ops(&format!(
        "{TABLE}\n[[upgrade]]\nop = \"create_index\"\nname = \"ix\"\ntable = \"we`ird\"\ncolumns = [\"name\"]\nwhere = \"ok\"\n"
    ));
    let (last, before) = all.split_last().expect("ops");
    let error = MysqlDialect
        .render_operation(last, &fold(before), RenderMode::Offline)
        .expect_err("refused")
        .to_string();
    assert!(
        error.contains("`ix`") && error.contains("partial"),
        "{error}"
    );
}

#[test]
fn drop_constraint_uses_the_kind() {
    let drop = |kind: &str| {
        sql_of_last(&ops(&format!(
            "{TABLE}\n[[upgrade]]\nop = \"drop_constraint\"\nname = \"c\"\ntable = \"we`ird\"\nkind = \"{kind}\"\n"
        )))
    };
    assert_eq!(drop("unique"), vec!["ALTER TABLE `we``ird` DROP INDEX `c`"]);
    assert_eq!(
        drop("check"),
        vec!["ALTER TABLE `we``ird` DROP CONSTRAINT `c`"]
    );
    assert_eq!(
        drop("foreign_key"),
        vec!["ALTER TABLE `we``ird` DROP FOREIGN KEY `c`, DROP INDEX `c`"]
    );
}

#[test]
fn bulk_insert_binds_online_and_escapes_offline() {
    let body = format!(
        "{TABLE}\n[[upgrade]]\nop = \"bulk_insert\"\ntable = \"we`ird\"\nrows = [{{ id = 1, name = \"a'\\\\b\" }}]\n"
    );
    let all = ops(&body);
    let (last, before) = all.split_last().expect("ops");
    let online = MysqlDialect
        .render_operation(last, &fold(before), RenderMode::Online)
        .expect("renders");
    assert_eq!(
        online,
        vec![Statement::with_params(
            "INSERT INTO `we``ird` (`id`, `name`) VALUES (?, ?)",
            vec![Value::Integer(1), Value::String("a'\\b".into())]
        )]
    );
    assert_eq!(
        sql_of_last(&all),
        vec!["INSERT INTO `we``ird` (`id`, `name`) VALUES (1, 'a''\\\\b')"]
    );
    assert_eq!(
        MysqlDialect
            .render_literal(&Value::Bytes(vec![0, 0x27]))
            .ok(),
        Some("X'0027'".into())
    );
}

#[test]
fn offline_scripts_turn_backslash_escapes_on() {
    let prologue = MysqlDialect.offline_script().prologue.join("\n");
    assert!(prologue.contains("NO_BACKSLASH_ESCAPES"), "{prologue}");
    assert!(prologue.contains("SET NAMES utf8mb4;"), "{prologue}");
}

#[test]
fn a_set_default_action_is_refused_rather_than_dropped() {
    let all = ops(&TABLE.replace("on_delete = \"cascade\"", "on_update = \"set_default\""));
    let (last, before) = all.split_last().expect("ops");
    let error = MysqlDialect
        .render_operation(last, &fold(before), RenderMode::Offline)
        .expect_err("refused")
        .to_string();
    assert!(
        error.contains("SET DEFAULT") && error.contains("we`ird_id_fkey"),
        "{error}"
    );
}

/// Two unnamed foreign keys of a table named with 64 characters: cutting the joined name
/// at 64 made both the table's own name, and the second a duplicate; the table part gives
/// way instead, as PostgreSQL shortens its names.
#[test]
fn unnamed_constraints_of_a_64_character_table_keep_distinct_names() {
    let table = format!("{}é", "t".repeat(63));
    let sql = sql_of_last(&ops(&format!(
        r#"
[[upgrade]]
op = "create_table"
table = "{table}"
columns = [{{ name = "a", type = "integer" }}, {{ name = "b", type = "integer" }}]
foreign_keys = [
  {{ columns = ["a"], references_table = "p", references_columns = ["id"] }},
  {{ columns = ["b"], references_table = "p", references_columns = ["id"] }},
]
"#
    )));
    let created = &sql[0];
    for name in [
        format!("{}_a_fkey", "t".repeat(57)),
        format!("{}_b_fkey", "t".repeat(57)),
    ] {
        assert!(
            created.contains(&format!("CONSTRAINT `{name}` FOREIGN KEY")),
            "{name}: {created}"
        );
    }
}

#[test]
fn execute_prefers_mysql_then_mariadb_then_default_as_types_do() {
    let sql = |table: &str| {
        sql_of_last(&ops(&format!(
            "[[upgrade]]\nop = \"execute\"\nsql = {table}\n"
        )))
    };
    assert_eq!(
        sql(r#"{ mariadb = "SELECT 2", default = "SELECT 3" }"#),
        ["SELECT 2"]
    );
    assert_eq!(
        sql(r#"{ mysql = "SELECT 1", mariadb = "SELECT 2", default = "SELECT 3" }"#),
        ["SELECT 1"]
    );
    assert_eq!(
        sql(r#"{ postgres = "SELECT 0", default = "SELECT 3" }"#),
        ["SELECT 3"]
    );
}
