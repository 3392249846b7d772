//! The SQL syntax of each dialect a run knows, looked up by the name a revision gives.
//!
//! SQL revision files that declare `-- retort:dialect X` and TOML `execute` operations
//! with SQL per dialect are split and checksummed with the rules of dialect `X`. Which
//! dialects exist is not core's knowledge: the caller builds this table from the dialects
//! it has (the built-in drivers and loaded plugins, see
//! [`DialectRegistry::syntaxes`](crate::registry::DialectRegistry::syntaxes), or the one
//! dialect a [`Migrator`](crate::Migrator) runs on). A name it does not hold is read with
//! [`SqlSyntax::default`], the generic rules.

use super::SqlSyntax;

/// Dialect names (and their URL schemes, which serve as aliases) with their SQL syntax.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DialectSyntaxes {
    /// Lower-case names and the syntax they stand for; the first entry naming one wins.
    entries: Vec<(String, SqlSyntax)>,
}

impl DialectSyntaxes {
    /// A table that knows no dialect: everything is read with the generic rules.
    pub fn new() -> Self {
        DialectSyntaxes::default()
    }

    /// Adds `syntax` under every one of `names` (a dialect's name and URL schemes); a name
    /// already present keeps its first syntax.
    pub fn add<S: AsRef<str>>(&mut self, names: impl IntoIterator<Item = S>, syntax: SqlSyntax) {
        for name in names {
            let name = name.as_ref().to_ascii_lowercase();
            if self.lookup(&name).is_none() {
                self.entries.push((name, syntax));
            }
        }
    }

    /// The syntax registered under `name` (ignoring ASCII case), if any.
    pub fn lookup(&self, name: &str) -> Option<&SqlSyntax> {
        self.entries
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(_, syntax)| syntax)
    }

    /// The syntax to read SQL written for `dialect` with: the registered one, else (no
    /// dialect, or one this table does not know) [`SqlSyntax::default`].
    pub fn for_dialect(&self, dialect: Option<&str>) -> SqlSyntax {
        dialect
            .and_then(|name| self.lookup(name))
            .copied()
            .unwrap_or_default()
    }

    /// Every name known, in the order added.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(name, _)| name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_find_their_syntax_and_others_read_generically() {
        let mut hashes = SqlSyntax::new();
        hashes.hash_comments = true;
        let mut syntaxes = DialectSyntaxes::new();
        syntaxes.add(["MyDB", "mydb+tls"], hashes);
        let mut other = SqlSyntax::new();
        other.bracket_identifiers = true;
        syntaxes.add(["mydb"], other);
        assert_eq!(syntaxes.for_dialect(Some("mydb")), hashes);
        assert_eq!(syntaxes.for_dialect(Some("MYDB+TLS")), hashes);
        assert_eq!(syntaxes.for_dialect(Some("unknown")), SqlSyntax::default());
        assert_eq!(syntaxes.for_dialect(None), SqlSyntax::default());
        assert_eq!(syntaxes.names().collect::<Vec<_>>(), ["mydb", "mydb+tls"]);
    }
}
