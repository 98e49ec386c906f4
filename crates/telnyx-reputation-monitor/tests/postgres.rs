//! The store suite against a real PostgreSQL server named by
//! `TELNYX_REPUTATION_TEST_POSTGRES_URL` (e.g. `postgres://postgres@127.0.0.1:5433/postgres`).
//! Each test creates its own database. Without the variable every test fails, saying how to
//! get a server: `cargo xtask with-postgres cargo test -p telnyx-reputation-monitor` (and the
//! pipeline's `cargo test` step) start one on 127.0.0.1 and set it.

mod suite;

use sqlx::Connection;
use telnyx_reputation_monitor::{Backend, Store};

const VAR: &str = "TELNYX_REPUTATION_TEST_POSTGRES_URL";

async fn store(test: &str) -> Store {
    let server = std::env::var(VAR).unwrap_or_else(|_| {
        panic!(
            "{VAR} is not set: these tests need a PostgreSQL server. Run `cargo xtask with-postgres cargo test -p \
             telnyx-reputation-monitor`, which starts a throw-away one on 127.0.0.1, or set {VAR}=postgres://USER@HOST:PORT/DB"
        )
    });
    sqlx::any::install_default_drivers();
    let database = format!("monitor_{test}_{}", std::process::id());
    let mut admin = sqlx::AnyConnection::connect(&server)
        .await
        .expect("connect to the test server");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {database}"))
        .execute(&mut admin)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {database}"))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
    let mut url = url::Url::parse(&server).unwrap();
    url.set_path(&database);
    let store = Store::open(url.as_str()).await.unwrap();
    assert_eq!(store.backend(), Backend::Postgres);
    store
}

macro_rules! on_postgres {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            suite::$name(store(stringify!($name)).await).await;
        }
    )*};
}

on_postgres!(
    a_second_sync_with_no_change_writes_no_reading,
    a_number_turning_high_is_one_new_reading_and_its_changes,
    removed_and_re_added_numbers_are_changes,
    fresh_sweeps_spend_the_client_budget,
    the_sql_report_matches_a_full_replay,
    the_receiver_records_each_verified_event_once,
    the_report_shows_the_distribution_changes_and_trends,
    a_failed_notification_is_kept_in_the_outbox_and_delivered_once_later,
    a_second_sync_of_one_enterprise_waits_or_stops_naming_the_holder,
    an_ownership_deadline_fires_once_and_once_more_as_a_reminder,
    a_forward_is_recorded_answered_and_retried_until_the_target_takes_it,
    spend_is_measured_from_observed_refreshes_and_the_monitors_own_reads,
    the_budgeted_policy_checks_the_riskiest_first_and_never_spends_above_its_budget,
    the_service_catches_up_once_and_waits_for_a_held_lock,
    the_dashboard_serves_the_fleet_numbers_history_and_changes,
    the_dashboard_exports_metrics_and_its_openapi_document,
    the_dashboard_needs_its_token_when_it_has_one,
    the_dashboard_acknowledges_and_snoozes_alerts_and_they_stop_reminding,
    the_dashboard_shows_remediations_with_outcomes_and_re_checks,
    the_fleet_chart_walks_risk_back_through_the_changes,
);

// The fleet runs itself: remediations followed to their outcome, retention.
on_postgres!(
    a_rules_remediation_is_followed_to_its_outcome_and_re_checked,
    a_number_in_an_open_remediation_is_never_submitted_again,
    pruning_deletes_in_batches_keeps_each_numbers_newest_reading_and_reports_bytes,
    the_service_follows_remediations_and_prunes_past_its_retention,
    the_service_submits_remediation_within_its_budget_once_and_follows_it,
    an_alert_opens_once_reminds_resolves_and_survives_a_restart,
    each_channel_posts_its_exact_payload_to_a_real_receiver,
    a_channel_down_for_three_syncs_delivers_every_notification_once,
    failing_syncs_open_a_sync_failing_alert_and_a_good_sync_resolves_it,
    pruning_deletes_resolved_alerts_with_their_delivered_notifications_never_an_open_one,
    a_monitor_starts_from_its_last_sync_only_while_no_other_sync_ran_since,
    the_email_channel_sends_each_notification_to_a_real_smtp_server,
);

// Issue 24: removals confirmed.
on_postgres!(a_removal_during_the_listing_is_no_phantom_removal);

// Issue 25: the e-mail channel over STARTTLS and implicit TLS, with SMTP AUTH.
on_postgres!(
    the_email_channel_sends_over_starttls_with_smtp_auth,
    the_email_channel_sends_over_implicit_tls_with_smtp_auth,
    a_refused_smtp_password_keeps_the_email_pending_until_it_is_fixed,
    the_email_channel_trusts_only_its_ca_and_gives_up_on_a_silent_server,
);

// Budgeted remediation under two [[account]] tables.
on_postgres!(two_accounts_remediate_each_enterprise_with_its_own_key_within_its_own_budget);
