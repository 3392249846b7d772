//! Tests of the splitter on trigger and routine bodies and `DELIMITER` lines.

use super::split_tests::{at, split_error, sqls, ALL};
use super::test_rules::Like;
use super::*;

const SQLITE_TRIGGER: &str = "CREATE TRIGGER trg AFTER INSERT ON a FOR EACH ROW\n\
    WHEN new.x > 0\n\
    BEGIN\n\
      INSERT INTO log VALUES (CASE WHEN new.x > 1 THEN 'big' ELSE 'small' END);\n\
      UPDATE counts SET n = n + 1;\n\
    END";

#[test]
fn sqlite_trigger_bodies_hold_several_statements() {
    let text = format!("CREATE TABLE a (x int);\n{SQLITE_TRIGGER};\nSELECT 2;");
    assert_eq!(
        sqls(&text, Like::Sqlite),
        ["CREATE TABLE a (x int)", SQLITE_TRIGGER, "SELECT 2"]
    );
    let text = format!(
        "CREATE TEMP TRIGGER IF NOT EXISTS {}",
        &SQLITE_TRIGGER[15..]
    );
    assert_eq!(
        sqls(&format!("{text};SELECT 2"), Like::Sqlite),
        [&text, "SELECT 2"]
    );
}

#[test]
fn begin_transaction_is_an_ordinary_statement() {
    for flavor in ALL {
        let text = "BEGIN;\nBEGIN TRANSACTION;\nCREATE TABLE t (x int);\nCOMMIT;\nEND;";
        assert_eq!(
            sqls(text, flavor),
            [
                "BEGIN",
                "BEGIN TRANSACTION",
                "CREATE TABLE t (x int)",
                "COMMIT",
                "END"
            ]
        );
    }
}

const MYSQL_PROCEDURE: &str = "CREATE DEFINER=`root`@`localhost` PROCEDURE p(IN n INT)\n\
    BEGIN\n\
      DECLARE i INT DEFAULT 0;\n\
      IF n > 0 THEN\n\
        WHILE i < n DO SET i = i + 1; END WHILE;\n\
      ELSE\n\
        CASE n WHEN 0 THEN SELECT 'zero'; ELSE SELECT 'neg'; END CASE;\n\
      END IF;\n\
      loop1: LOOP LEAVE loop1; END LOOP loop1;\n\
      REPEAT SET i = i - 1; UNTIL i = 0 END REPEAT;\n\
    END";

#[test]
fn mysql_procedures_with_if_loops_and_case_statements() {
    let text = format!("{MYSQL_PROCEDURE};\nCALL p(3);");
    assert_eq!(sqls(&text, Like::Mysql), [MYSQL_PROCEDURE, "CALL p(3)"]);
    let or_replace = MYSQL_PROCEDURE.replace("CREATE DEFINER", "create or replace definer");
    let text = format!("{or_replace};\nCALL p(3);");
    assert_eq!(sqls(&text, Like::Mysql), [or_replace.as_str(), "CALL p(3)"]);
}

#[test]
fn definer_forms_are_skipped() {
    for definer in [
        "DEFINER = CURRENT_USER()",
        "DEFINER=root@localhost",
        "DEFINER='u'@'%'",
    ] {
        let text = format!(
            "CREATE {definer} EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN \
                            DELETE FROM t; DELETE FROM u; END; SELECT 2"
        );
        let statements = sqls(&text, Like::Mysql);
        assert_eq!(statements.len(), 2, "{definer}: {statements:?}");
    }
}

#[test]
fn case_expressions_in_plain_statements_do_not_matter() {
    let text = "SELECT CASE WHEN a THEN 1 END; SELECT 2";
    assert_eq!(
        sqls(text, Like::Generic),
        ["SELECT CASE WHEN a THEN 1 END", "SELECT 2"]
    );
    // A table called `trigger` does not make a CREATE TABLE a routine.
    let text = "CREATE TABLE `trigger` (x int); CREATE INDEX begin_ix ON t (begin); SELECT 2";
    assert_eq!(sqls(text, Like::Mysql).len(), 3);
}

#[test]
fn delimiter_lines_change_the_delimiter() {
    let text = format!(
        "DROP PROCEDURE IF EXISTS p;\n\
         DELIMITER //\n\
         {MYSQL_PROCEDURE} //\n\
         SELECT ';' //\n\
         delimiter $$\r\n\
         CREATE PROCEDURE q() BEGIN SELECT 1; END$$\n\
         DELIMITER ;\n\
         CALL p(1); CALL q();"
    );
    let statements = split_statements(&text, &Like::Mysql.syntax()).unwrap_or_default();
    let sqls: Vec<_> = statements.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(
        sqls,
        [
            "DROP PROCEDURE IF EXISTS p",
            MYSQL_PROCEDURE,
            "SELECT ';'",
            "CREATE PROCEDURE q() BEGIN SELECT 1; END",
            "CALL p(1)",
            "CALL q()",
        ]
    );
    let lines: Vec<_> = statements.iter().map(|s| s.line).collect();
    assert_eq!(lines, [1, 3, 14, 16, 18, 18]);
}

#[test]
fn delimiter_lines_are_only_read_by_mysql_and_generic() {
    let text = "DELIMITER //\nSELECT 1; SELECT 2//";
    assert_eq!(sqls(text, Like::Generic), ["SELECT 1; SELECT 2"]);
    assert_eq!(
        sqls(text, Like::Sqlite),
        ["DELIMITER //\nSELECT 1", "SELECT 2//"]
    );
}

#[test]
fn malformed_delimiter_lines_are_errors() {
    let e = split_error("SELECT 1;\n  DELIMITER  \nSELECT 2", Like::Mysql);
    assert_eq!((e.at, e.kind), (at(2, 3), SplitErrorKind::MissingDelimiter));
    let e = split_error("DELIMITER // extra\n", Like::Mysql);
    assert_eq!(e.at, at(1, 14));
    assert_eq!(
        e.kind,
        SplitErrorKind::TextAfterDelimiter {
            delimiter: "//".to_owned()
        }
    );
}

#[test]
fn an_unclosed_routine_block_is_an_error() {
    let text = "CREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n  SELECT 1;\n";
    let e = split_error(text, Like::Sqlite);
    assert_eq!(e.at, at(2, 1));
    assert_eq!(
        e.kind,
        SplitErrorKind::UnclosedBlock {
            keyword: "BEGIN".to_owned()
        }
    );
    assert_eq!(
        e.to_string(),
        "line 2, column 1: `BEGIN` block starting here is never closed by `END`; \
         close it, or end the statement with a `DELIMITER` line (MySQL)"
    );
}
