//! Table-name globs for `ignore_tables`: `*` matches any run of characters, `?` one
//! character; everything else matches itself.

/// True when `name` matches `pattern` as a whole.
pub fn glob_matches(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    // Iterative matching with one backtrack point (the last `*`): linear in practice.
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == '?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((star_p, star_n)) => {
                    p = star_p + 1;
                    n = star_n + 1;
                    star = Some((star_p, star_n + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob_matches;

    #[test]
    fn stars_and_question_marks() {
        assert!(glob_matches("legacy_*", "legacy_users"));
        assert!(glob_matches("legacy_*", "legacy_"));
        assert!(!glob_matches("legacy_*", "users"));
        assert!(glob_matches("spatial_ref_sys", "spatial_ref_sys"));
        assert!(!glob_matches("spatial_ref_sys", "spatial_ref_sys2"));
        assert!(glob_matches("t?", "t1"));
        assert!(!glob_matches("t?", "t12"));
        assert!(glob_matches("*_log_*", "audit_log_2024"));
        assert!(glob_matches("*", ""));
        assert!(glob_matches("a*b*c", "aXbYbZc"));
        assert!(!glob_matches("a*b*c", "aXbYbZ"));
    }
}
