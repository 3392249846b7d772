//! Command-line arguments (SPEC 7).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

/// Version control for relational database schemas.
#[derive(Debug, Parser)]
#[command(name = "retort", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

impl Cli {
    /// Makes the global paths absolute against the directory retort was started in, since
    /// loading the project changes the current directory
    /// ([`crate::project::load_config`]).
    pub(crate) fn resolve_paths(&mut self) -> crate::error::CliResult {
        let dir = crate::project::invocation_dir()?;
        if let Some(config) = &mut self.global.config {
            *config = dir.join(&*config);
        }
        for plugin in &mut self.global.plugin {
            *plugin = dir.join(&*plugin);
        }
        if let Command::Test(TestArgs {
            junit: Some(junit), ..
        }) = &mut self.command
        {
            *junit = dir.join(&*junit);
        }
        Ok(())
    }
}

/// Flags every command accepts.
#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// Configuration file (default: retort.toml here or in the nearest parent directory)
    #[arg(short, long, global = true, value_name = "PATH")]
    pub(crate) config: Option<PathBuf>,
    /// Database URL, overriding the configuration
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) url: Option<String>,
    /// Use the [env.NAME] section of the configuration
    #[arg(long, global = true, value_name = "NAME")]
    pub(crate) env: Option<String>,
    /// Load a dialect plugin (a shared library; repeatable)
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) plugin: Vec<PathBuf>,
    /// Say more (repeatable)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// Say only what was asked for
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// When to use colour (NO_COLOR is honoured by `auto`)
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub(crate) color: ColorWhen,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// For people.
    Text,
    /// One JSON document on stdout, also on failure (`{"error": {...}}`); see docs/reference.md.
    Json,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Scaffold retort.toml, migrations/ and an empty schema.toml
    Init {
        /// Where to create the project (default: the current directory)
        dir: Option<PathBuf>,
        /// The database the project starts with
        #[arg(long, value_enum, default_value_t = InitDialect::Sqlite)]
        dialect: InitDialect,
    },
    /// Write a new revision file and print its path
    Revision(RevisionArgs),
    /// Print the live database's schema as schema.toml (as SQL with --sql)
    Inspect {
        /// Print CREATE statements for the database's dialect instead, referenced tables first
        #[arg(long)]
        sql: bool,
    },
    /// Print the operations (and SQL) that bring the current schema to schema.toml
    Diff {
        /// What the current schema is: the live database, or what the revision files produce
        #[arg(long, value_enum, default_value_t = DiffFrom::Db)]
        from: DiffFrom,
    },
    /// Show the revision graph, newest first
    History {
        /// Range A:B, inclusive at both ends; either end may be left open (A: or :B)
        #[arg(
            short = 'r',
            long = "rev-range",
            value_name = "A:B",
            allow_hyphen_values = true
        )]
        range: Option<String>,
        /// Mark the revisions applied to the database (connects to it)
        #[arg(short = 'i', long = "indicate-current")]
        indicate_current: bool,
    },
    /// Show the heads of the revision graph
    Heads,
    /// Show the branch points and the branches leaving them
    Branches,
    /// Show one revision
    Show {
        /// A revision id, unique prefix, label, head, or relative form such as REV-1
        #[arg(allow_hyphen_values = true)]
        revision: String,
    },
    /// Open one revision's file in $VISUAL or $EDITOR
    Edit {
        /// A revision id, unique prefix, label, head, or relative form such as REV-1
        #[arg(allow_hyphen_values = true)]
        revision: String,
    },
    /// Write a merge revision that joins heads
    Merge {
        /// The message of the merge revision
        #[arg(short, long)]
        message: String,
        /// Optional revision id instead of a random one
        #[arg(long, value_name = "ID")]
        rev_id: Option<String>,
        /// Branch label for the merge revision
        #[arg(long, value_name = "LABEL")]
        branch_label: Vec<String>,
        /// `heads`, or the revisions to join (at least two)
        #[arg(required = true, num_args = 1..)]
        revisions: Vec<String>,
    },
    /// Apply revisions up to TARGET (default: head)
    Upgrade {
        /// head, heads, a revision, label@head, +N, REV+N; with --sql also a range FROM:TO
        #[arg(default_value = "head", allow_hyphen_values = true)]
        target: String,
        #[command(flatten)]
        run: RunArgs,
        /// Offline: start from this revision instead of base (with --sql)
        #[arg(long, value_name = "REV", requires = "sql")]
        from: Option<String>,
        /// Proceed although applied revision files changed
        #[arg(long)]
        allow_changed: bool,
    },
    /// Revert revisions down to TARGET
    Downgrade {
        /// base, a revision, -N, REV-N; with --sql also a range FROM:TO
        #[arg(allow_hyphen_values = true)]
        target: String,
        #[command(flatten)]
        run: RunArgs,
        /// Offline: start from this revision instead of head (with --sql)
        #[arg(long, value_name = "REV", requires = "sql")]
        from: Option<String>,
    },
    /// Show the applied heads of the database
    Current,
    /// One line per revision: applied (when, how long), pending, dirty, changed,
    /// irreversible, or recorded without a file
    Status,
    /// Record the state TARGET without running anything
    Stamp {
        /// The state to record; with --accept-changed, the revisions whose changes to accept
        /// (none: every changed applied revision)
        #[arg(
            value_name = "TARGET",
            allow_negative_numbers = true,
            required_unless_present = "accept_changed"
        )]
        targets: Vec<String>,
        /// Empty the version table first (unknown rows included)
        #[arg(long)]
        purge: bool,
        /// Record the current checksums of applied revisions whose files changed, after
        /// the changes have been reviewed (Flyway's repair); runs nothing
        #[arg(long, conflicts_with = "purge")]
        accept_changed: bool,
        /// How long to wait for the migration lock: seconds, or a duration (500ms, 30s, 2m)
        #[arg(long, value_name = "DURATION", value_parser = lock_timeout)]
        lock_timeout: Option<Duration>,
    },
    /// Exit 3 if the graph, the files or the database are not as they should be
    Check,
    /// The migration gauntlet, on scratch databases created beside the configured one and
    /// dropped afterwards: empty → head, each revision up/down/up, head = schema.toml,
    /// stamp head → nothing to upgrade, head → base leaves nothing, offline = online
    Test(TestArgs),
    /// Create or drop the database the URL names
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
    /// List the built-in and plugin dialects, with their versions and where they come from
    Dialects,
    /// Work with dialect plugins
    Plugin {
        #[command(subcommand)]
        action: PluginAction,
    },
    /// Print a shell completion script
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
}

/// Flags shared by `upgrade` and `downgrade`.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Print the SQL instead of running it (offline: no connection)
    #[arg(long)]
    pub(crate) sql: bool,
    /// Connect and plan, and print the steps without executing any
    #[arg(long, conflicts_with = "sql")]
    pub(crate) dry_run: bool,
    /// How long to wait for the migration lock: seconds, or a duration (500ms, 30s, 2m;
    /// default 60s)
    #[arg(long, value_name = "DURATION", value_parser = lock_timeout)]
    pub(crate) lock_timeout: Option<Duration>,
}

/// `retort test`.
#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// Keep the scratch databases and print their URLs
    #[arg(long)]
    pub(crate) keep: bool,
    /// Also write the results as JUnit XML to FILE
    #[arg(long, value_name = "FILE")]
    pub(crate) junit: Option<PathBuf>,
    /// Start the stairway at this revision (the ones before it are only applied)
    #[arg(long, value_name = "REV")]
    pub(crate) since: Option<String>,
    /// Allow several heads (separate branches); otherwise they fail the graph check
    #[arg(long)]
    pub(crate) heads: bool,
}

/// `retort plugin`.
#[derive(Debug, Subcommand)]
pub(crate) enum PluginAction {
    /// Run the conformance kit against the plugin at PATH, on databases made from --url
    Check {
        /// The plugin's shared library
        path: PathBuf,
        /// Run only the cases whose name contains NAME (repeatable)
        #[arg(long = "case", value_name = "NAME")]
        cases: Vec<String>,
    },
    /// The second process of the kill -9 case: upgrade the database in
    /// RETORT_CONFORMANCE_CHILD_URL with the revisions in RETORT_CONFORMANCE_CHILD_DIR
    #[command(hide = true)]
    ConformanceChild {
        /// The plugin's shared library
        path: PathBuf,
    },
}

/// `retort db`.
#[derive(Debug, Subcommand)]
pub(crate) enum DbAction {
    /// Create the database
    Create,
    /// Drop the database (on a terminal, after its name is typed back)
    Drop {
        /// Drop without asking (needed where there is no terminal to ask on)
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

/// `retort revision`.
#[derive(Debug, Args)]
pub(crate) struct RevisionArgs {
    /// What the revision does
    #[arg(short, long)]
    pub(crate) message: String,
    /// Write the plain-SQL form instead of TOML
    #[arg(long)]
    pub(crate) sql: bool,
    /// The parent: a revision, `head` (default), `label@head`, or `base` for a new root
    #[arg(long, value_name = "REV", allow_hyphen_values = true)]
    pub(crate) head: Option<String>,
    /// Allow --head to name a revision that is not a head (starts a new branch)
    #[arg(long)]
    pub(crate) splice: bool,
    /// Start a labelled branch (repeatable)
    #[arg(long, value_name = "LABEL")]
    pub(crate) branch_label: Vec<String>,
    /// A revision this one depends on without descending from it (repeatable)
    #[arg(long, value_name = "REV")]
    pub(crate) depends_on: Vec<String>,
    /// Use this id instead of a random one
    #[arg(long, value_name = "ID")]
    pub(crate) rev_id: Option<String>,
    /// Fill the revision with the operations that bring the current schema to schema.toml
    #[arg(long, conflicts_with = "sql")]
    pub(crate) autogenerate: bool,
    /// With --autogenerate: what the current schema is
    #[arg(long, value_enum, default_value_t = DiffFrom::Db, requires = "autogenerate")]
    pub(crate) from: DiffFrom,
}

/// Where the current schema of a comparison with schema.toml comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFrom {
    /// The live database (it must be at head).
    Db,
    /// The schema the revision files produce from base to head (no database needed).
    Files,
}

/// The dialects `init` can scaffold for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InitDialect {
    /// SQLite, the embedded default.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
}

/// The longest `--lock-timeout`: a week, which is surely a typo already.
const LONGEST_LOCK_TIMEOUT: Duration = Duration::from_secs(7 * 24 * 3_600);

/// `--lock-timeout`: whole seconds as before (`30`), or a duration (`500ms`, `30s`, `2m`).
fn lock_timeout(text: &str) -> Result<Duration, String> {
    let duration = match text.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => retort_core::dialect::parse_duration(text).map_err(|error| error.to_string())?,
    };
    if duration > LONGEST_LOCK_TIMEOUT {
        return Err(format!("`{text}` is longer than a week"));
    }
    Ok(duration)
}
