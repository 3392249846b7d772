//! The catalogue. Each case gets a fresh, empty database, says in its error what went
//! wrong, and declares the capabilities it needs: where they are missing it is skipped
//! with the reason, never counted as passed.

mod databases;
mod failures;
mod kill;
mod lock;
mod migrator;
mod models;
mod names;
mod offline;
mod operations;
mod stairway;
mod state;
mod transactions;
mod typed;
mod values;

use crate::{Case, Context};
use databases::needs_create_database;
use retort_core::dialect::Capabilities;
use transactions::{
    needs_non_transactional_ddl, needs_non_transactional_revisions, needs_transactional_ddl,
};

/// For cases every dialect must pass.
fn always(_: &Capabilities) -> Option<&'static str> {
    None
}

/// A case every dialect must pass, run in parallel with the others.
const fn case(name: &'static str, run: fn(&Context<'_>) -> Result<(), String>) -> Case {
    Case {
        name,
        applies: always,
        needs_child: false,
        alone: false,
        run,
    }
}

/// A case that applies only where `applies` gives no reason against it.
const fn gated(
    name: &'static str,
    applies: fn(&Capabilities) -> Option<&'static str>,
    run: fn(&Context<'_>) -> Result<(), String>,
) -> Case {
    Case {
        name,
        applies,
        needs_child: false,
        alone: false,
        run,
    }
}

pub(crate) fn all() -> Vec<Case> {
    vec![
        case(
            "declared_schema_round_trips_through_the_database",
            models::declared_schema_round_trips_through_the_database,
        ),
        case(
            "every_kind_of_change_applies_to_tables_holding_rows",
            models::every_kind_of_change_applies_to_tables_holding_rows,
        ),
        case(
            "checks_render_as_the_server_stores_them",
            models::checks_render_as_the_server_stores_them,
        ),
        case(
            "a_sole_writer_takes_each_revision_up_down_and_up_again",
            stairway::a_sole_writer_takes_each_revision_up_down_and_up_again,
        ),
        case(
            "upgrade_and_downgrade_round_trip",
            migrator::upgrade_and_downgrade_round_trip,
        ),
        case(
            "failing_statement_leaves_no_trace",
            migrator::failing_statement_leaves_no_trace,
        ),
        case(
            "failing_downgrade_stops_at_that_revision",
            failures::failing_downgrade_stops_at_that_revision,
        ),
        case(
            "concurrent_upgrades_apply_each_revision_once",
            migrator::concurrent_upgrades_apply_each_revision_once,
        ),
        case(
            "edited_applied_revision_is_refused",
            migrator::edited_applied_revision_is_refused,
        ),
        case(
            "stamp_records_without_running",
            migrator::stamp_records_without_running,
        ),
        case(
            "every_operation_and_type_round_trips",
            operations::every_operation_and_type_round_trips,
        ),
        case(
            "partial_index_applies_or_is_refused_up_front",
            operations::partial_index_applies_or_is_refused_up_front,
        ),
        case(
            "names_at_the_limit_round_trip_and_longer_ones_are_refused",
            names::names_at_the_limit_round_trip_and_longer_ones_are_refused,
        ),
        case(
            "hostile_identifiers_round_trip",
            values::hostile_identifiers_round_trip,
        ),
        case(
            "bulk_insert_hostile_values_read_back",
            values::bulk_insert_hostile_values_read_back,
        ),
        case(
            "bulk_insert_of_every_type_reads_back",
            typed::bulk_insert_of_every_type_reads_back,
        ),
        case(
            "reading_the_state_of_a_fresh_database_creates_nothing",
            state::reading_the_state_of_a_fresh_database_creates_nothing,
        ),
        case(
            "table_exists_binds_the_name",
            state::table_exists_binds_the_name,
        ),
        case(
            "a_sql_revision_runs_statement_by_statement_and_reverts",
            state::a_sql_revision_runs_statement_by_statement_and_reverts,
        ),
        case(
            "lock_times_out_while_another_session_holds_it",
            lock::lock_times_out_while_another_session_holds_it,
        ),
        case(
            "unlock_frees_the_lock_for_the_next_session",
            lock::unlock_frees_the_lock_for_the_next_session,
        ),
        case(
            "closing_a_session_frees_its_lock",
            lock::closing_a_session_frees_its_lock,
        ),
        case(
            "upgrade_waiting_for_the_lock_gives_up_after_lock_timeout",
            lock::upgrade_waiting_for_the_lock_gives_up_after_lock_timeout,
        ),
        case(
            "upgrade_waiting_for_the_lock_goes_ahead_once_it_is_free",
            lock::upgrade_waiting_for_the_lock_goes_ahead_once_it_is_free,
        ),
        gated(
            "create_and_drop_database_say_whether_they_did_anything",
            needs_create_database,
            databases::create_and_drop_database_say_whether_they_did_anything,
        ),
        case(
            "offline_upgrade_script_run_through_the_driver_matches_an_online_upgrade",
            offline::offline_upgrade_script_run_through_the_driver_matches_an_online_upgrade,
        ),
        case(
            "offline_downgrade_script_run_through_the_driver_undoes_an_online_upgrade",
            offline::offline_downgrade_script_run_through_the_driver_undoes_an_online_upgrade,
        ),
        gated(
            "a_run_in_one_transaction_keeps_nothing_when_a_revision_fails",
            needs_transactional_ddl,
            transactions::a_run_in_one_transaction_keeps_nothing_when_a_revision_fails,
        ),
        gated(
            "a_dirty_revision_is_cleared_by_stamp_and_then_runs",
            needs_non_transactional_ddl,
            transactions::a_dirty_revision_is_cleared_by_stamp_and_then_runs,
        ),
        gated(
            "a_non_transactional_revision_applies_and_is_recorded",
            needs_non_transactional_revisions,
            transactions::a_non_transactional_revision_applies_and_is_recorded,
        ),
        gated(
            "a_failed_non_transactional_revision_stays_dirty_and_blocks_later_runs",
            needs_non_transactional_revisions,
            transactions::a_failed_non_transactional_revision_stays_dirty_and_blocks_later_runs,
        ),
        case(
            "a_batch_in_one_transaction_does_what_its_statements_do_one_at_a_time",
            transactions::a_batch_in_one_transaction_does_what_its_statements_do_one_at_a_time,
        ),
        case(
            "a_batch_failing_in_the_middle_names_the_statement_and_keeps_nothing",
            transactions::a_batch_failing_in_the_middle_names_the_statement_and_keeps_nothing,
        ),
        Case {
            name: "sigkill_during_upgrade_never_leaves_version_table_and_schema_disagreeing",
            applies: always,
            needs_child: true,
            alone: true,
            run: kill::sigkill_during_upgrade_never_leaves_version_table_and_schema_disagreeing,
        },
    ]
}
