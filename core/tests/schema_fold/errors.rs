//! One test per error kind, with its whole message; a failed operation changes nothing.

use super::{fold, op, ops, BASE};
use retort_core::revision::ops::{ConstraintKind, Operation};
use retort_core::revision::values::DefaultValue;
use retort_core::schema::{FoldError, Schema, SchemaError};

/// Applies `failing` to `start`, checks that it changed nothing, and returns its message.
fn rejected_from(start: &Schema, failing: &Operation) -> (SchemaError, String) {
    let mut schema = start.clone();
    let error = match schema.apply(failing) {
        Ok(applied) => panic!("the operation was accepted ({applied:?})"),
        Err(error) => error,
    };
    assert_eq!(
        &schema, start,
        "a failed operation must leave the schema unchanged"
    );
    let message = error.to_string();
    (error, message)
}

/// The message of `failing` (a TOML operation) applied after `BASE`.
fn rejected(failing: &str) -> String {
    rejected_from(&fold(BASE), &op(failing)).1
}

#[test]
fn a_missing_table_is_named_with_the_tables_there_are() {
    assert_eq!(
        rejected("[[upgrade]]\nop = \"alter_column\"\ntable = \"usres\"\ncolumn = \"email\"\nnullable = true\n"),
        "alter_column: there is no table `usres` (tables: orders, users)"
    );
    let (error, message) = rejected_from(
        &Schema::new(),
        &op("[[upgrade]]\nop = \"drop_table\"\ntable = \"users\"\n"),
    );
    assert!(matches!(
        error,
        SchemaError::NoSuchTable {
            op: "drop_table",
            ..
        }
    ));
    assert_eq!(
        message,
        "drop_table: there is no table `users` (the schema has no tables)"
    );
    for body in [
        "op = \"rename_table\"\ntable = \"x\"\nnew_name = \"y\"",
        "op = \"add_column\"\ntable = \"x\"\ncolumn = { name = \"a\", type = \"text\" }",
        "op = \"drop_column\"\ntable = \"x\"\ncolumn = \"a\"",
        "op = \"create_index\"\nname = \"i\"\ntable = \"x\"\ncolumns = [\"a\"]",
        "op = \"drop_index\"\nname = \"i\"\ntable = \"x\"",
        "op = \"create_foreign_key\"\nname = \"f\"\ntable = \"x\"\ncolumns = [\"a\"]\nreferences_table = \"users\"\nreferences_columns = [\"id\"]",
        "op = \"create_unique_constraint\"\nname = \"u\"\ntable = \"x\"\ncolumns = [\"a\"]",
        "op = \"create_check_constraint\"\nname = \"c\"\ntable = \"x\"\nexpr = \"a > 0\"",
        "op = \"drop_constraint\"\nname = \"c\"\ntable = \"x\"\nkind = \"check\"",
        "op = \"bulk_insert\"\ntable = \"x\"\nrows = [{ a = 1 }]",
    ] {
        let failing = op(&format!("[[upgrade]]\n{body}\n"));
        let (error, message) = rejected_from(&fold(BASE), &failing);
        assert!(matches!(error, SchemaError::NoSuchTable { .. }), "{message}");
        assert_eq!(message, format!("{}: there is no table `x` (tables: orders, users)", failing.name()));
    }
}

#[test]
fn an_existing_table_cannot_be_created_or_renamed_onto() {
    assert_eq!(
        rejected("[[upgrade]]\nop = \"create_table\"\ntable = \"users\"\ncolumns = [{ name = \"a\", type = \"text\" }]\n"),
        "create_table: table `users` already exists"
    );
    assert_eq!(
        rejected("[[upgrade]]\nop = \"rename_table\"\ntable = \"orders\"\nnew_name = \"users\"\n"),
        "rename_table: table `users` already exists"
    );
}

#[test]
fn a_missing_column_is_named_with_the_columns_there_are() {
    assert_eq!(
        rejected("[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"emial\"\nnullable = true\n"),
        "alter_column: table `users` has no column `emial` (columns: id, email, name)"
    );
    assert_eq!(
        rejected("[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"age\"\n"),
        "drop_column: table `users` has no column `age` (columns: id, email, name)"
    );
    assert_eq!(
        rejected("[[upgrade]]\nop = \"create_index\"\nname = \"ix\"\ntable = \"users\"\ncolumns = [\"name\", \"nmae\"]\n"),
        "create_index: table `users` has no column `nmae` (columns: id, email, name)"
    );
    assert_eq!(
        rejected("[[upgrade]]\nop = \"bulk_insert\"\ntable = \"users\"\nrows = [{ id = 1 }, { id = 2, mail = \"x\" }]\n"),
        "bulk_insert: table `users` has no column `mail` (columns: id, email, name)"
    );
    assert_eq!(
        rejected("[[upgrade]]\nop = \"create_foreign_key\"\nname = \"fk\"\ntable = \"orders\"\ncolumns = [\"usr\"]\nreferences_table = \"users\"\nreferences_columns = [\"id\"]\n"),
        "create_foreign_key: table `orders` has no column `usr` (columns: id, user_id, parent_id, total)"
    );
}

#[test]
fn a_long_list_of_names_is_cut_short() {
    let columns: Vec<String> = (1..=25)
        .map(|i| format!("{{ name = \"c{i}\", type = \"text\" }}"))
        .collect();
    let wide = fold(&format!(
        "[[upgrade]]\nop = \"create_table\"\ntable = \"wide\"\ncolumns = [{}]\n",
        columns.join(", ")
    ));
    let (_, message) = rejected_from(
        &wide,
        &op("[[upgrade]]\nop = \"drop_column\"\ntable = \"wide\"\ncolumn = \"c99\"\n"),
    );
    let first: Vec<String> = (1..=20).map(|i| format!("c{i}")).collect();
    assert_eq!(
        message,
        format!(
            "drop_column: table `wide` has no column `c99` (columns: {} and 5 more)",
            first.join(", ")
        )
    );
}

#[test]
fn a_referenced_column_must_exist_when_the_referenced_table_is_known() {
    assert_eq!(
        rejected("[[upgrade]]\nop = \"create_foreign_key\"\nname = \"fk_x\"\ntable = \"orders\"\ncolumns = [\"user_id\"]\nreferences_table = \"users\"\nreferences_columns = [\"uid\"]\n"),
        "create_foreign_key: foreign key `fk_x` of table `orders` references column `users.uid`, which does not exist (columns of `users`: id, email, name)"
    );
    // In create_table, a self-reference is checked against the table being created.
    assert_eq!(
        rejected("[[upgrade]]\nop = \"create_table\"\ntable = \"tree\"\ncolumns = [{ name = \"id\", type = \"integer\" }, { name = \"up\", type = \"integer\" }]\nforeign_keys = [{ columns = [\"up\"], references_table = \"tree\", references_columns = [\"idd\"] }]\n"),
        "create_table: an unnamed foreign key of table `tree` references column `tree.idd`, which does not exist (columns of `tree`: id, up)"
    );
}

#[test]
fn a_column_name_cannot_be_taken_twice() {
    assert_eq!(
        rejected("[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\ncolumn = { name = \"email\", type = \"text\" }\n"),
        "add_column: table `users` already has a column `email`"
    );
    assert_eq!(
        rejected("[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"name\"\nnew_name = \"email\"\n"),
        "alter_column: table `users` already has a column `email`"
    );
}

#[test]
fn a_column_list_names_each_column_once_and_at_least_one() {
    assert_eq!(
        rejected("[[upgrade]]\nop = \"create_index\"\nname = \"ix\"\ntable = \"users\"\ncolumns = [\"name\", \"name\"]\n"),
        "create_index: index `ix` of table `users` lists column `name` twice"
    );
    assert_eq!(
        rejected("[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"a\", type = \"text\" }]\nunique = [{ columns = [\"a\", \"a\"] }]\n"),
        "create_table: an unnamed unique constraint of table `t` lists column `a` twice"
    );
    assert_eq!(
        rejected("[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"a\", type = \"text\" }]\nprimary_key = [\"a\", \"a\"]\n"),
        "create_table: the primary key of table `t` lists column `a` twice"
    );
    // Loading rejects empty lists; operations built in code reach the model unchecked.
    let Operation::CreateIndex(mut index) =
        op("[[upgrade]]\nop = \"create_index\"\nname = \"ix\"\ntable = \"users\"\ncolumns = [\"name\"]\n")
    else {
        panic!("create_index expected")
    };
    index.columns.clear();
    let (error, message) = rejected_from(&fold(BASE), &Operation::CreateIndex(index));
    assert!(matches!(error, SchemaError::NoColumns { .. }));
    assert_eq!(
        message,
        "create_index: index `ix` of table `users` lists no columns"
    );
    let Operation::CreateTable(mut create) =
        op("[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"a\", type = \"text\" }]\n")
    else {
        panic!("create_table expected")
    };
    create.columns.clear();
    let (_, message) = rejected_from(&Schema::new(), &Operation::CreateTable(create));
    assert_eq!(
        message,
        "create_table: the definition of table `t` lists no columns"
    );
}

#[test]
fn the_only_column_cannot_be_dropped() {
    let one = fold("[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"a\", type = \"text\" }]\n");
    let (error, message) = rejected_from(
        &one,
        &op("[[upgrade]]\nop = \"drop_column\"\ntable = \"t\"\ncolumn = \"a\"\n"),
    );
    assert!(matches!(error, SchemaError::OnlyColumn { .. }));
    assert_eq!(
        message,
        "drop_column: `a` is the only column of table `t`; a table needs at least one column, so drop the table instead"
    );
}

#[test]
fn a_referenced_column_cannot_be_dropped() {
    assert_eq!(
        rejected("[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"id\"\n"),
        "drop_column: column `users.id` is referenced by foreign key `fk_orders_user` of table `orders`; drop that foreign key first"
    );
    // The self-reference from another column of the same table counts too.
    let (error, message) = rejected_from(
        &fold(BASE),
        &op("[[upgrade]]\nop = \"drop_column\"\ntable = \"orders\"\ncolumn = \"id\"\n"),
    );
    assert!(matches!(error, SchemaError::ColumnReferenced { .. }));
    assert_eq!(
        message,
        "drop_column: column `orders.id` is referenced by foreign key `fk_orders_parent` of table `orders`; drop that foreign key first"
    );
}

#[test]
fn a_table_has_one_primary_key_and_its_columns_are_not_null() {
    assert_eq!(
        rejected("[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\ncolumn = { name = \"k\", type = \"integer\", primary_key = true }\n"),
        "add_column: table `users` already has a primary key (id); a table has at most one"
    );
    assert_eq!(
        rejected("[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"id\"\nnullable = true\n"),
        "alter_column: column `users.id` is part of the primary key, and key columns are never nullable; leave out `nullable = true`"
    );
    let Operation::CreateTable(mut create) = op(
        "[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"a\", type = \"text\", primary_key = true }]\n",
    ) else {
        panic!("create_table expected")
    };
    create.primary_key = Some(vec!["a".into()]);
    let (error, message) = rejected_from(&Schema::new(), &Operation::CreateTable(create));
    assert!(matches!(error, SchemaError::PrimaryKeyTwice { .. }));
    assert_eq!(
        message,
        "create_table: table `t` declares its primary key both on columns and in `primary_key`; declare it in one place"
    );
}

#[test]
fn index_names_are_unique_per_table_and_dropped_ones_must_exist() {
    assert_eq!(
        rejected("[[upgrade]]\nop = \"create_index\"\nname = \"ix_users_name\"\ntable = \"users\"\ncolumns = [\"email\"]\n"),
        "create_index: table `users` already has an index named `ix_users_name`"
    );
    assert_eq!(
        rejected("[[upgrade]]\nop = \"drop_index\"\nname = \"ix_user_name\"\ntable = \"users\"\n"),
        "drop_index: table `users` has no index `ix_user_name` (indexes: ix_users_name)"
    );
    assert_eq!(
        rejected(
            "[[upgrade]]\nop = \"drop_index\"\nname = \"ix_users_name\"\ntable = \"orders\"\n"
        ),
        "drop_index: table `orders` has no index `ix_users_name` (it has no indexes)"
    );
}

#[test]
fn constraint_names_are_unique_per_table_across_kinds() {
    assert_eq!(
        rejected("[[upgrade]]\nop = \"create_check_constraint\"\nname = \"ck_name\"\ntable = \"users\"\nexpr = \"id > 0\"\n"),
        "create_check_constraint: table `users` already has a constraint named `ck_name` (a check constraint)"
    );
    assert_eq!(
        rejected("[[upgrade]]\nop = \"create_unique_constraint\"\nname = \"fk_orders_user\"\ntable = \"orders\"\ncolumns = [\"total\"]\n"),
        "create_unique_constraint: table `orders` already has a constraint named `fk_orders_user` (a foreign key constraint)"
    );
    assert_eq!(
        rejected("[[upgrade]]\nop = \"create_foreign_key\"\nname = \"uq_user_total\"\ntable = \"orders\"\ncolumns = [\"parent_id\"]\nreferences_table = \"orders\"\nreferences_columns = [\"id\"]\n"),
        "create_foreign_key: table `orders` already has a constraint named `uq_user_total` (a unique constraint)"
    );
}

#[test]
fn a_dropped_constraint_must_exist_with_that_kind() {
    let (error, message) = rejected_from(
        &fold(BASE),
        &op("[[upgrade]]\nop = \"drop_constraint\"\nname = \"ck_name\"\ntable = \"users\"\nkind = \"unique\"\n"),
    );
    assert!(matches!(
        error,
        SchemaError::NoSuchConstraint {
            kind: ConstraintKind::Unique,
            ..
        }
    ));
    assert_eq!(
        message,
        "drop_constraint: table `users` has no unique constraint `ck_name` (it has no named unique constraints)"
    );
    assert_eq!(
        rejected("[[upgrade]]\nop = \"drop_constraint\"\nname = \"fk_user\"\ntable = \"orders\"\nkind = \"foreign_key\"\n"),
        "drop_constraint: table `orders` has no foreign key constraint `fk_user` (its named foreign key constraints: fk_orders_parent, fk_orders_user)"
    );
    assert_eq!(
        rejected("[[upgrade]]\nop = \"drop_constraint\"\nname = \"ck\"\ntable = \"users\"\nkind = \"check\"\n"),
        "drop_constraint: table `users` has no check constraint `ck` (its named check constraints: ck_name)"
    );
}

#[test]
fn operations_built_in_code_are_checked_too() {
    let Operation::CreateForeignKey(mut create) = op(
        "[[upgrade]]\nop = \"create_foreign_key\"\nname = \"fk\"\ntable = \"orders\"\ncolumns = [\"user_id\"]\nreferences_table = \"users\"\nreferences_columns = [\"id\"]\n",
    ) else {
        panic!("create_foreign_key expected")
    };
    create.references_columns.push("email".into());
    let (error, message) = rejected_from(&fold(BASE), &Operation::CreateForeignKey(create));
    assert!(matches!(
        error,
        SchemaError::ForeignKeyArity {
            columns: 1,
            references: 2,
            ..
        }
    ));
    assert_eq!(
        message,
        "create_foreign_key: foreign key `fk` of table `orders` has 1 column(s) but 2 referenced column(s); they pair up one to one"
    );

    let Operation::AlterColumn(mut alter) =
        op("[[upgrade]]\nop = \"alter_column\"\ntable = \"users\"\ncolumn = \"name\"\ndrop_default = true\n")
    else {
        panic!("alter_column expected")
    };
    alter.default = Some(DefaultValue::Integer(1));
    let (_, message) = rejected_from(&fold(BASE), &Operation::AlterColumn(alter));
    assert_eq!(
        message,
        "alter_column: column `users.name` is given both `default` and `drop_default = true`; keep one"
    );
}

#[test]
fn a_fold_error_gives_the_position_and_warns_after_an_execute() {
    let failing = "[[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"x\"\n";
    let plain = ops(&format!("{BASE}\n{failing}"));
    let error = Schema::fold(&plain).err();
    assert_eq!(
        error
            .as_ref()
            .map(|e: &FoldError| (e.index, e.after_opaque)),
        Some((3, false))
    );
    assert_eq!(
        error.map(|e| e.to_string()).as_deref(),
        Some(
            "operation 4: drop_column: table `users` has no column `x` (columns: id, email, name)"
        )
    );

    let after_execute = ops(&format!(
        "{BASE}\n[[upgrade]]\nop = \"execute\"\nsql = \"ALTER TABLE users ADD COLUMN x int\"\n\n{failing}"
    ));
    let mut schema = Schema::new();
    let error = schema.apply_all(&after_execute).err();
    assert_eq!(
        error.as_ref().map(|e| (e.index, e.after_opaque)),
        Some((4, true))
    );
    assert_eq!(
        error.map(|e| e.to_string()).as_deref(),
        Some(
            "operation 5: drop_column: table `users` has no column `x` (columns: id, email, name) \
             (an earlier `execute` may have made this change: the schema model does not read raw SQL)"
        )
    );
    assert_eq!(
        schema,
        fold(BASE),
        "the operations before the failing one stay applied"
    );
}
