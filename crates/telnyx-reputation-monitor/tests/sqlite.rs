//! The store suite against SQLite files in temp dirs.

mod suite;

use telnyx_reputation_monitor::{Backend, Store};

async fn store(dir: &tempfile::TempDir) -> Store {
    let store = Store::open(&format!(
        "sqlite://{}/nested/monitor.sqlite",
        dir.path().display()
    ))
    .await
    .unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    store
}

macro_rules! on_sqlite {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let dir = tempfile::tempdir().unwrap();
            suite::$name(store(&dir).await).await;
        }
    )*};
}

on_sqlite!(
    a_second_sync_with_no_change_writes_no_reading,
    a_number_turning_high_is_one_new_reading_and_its_changes,
    removed_and_re_added_numbers_are_changes,
    fresh_sweeps_spend_the_client_budget,
    the_sql_report_matches_a_full_replay,
    the_receiver_records_each_verified_event_once,
    the_report_shows_the_distribution_changes_and_trends,
);

#[tokio::test]
async fn reopening_a_store_keeps_its_history_and_does_not_migrate_twice() {
    let dir = tempfile::tempdir().unwrap();
    let first = store(&dir).await;
    let body = suite::flagged_body("ev-1", "e", "+13125552001", chrono::Utc::now());
    let event = telnyx_reputation_monitor::StoredEvent {
        event_id: "ev-1".into(),
        event_type: "number_reputation.number.flagged".into(),
        enterprise_id: Some("e".into()),
        phone_number: Some("+13125552001".into()),
        occurred_at: None,
        received_at: chrono::Utc::now(),
        flag_reason: None,
        confirm_by: None,
    };
    assert!(first.record_event(&event, &body).await.unwrap());
    first.close().await;
    let again = store(&dir).await;
    assert!(
        !again.record_event(&event, &body).await.unwrap(),
        "still there after reopening"
    );
    assert_eq!(again.counts().await.unwrap().events, 1);
}
