//! The cases. Each gets a fresh, empty database and says in its error what went wrong.

mod failures;
mod migrator;
mod names;
mod operations;
mod values;

use crate::Case;

pub(crate) fn all() -> Vec<Case> {
    vec![
        Case {
            name: "upgrade_and_downgrade_round_trip",
            run: migrator::upgrade_and_downgrade_round_trip,
        },
        Case {
            name: "failing_statement_leaves_no_trace",
            run: migrator::failing_statement_leaves_no_trace,
        },
        Case {
            name: "failing_downgrade_stops_at_that_revision",
            run: failures::failing_downgrade_stops_at_that_revision,
        },
        Case {
            name: "concurrent_upgrades_apply_each_revision_once",
            run: migrator::concurrent_upgrades_apply_each_revision_once,
        },
        Case {
            name: "edited_applied_revision_is_refused",
            run: migrator::edited_applied_revision_is_refused,
        },
        Case {
            name: "stamp_records_without_running",
            run: migrator::stamp_records_without_running,
        },
        Case {
            name: "every_operation_and_type_round_trips",
            run: operations::every_operation_and_type_round_trips,
        },
        Case {
            name: "partial_index_applies_or_is_refused_up_front",
            run: operations::partial_index_applies_or_is_refused_up_front,
        },
        Case {
            name: "names_at_the_limit_round_trip_and_longer_ones_are_refused",
            run: names::names_at_the_limit_round_trip_and_longer_ones_are_refused,
        },
        Case {
            name: "hostile_identifiers_round_trip",
            run: values::hostile_identifiers_round_trip,
        },
        Case {
            name: "bulk_insert_hostile_values_read_back",
            run: values::bulk_insert_hostile_values_read_back,
        },
    ]
}

/// `Err(message)` unless `condition`.
pub(crate) fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if condition {
        Ok(())
    } else {
        Err(message())
    }
}
