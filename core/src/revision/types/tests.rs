//! Parsing and printing neutral types, and the errors for what is not one.

use super::*;

#[test]
fn neutral_names_parse_with_aliases_case_and_spaces() {
    assert_eq!(
        NeutralType::parse("VARCHAR( 255 )"),
        Ok(NeutralType::Varchar(255))
    );
    assert_eq!(NeutralType::parse("int"), Ok(NeutralType::Integer));
    assert_eq!(
        NeutralType::parse("double precision"),
        Ok(NeutralType::Double)
    );
    assert_eq!(
        NeutralType::parse("decimal(10, 2)"),
        Ok(NeutralType::Numeric {
            precision: Some(10),
            scale: Some(2)
        })
    );
    assert_eq!(
        NeutralType::parse("timestamp with time zone"),
        Ok(NeutralType::TimestampTz)
    );
}

#[test]
fn display_round_trips_every_neutral_type() {
    for name in [
        "smallint",
        "integer",
        "bigint",
        "boolean",
        "real",
        "double",
        "numeric",
        "numeric(5,0)",
        "numeric(10,2)",
        "varchar(3)",
        "char(1)",
        "text",
        "date",
        "time",
        "timestamp",
        "timestamptz",
        "json",
        "uuid",
        "blob",
    ] {
        let parsed = NeutralType::parse(name).expect(name);
        assert_eq!(parsed.to_string(), name);
    }
}

#[test]
fn numeric_with_a_precision_alone_has_scale_zero() {
    assert_eq!(
        NeutralType::parse("decimal(5)").expect("parses"),
        NeutralType::parse("numeric(5,0)").expect("parses")
    );
}

#[test]
fn integer_and_numeric_types_are_told_apart() {
    let of = |text: &str| ColumnType::Neutral(NeutralType::parse(text).expect(text));
    for integer in ["smallint", "int", "bigint"] {
        assert!(
            of(integer).is_integer() && of(integer).is_numeric(),
            "{integer}"
        );
    }
    for number in ["real", "double", "numeric(10,2)"] {
        assert!(
            !of(number).is_integer() && of(number).is_numeric(),
            "{number}"
        );
    }
    assert!(!of("text").is_numeric());
    assert!(!ColumnType::Native(String::from("int4")).is_integer());
    assert_eq!(
        NeutralType::parse("varchar(10"),
        Err(TypeError::Unclosed(String::from("varchar(10")))
    );
}

#[test]
fn bad_types_are_rejected_with_what_was_expected() {
    let err = NeutralType::parse("varchar(abc)")
        .expect_err("should be rejected")
        .to_string();
    assert!(
        err.contains("`abc` where a whole number was expected"),
        "{err}"
    );
    let err = NeutralType::parse("varchar")
        .expect_err("should be rejected")
        .to_string();
    assert!(err.contains("needs one positive length"), "{err}");
    let err = NeutralType::parse("numeric(2,5)")
        .expect_err("should be rejected")
        .to_string();
    assert!(err.contains("no larger than it"), "{err}");
    let err = NeutralType::parse("strnig")
        .expect_err("should be rejected")
        .to_string();
    assert!(
        err.contains("unknown type `strnig`") && err.contains("native"),
        "{err}"
    );
    let err = NeutralType::parse("text(5)")
        .expect_err("should be rejected")
        .to_string();
    assert!(err.contains("takes no arguments"), "{err}");
}
