//! Writing new revision files: ids, slugs, file names from the template, and file text.

use crate::revision::ops::Operation;
use std::fmt::Write as _;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

/// What a new revision file declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRevision {
    /// Its id.
    pub id: String,
    /// Parents: none for the first revision, several for a merge.
    pub down_revisions: Vec<String>,
    /// Revisions it depends on without descending from them.
    pub depends_on: Vec<String>,
    /// Branch labels it declares.
    pub branch_labels: Vec<String>,
    /// The description.
    pub message: String,
    /// Creation time (UTC, whole seconds).
    pub created: OffsetDateTime,
}

/// A fresh random revision id: 12 lowercase hex characters, as Alembic's.
pub fn random_revision_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().fold(String::with_capacity(12), |mut id, b| {
        let _ = write!(id, "{b:02x}");
        id
    }))
}

/// The message as a file-name slug: lowercase ASCII words joined by `_`, at most 40 bytes.
pub fn slugify(message: &str) -> String {
    let mut slug = String::new();
    for word in message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if slug.len() + word.len() + 1 > 40 {
            break;
        }
        if !slug.is_empty() {
            slug.push('_');
        }
        slug.push_str(&word.to_ascii_lowercase());
    }
    slug
}

/// A `[migrations] file_template` that gives no file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// A `{` without its `}`.
    #[error("file_template `{0}` has a `{{` without its `}}`")]
    Unclosed(String),
    /// A placeholder retort does not know.
    #[error(
        "file_template `{template}` has an unknown placeholder `{{{placeholder}}}`; known: \
         {{date}} {{time}} {{rev}} {{slug}} {{year}} {{month}} {{day}} {{hour}} {{minute}} \
         {{second}}"
    )]
    UnknownPlaceholder {
        /// The template.
        template: String,
        /// The placeholder's name, without braces.
        placeholder: String,
    },
    /// A name that is empty once trimmed, or holds a path separator.
    #[error("file_template `{template}` gives the unusable file name `{stem}`")]
    UnusableName {
        /// The template.
        template: String,
        /// The name it gave.
        stem: String,
    },
}

/// The file name (without extension) from `[migrations] file_template`.
///
/// Placeholders: `{date}` (20261121), `{time}` (1740), `{rev}`, `{slug}`, and the parts
/// `{year}` `{month}` `{day}` `{hour}` `{minute}` `{second}`. Separators left dangling by an
/// empty slug are trimmed.
pub fn file_stem(template: &str, revision: &NewRevision) -> Result<String, TemplateError> {
    let c = revision.created;
    let format = |description: &[time::format_description::FormatItem<'_>]| {
        c.format(description).unwrap_or_default()
    };
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            return Err(TemplateError::Unclosed(template.to_string()));
        };
        let value = match &rest[open + 1..open + close] {
            "date" => format(format_description!("[year][month][day]")),
            "time" => format(format_description!("[hour][minute]")),
            "year" => format(format_description!("[year]")),
            "month" => format(format_description!("[month]")),
            "day" => format(format_description!("[day]")),
            "hour" => format(format_description!("[hour]")),
            "minute" => format(format_description!("[minute]")),
            "second" => format(format_description!("[second]")),
            "rev" => revision.id.clone(),
            "slug" => slugify(&revision.message),
            other => {
                return Err(TemplateError::UnknownPlaceholder {
                    template: template.to_string(),
                    placeholder: other.to_string(),
                })
            }
        };
        out.push_str(&value);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    let stem = out
        .trim_matches(|c: char| c == '_' || c == '-' || c == '.')
        .to_string();
    if stem.is_empty() || stem.contains(['/', '\\']) {
        return Err(TemplateError::UnusableName {
            template: template.to_string(),
            stem,
        });
    }
    Ok(stem)
}

pub(crate) fn toml_string(value: &str) -> String {
    toml::Value::String(value.to_owned()).to_string()
}

fn toml_id_list(ids: &[String]) -> String {
    match ids {
        [one] => toml_string(one),
        many => format!(
            "[{}]",
            many.iter()
                .map(|id| toml_string(id))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn created_text(revision: &NewRevision) -> String {
    revision.created.format(&Rfc3339).unwrap_or_default()
}

/// The text of a new TOML revision: the header and a commented example.
pub fn toml_revision_text(revision: &NewRevision) -> String {
    let mut text = toml_header_text(revision);
    text.push_str(EXAMPLE_OPERATIONS);
    text
}

/// The text of an autogenerated TOML revision: the header, the differ's warnings as
/// comments (so that the reviewer sees them in the file), then each operation as an
/// `[[upgrade]]` or `[[downgrade]]` table (`op` first, the rest by name, values inline).
pub fn toml_revision_with_operations(
    revision: &NewRevision,
    upgrade: &[Operation],
    downgrade: &[Operation],
    warnings: &[String],
) -> Result<String, toml::ser::Error> {
    let mut text = toml_header_text(revision);
    text.push_str("\n# Generated from the difference to schema.toml: review it before applying.\n");
    if !warnings.is_empty() {
        text.push_str("#\n# Warnings:\n");
        for warning in warnings {
            // A warning quoting a multi-line expression must stay inside the comment.
            for (i, line) in warning.lines().enumerate() {
                let lead = if i == 0 { "# - " } else { "#   " };
                let _ = writeln!(text, "{lead}{line}");
            }
        }
    }
    if downgrade.is_empty() {
        text.push_str("downgrade = []\n");
    }
    for (section, operations) in [("upgrade", upgrade), ("downgrade", downgrade)] {
        for operation in operations {
            let _ = write!(text, "\n[[{section}]]\n");
            let table = toml::Table::try_from(operation)?;
            for (key, value) in in_reading_order(&table, Level::Operation) {
                let _ = writeln!(text, "{} = {}", toml_key(key), toml_value(value, true));
            }
        }
    }
    Ok(text)
}

/// Keys in the order people read an operation: what it is and what it works on first.
const KEY_ORDER: &[&str] = &[
    "op",
    "name",
    "table",
    "column",
    "new_name",
    "type",
    "columns",
    "nullable",
    "default",
    "drop_default",
    "primary_key",
    "autoincrement",
    "unique",
    "where",
    "references_table",
    "references_columns",
    "on_delete",
    "on_update",
    "expr",
    "kind",
    "checks",
    "foreign_keys",
    "comment",
];

/// Column fields at their defaults, left out of generated revisions.
const DEFAULT_FIELDS: &[(&str, bool)] = &[
    ("nullable", true),
    ("primary_key", false),
    ("autoincrement", false),
    ("unique", false),
];

/// Where a table of keys stands in a revision.
#[derive(Clone, Copy, PartialEq)]
enum Level {
    /// An operation's own keys: `alter_column`'s `nullable = true` says "make it nullable",
    /// so it is never left out.
    Operation,
    /// A column definition or other inline table, where defaults go without saying.
    Inline,
}

fn in_reading_order(table: &toml::Table, level: Level) -> Vec<(&String, &toml::Value)> {
    let mut entries: Vec<_> = table
        .iter()
        .filter(|(key, value)| {
            let meaningful = level == Level::Operation && key.as_str() == "nullable";
            meaningful
                || !DEFAULT_FIELDS.iter().any(|(name, default)| {
                    key.as_str() == *name && value.as_bool() == Some(*default)
                })
        })
        .collect();
    let rank = |key: &str| {
        KEY_ORDER
            .iter()
            .position(|k| *k == key)
            .unwrap_or(KEY_ORDER.len())
    };
    entries.sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    entries
}

/// `value` written inline; at the top level an array of tables gets one line per table.
pub(crate) fn toml_value(value: &toml::Value, top_level: bool) -> String {
    match value {
        toml::Value::Table(table) => {
            let fields: Vec<String> = in_reading_order(table, Level::Inline)
                .into_iter()
                .map(|(key, value)| format!("{} = {}", toml_key(key), toml_value(value, false)))
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
        toml::Value::Array(items) if top_level && items.iter().any(toml::Value::is_table) => {
            let lines: String = items
                .iter()
                .map(|item| format!("  {},\n", toml_value(item, false)))
                .collect();
            format!("[\n{lines}]")
        }
        toml::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|item| toml_value(item, false)).collect();
            format!("[{}]", items.join(", "))
        }
        scalar => scalar.to_string(),
    }
}

/// A key as TOML writes it: bare when it can be.
pub(crate) fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_string()
    } else {
        toml_string(key)
    }
}

fn toml_header_text(revision: &NewRevision) -> String {
    let mut text = format!("revision = {}\n", toml_string(&revision.id));
    if !revision.down_revisions.is_empty() {
        let _ = writeln!(
            text,
            "down_revision = {}",
            toml_id_list(&revision.down_revisions)
        );
    }
    let _ = writeln!(text, "message = {}", toml_string(&revision.message));
    let _ = writeln!(text, "created = {}", created_text(revision));
    if !revision.branch_labels.is_empty() {
        let _ = writeln!(
            text,
            "branch_labels = [{}]",
            revision
                .branch_labels
                .iter()
                .map(|l| toml_string(l))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !revision.depends_on.is_empty() {
        let _ = writeln!(
            text,
            "depends_on = [{}]",
            revision
                .depends_on
                .iter()
                .map(|d| toml_string(d))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    text
}

const EXAMPLE_OPERATIONS: &str = r#"
# Operations run in order; `retort upgrade` runs [[upgrade]], `retort downgrade` [[downgrade]].
#
# `downgrade = []` says that a downgrade has nothing to undo. When it has, delete that line
# and write [[downgrade]] tables instead. Without any downgrade the revision is
# irreversible: `retort downgrade` refuses to go through it.
downgrade = []

# An example (every operation and field, with defaults: docs/reference.md in retort's source):
#
# [[upgrade]]
# op = "create_table"
# table = "users"
# columns = [
#   { name = "id", type = "bigint", primary_key = true, autoincrement = true },
#   { name = "email", type = "varchar(255)", nullable = false },
# ]
#
# [[downgrade]]
# op = "drop_table"
# table = "users"
"#;

/// The text of a new SQL revision (SPEC 3.3).
pub fn sql_revision_text(revision: &NewRevision) -> String {
    let mut text = format!("-- retort:revision {}\n", revision.id);
    if !revision.down_revisions.is_empty() {
        let _ = writeln!(
            text,
            "-- retort:down_revision {}",
            revision.down_revisions.join(", ")
        );
    }
    // A message is one line in a SQL header.
    let message = revision
        .message
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if !message.is_empty() {
        let _ = writeln!(text, "-- retort:message {message}");
    }
    let _ = writeln!(text, "-- retort:created {}", created_text(revision));
    if !revision.branch_labels.is_empty() {
        let _ = writeln!(
            text,
            "-- retort:branch_labels {}",
            revision.branch_labels.join(", ")
        );
    }
    if !revision.depends_on.is_empty() {
        let _ = writeln!(
            text,
            "-- retort:depends_on {}",
            revision.depends_on.join(", ")
        );
    }
    text.push_str("\n-- Header directives and sections: docs/reference.md in retort's source.\n");
    text.push_str("\n-- retort:upgrade\n\n\n-- retort:downgrade\n\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn sample() -> NewRevision {
        NewRevision {
            id: "5cd038a8f131".into(),
            down_revisions: vec!["1f0e2d3c4b5a".into()],
            depends_on: vec![],
            branch_labels: vec![],
            message: "Create users & \"roles\"!".into(),
            created: datetime!(2026-11-21 17:40:05 UTC),
        }
    }

    #[test]
    fn ids_are_twelve_lowercase_hex_characters_and_differ() {
        let a = random_revision_id().expect("random");
        let b = random_revision_id().expect("random");
        assert_eq!(a.len(), 12);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }

    #[test]
    fn slugs_keep_ascii_words_and_stay_short() {
        assert_eq!(slugify("Create users & \"roles\"!"), "create_users_roles");
        assert_eq!(slugify("ünïcode only"), "n_code_only");
        assert_eq!(slugify("   "), "");
        assert!(slugify(&"word ".repeat(30)).len() <= 40);
    }

    #[test]
    fn the_default_template_gives_the_spec_example_name() {
        let stem = file_stem("{date}_{time}_{rev}_{slug}", &sample()).expect("valid");
        assert_eq!(stem, "20261121_1740_5cd038a8f131_create_users_roles");
        let mut empty = sample();
        empty.message = String::new();
        assert_eq!(
            file_stem("{date}_{time}_{rev}_{slug}", &empty).expect("valid"),
            "20261121_1740_5cd038a8f131"
        );
        let err = file_stem("{rev}_{slogan}", &sample())
            .expect_err("should be rejected")
            .to_string();
        assert!(err.contains("unknown placeholder `{slogan}`"), "{err}");
        assert!(file_stem("{rev", &sample()).is_err());
    }

    #[test]
    fn generated_files_parse_back_to_what_was_asked() {
        let mut rev = sample();
        rev.down_revisions.push("0a0b0c0d0e0f".into());
        rev.branch_labels.push("billing".into());
        rev.depends_on.push("abcdabcdabcd".into());
        let path = std::path::Path::new("x.toml");
        let header = crate::revision::toml_file::parse_toml_header(path, &toml_revision_text(&rev))
            .expect("valid TOML revision");
        assert_eq!(header.id, rev.id);
        assert_eq!(header.down_revisions, rev.down_revisions);
        assert_eq!(header.depends_on, rev.depends_on);
        assert_eq!(header.branch_labels, rev.branch_labels);
        assert_eq!(header.message, rev.message);
        assert_eq!(header.created, Some(rev.created));
        let full = crate::revision::toml_file::parse_toml_revision(path, &toml_revision_text(&rev))
            .expect("valid");
        assert!(full.upgrade.is_empty());
        // An explicit, empty downgrade: new revisions are reversible until edited.
        assert_eq!(full.downgrade, Some(Vec::new()));
        let sql = crate::revision::sql_file::parse_sql_revision(
            std::path::Path::new("x.sql"),
            &sql_revision_text(&rev),
        )
        .expect("valid SQL revision");
        assert_eq!(sql.downgrade, Some(Vec::new()));
    }

    #[test]
    fn new_revision_files_point_to_the_reference() {
        assert!(toml_revision_text(&sample()).contains("docs/reference.md"));
        assert!(sql_revision_text(&sample()).contains("docs/reference.md"));
    }

    #[test]
    fn tables_added_without_deleting_the_empty_downgrade_are_explained() {
        let text = format!(
            "{}\n[[downgrade]]\nop = \"drop_table\"\ntable = \"users\"\n",
            toml_revision_text(&sample())
        );
        let error =
            crate::revision::toml_file::parse_toml_revision(std::path::Path::new("x.toml"), &text)
                .expect_err("downgrade given twice");
        assert!(
            error.to_string().contains(
                "`downgrade` is given twice: as `downgrade = [...]` and as [[downgrade]] tables; \
                 delete the `downgrade = []` line"
            ),
            "{error}"
        );
    }
}
