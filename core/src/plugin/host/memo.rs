//! Memoised answers of the plugin calls that are pure functions of their input.

use std::collections::HashMap;

/// Answers of the infallible, pure calls, by input.
#[derive(Debug, Default)]
pub(super) struct Memo {
    pub(super) quoted: HashMap<String, String>,
    pub(super) qualified: HashMap<(Option<String>, String), String>,
    pub(super) placeholders: HashMap<usize, String>,
}

/// Beyond this many answers a memo table starts afresh (identifiers are few in practice).
const MEMO_LIMIT: usize = 4096;

/// `map[key]`, computing and remembering it if absent; not remembered if `compute` fails.
pub(super) fn memoized<K: std::hash::Hash + Eq, E>(
    map: &mut HashMap<K, String>,
    key: K,
    compute: impl FnOnce() -> Result<String, E>,
) -> Result<String, E> {
    if let Some(found) = map.get(&key) {
        return Ok(found.clone());
    }
    let value = compute()?;
    if map.len() >= MEMO_LIMIT {
        map.clear();
    }
    map.insert(key, value.clone());
    Ok(value)
}
