//! A cache of revision headers, so that graph commands on a large project `stat` each file
//! instead of opening, reading and parsing it (on 10,000 files the difference is most of
//! the run time).
//!
//! An entry is trusted only while its file has the same size, modification time (to the
//! nanosecond) and inode as when it was read. A file modified within two seconds of the
//! cache being written is not cached at all, so that an edit landing in the same clock tick
//! cannot hide behind a matching timestamp (git's "racy clean" problem). A missing,
//! unreadable or outdated cache is simply rebuilt; it never causes an error.

use crate::dialect::LimitOverrides;
use crate::revision::{FileFormat, RevisionHeader};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
#[cfg(not(unix))]
use std::fs::Metadata;
use std::path::Path;
use std::time::{Duration, SystemTime};
use time::{OffsetDateTime, UtcOffset};

const FORMAT_VERSION: u32 = 2;
/// The file starts with the SHA-256 of the rest.
const DIGEST_LEN: usize = 32;
const RACY_WINDOW: Duration = Duration::from_secs(2);

/// An open migrations directory, for looking up its files' stamps cheaply.
#[derive(Debug)]
pub(crate) struct DirHandle {
    #[cfg(unix)]
    fd: rustix::fd::OwnedFd,
    #[cfg(not(unix))]
    path: std::path::PathBuf,
}

impl DirHandle {
    pub(crate) fn open(dir: &Path) -> Option<DirHandle> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            Some(DirHandle {
                fd: rustix::fs::open(dir, flags, Mode::empty()).ok()?,
            })
        }
        #[cfg(not(unix))]
        {
            Some(DirHandle {
                path: dir.to_path_buf(),
            })
        }
    }
}

/// What identifies one version of a file's contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    len: u64,
    modified_ns: u128,
    inode: u64,
}

impl Stamp {
    /// The stamp of `dir/name`; `dir_handle` (Unix) makes the lookup one path component.
    pub(crate) fn read(dir: &DirHandle, name: &str) -> Option<Stamp> {
        #[cfg(unix)]
        {
            let stat = rustix::fs::statat(&dir.fd, name, rustix::fs::AtFlags::empty()).ok()?;
            let seconds = u128::try_from(stat.st_mtime).ok()?;
            // The field's type differs between platforms (u64 here, i64 elsewhere).
            #[allow(clippy::useless_conversion, clippy::unnecessary_fallible_conversions)]
            let nanos = u128::try_from(stat.st_mtime_nsec).ok()?;
            Some(Stamp {
                len: u64::try_from(stat.st_size).ok()?,
                modified_ns: seconds * 1_000_000_000 + nanos,
                inode: stat.st_ino,
            })
        }
        #[cfg(not(unix))]
        {
            Stamp::of(&std::fs::metadata(dir.path.join(name)).ok()?)
        }
    }

    #[cfg(not(unix))]
    fn of(metadata: &Metadata) -> Option<Stamp> {
        let modified_ns = metadata
            .modified()
            .ok()?
            .duration_since(SystemTime::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(Stamp {
            len: metadata.len(),
            modified_ns,
            inode: 0,
        })
    }

    fn is_settled(&self, now: SystemTime) -> bool {
        let settled_before = now
            .checked_sub(RACY_WINDOW)
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok());
        settled_before.is_some_and(|limit| self.modified_ns < limit.as_nanos())
    }
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    entries: Vec<CachedHeader>,
}

/// One cached header, as stored.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct CachedHeader {
    name: String,
    stamp: Stamp,
    id: String,
    down_revisions: Vec<String>,
    depends_on: Vec<String>,
    branch_labels: Vec<String>,
    message: String,
    /// Unix time in nanoseconds and the offset in seconds, exactly as written.
    created: Option<(i128, i32)>,
    transactional: bool,
    /// `lock_wait` and `statement_timeout` in milliseconds, where the revision sets them.
    limits: (Option<u64>, Option<u64>),
    dialect: Option<String>,
    sql: bool,
}

impl CachedHeader {
    /// The header, if the cache holds it for exactly this version of the file.
    pub(crate) fn into_header(
        self,
        dir: &Path,
        name: &str,
        stamp: Stamp,
    ) -> Option<RevisionHeader> {
        if self.stamp != stamp || self.name != name {
            return None;
        }
        let created = match self.created {
            None => None,
            Some((nanos, offset)) => Some(
                OffsetDateTime::from_unix_timestamp_nanos(nanos)
                    .ok()?
                    .to_offset(UtcOffset::from_whole_seconds(offset).ok()?),
            ),
        };
        Some(RevisionHeader {
            id: self.id,
            down_revisions: self.down_revisions,
            depends_on: self.depends_on,
            branch_labels: self.branch_labels,
            message: self.message,
            created,
            transactional: self.transactional,
            limits: LimitOverrides {
                lock_wait: self.limits.0.map(Duration::from_millis),
                statement_timeout: self.limits.1.map(Duration::from_millis),
            },
            dialect: self.dialect,
            path: dir.join(name),
            format: if self.sql {
                FileFormat::Sql
            } else {
                FileFormat::Toml
            },
        })
    }
}

/// The cached headers of one migrations directory, sorted by file name.
#[derive(Default)]
pub(crate) struct HeaderCache {
    entries: Vec<CachedHeader>,
}

impl std::fmt::Debug for HeaderCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HeaderCache({} entries)", self.entries.len())
    }
}

impl HeaderCache {
    /// Reads the cache; anything unusable gives an empty cache.
    pub(crate) fn open(path: &Path) -> HeaderCache {
        let Ok(bytes) = std::fs::read(path) else {
            return HeaderCache::default();
        };
        // A digest guards against a damaged cache, which would otherwise be trusted.
        let Some((digest, payload)) = bytes.split_at_checked(DIGEST_LEN) else {
            return HeaderCache::default();
        };
        if Sha256::digest(payload).as_slice() != digest {
            return HeaderCache::default();
        }
        match postcard::from_bytes::<CacheFile>(payload) {
            Ok(file)
                if file.version == FORMAT_VERSION
                    && file.entries.is_sorted_by(|a, b| a.name < b.name) =>
            {
                HeaderCache {
                    entries: file.entries,
                }
            }
            _ => HeaderCache::default(),
        }
    }

    /// How many entries the cache holds.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entries for `names` (sorted), in the same order, moved out of the cache.
    pub(crate) fn take_for<'a>(
        self,
        names: impl Iterator<Item = &'a str>,
    ) -> Vec<Option<CachedHeader>> {
        let mut entries = self.entries.into_iter().peekable();
        names
            .map(|name| {
                while entries.next_if(|e| e.name.as_str() < name).is_some() {}
                entries.next_if(|e| e.name == name)
            })
            .collect()
    }

    /// Writes a new cache of `headers` (with the stamps their files had when read).
    /// Failing to write is not an error: the next run reads the files again.
    pub(crate) fn save(path: &Path, headers: &[(&RevisionHeader, Stamp)]) {
        let now = SystemTime::now();
        let mut entries: Vec<CachedHeader> = headers
            .iter()
            .filter(|(_, stamp)| stamp.is_settled(now))
            .filter_map(|(header, stamp)| {
                Some(CachedHeader {
                    name: header.path.file_name()?.to_str()?.to_string(),
                    stamp: *stamp,
                    id: header.id.clone(),
                    down_revisions: header.down_revisions.clone(),
                    depends_on: header.depends_on.clone(),
                    branch_labels: header.branch_labels.clone(),
                    message: header.message.clone(),
                    created: header
                        .created
                        .map(|c| (c.unix_timestamp_nanos(), c.offset().whole_seconds())),
                    transactional: header.transactional,
                    limits: (
                        header.limits.lock_wait.map(millis),
                        header.limits.statement_timeout.map(millis),
                    ),
                    dialect: header.dialect.clone(),
                    sql: header.format == FileFormat::Sql,
                })
            })
            .collect();
        entries.sort_unstable_by(|a, b| a.name.cmp(&b.name));
        let Ok(payload) = postcard::to_stdvec(&CacheFile {
            version: FORMAT_VERSION,
            entries,
        }) else {
            return;
        };
        let mut bytes = Sha256::digest(&payload).to_vec();
        bytes.extend_from_slice(&payload);
        let Some(dir) = path.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        // The cache directory holds nothing worth committing.
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            let _ = std::fs::write(&ignore, "*\n");
        }
        // Write then rename, so a concurrent reader never sees half a cache.
        let temporary = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&temporary, bytes).is_ok() && std::fs::rename(&temporary, path).is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
