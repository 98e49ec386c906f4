//! Random JSON bodies (and raw bytes) against every `/v2` route, in process through the
//! router (`tower::ServiceExt::oneshot`): whatever arrives, the emulator answers with a
//! Telnyx-shaped error or a success, never a 5xx and never a panic. Seeded and bounded.

use axum::body::Body;
use axum::http::{Method, Request};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use serde_json::{Value, json};
use telnyx_reputation_emulator::{AppState, ApprovalDelay, Config, router};
use tower::ServiceExt;

use crate::common::enterprise_body;

const KEY: &str = "KEYproperties";

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_seed: RngSeed::Fixed(0x00e3_17a7),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Field names the handlers read, so random objects reach past the first check.
const FIELDS: [&str; 16] = [
    "phone_numbers",
    "loa_document_id",
    "check_frequency",
    "webhook_url",
    "call_purpose",
    "contact_email",
    "document_ids",
    "still_own",
    "evidence_document_id",
    "legal_name",
    "file",
    "filename",
    "fein",
    "organization_contact",
    "country_code",
    "website",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "\\PC{0,24}".prop_map(Value::from),
        "\\+1[0-9]{10}".prop_map(Value::from),
        Just(json!("business_daily")),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    prop::sample::select(FIELDS.to_vec()).prop_map(str::to_owned),
                    "[a-z_]{1,10}"
                ],
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

struct World {
    runtime: tokio::runtime::Runtime,
    app: axum::Router,
    enterprise: String,
}

impl World {
    fn call(&self, method: Method, path: &str, body: Vec<u8>) -> (u16, Vec<u8>) {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {KEY}"))
            .header("content-type", "application/json")
            .body(Body::from(body))
            .expect("a request");
        self.runtime.block_on(async {
            let response = self.app.clone().oneshot(request).await.expect("infallible");
            let status = response.status().as_u16();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("body");
            (status, bytes.to_vec())
        })
    }

    fn json(&self, method: Method, path: &str, body: Value) -> Value {
        let (status, bytes) = self.call(method, path, body.to_string().into_bytes());
        assert!(
            status < 300,
            "{path}: {status} {}",
            String::from_utf8_lossy(&bytes)
        );
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }

    /// An emulator with one approved enterprise holding a few numbers.
    fn new() -> World {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let state = AppState::new(Config {
            approval_delay: ApprovalDelay::After(std::time::Duration::ZERO),
            seed: 3,
            refresh_limit: None,
            ..Config::default()
        });
        let mut world = World {
            runtime,
            app: router(state),
            enterprise: String::new(),
        };
        world.json(
            Method::POST,
            "/v2/terms_of_service/number_reputation/agree",
            json!({}),
        );
        let created = world.json(
            Method::POST,
            "/v2/enterprises",
            enterprise_body("Property LLC"),
        );
        world.enterprise = created["data"]["id"].as_str().expect("id").to_owned();
        let document = world.json(
            Method::POST,
            "/v2/documents",
            json!({"file": "JVBERi0xLjcgc2lnbmVk", "filename": "loa.pdf"}),
        );
        let id = world.enterprise.clone();
        world.json(
            Method::POST,
            &format!("/v2/enterprises/{id}/reputation"),
            json!({"loa_document_id": document["data"]["id"]}),
        );
        world.json(
            Method::POST,
            &format!("/_emulator/gates?api_key={KEY}"),
            json!({"enterprise_id": id, "status": "approved", "loa_status": "approved"}),
        );
        world.json(
            Method::POST,
            &format!("/v2/enterprises/{id}/reputation/numbers"),
            json!({"phone_numbers": ["+12025550100", "+12025550101"]}),
        );
        world
    }

    /// Every route that takes a body, plus the reads, with the real enterprise id or `id`.
    fn routes(&self, id: &str, number: &str) -> Vec<(Method, String)> {
        let e = format!("/v2/enterprises/{id}");
        let r = format!("{e}/reputation");
        vec![
            (Method::POST, "/v2/enterprises".to_owned()),
            (Method::GET, "/v2/enterprises".to_owned()),
            (Method::GET, e.clone()),
            (Method::PUT, e.clone()),
            (Method::GET, r.clone()),
            (Method::POST, r.clone()),
            (Method::PATCH, format!("{r}/frequency")),
            (Method::PATCH, format!("{r}/webhook")),
            (Method::POST, format!("{r}/loa")),
            (Method::PATCH, format!("{r}/loa")),
            (Method::GET, format!("{r}/external_verification")),
            (Method::POST, format!("{r}/external_verification")),
            (Method::GET, format!("{r}/numbers")),
            (Method::POST, format!("{r}/numbers")),
            (Method::POST, format!("{r}/numbers/refresh")),
            (Method::GET, format!("{r}/numbers/{number}")),
            (Method::GET, format!("{r}/numbers/{number}/ownership")),
            (
                Method::POST,
                format!("{r}/numbers/{number}/ownership_confirm"),
            ),
            (Method::GET, format!("{r}/remediation")),
            (Method::POST, format!("{r}/remediation")),
            (Method::GET, format!("{r}/remediation/{id}")),
            (Method::GET, "/v2/reputation/numbers".to_owned()),
            (Method::GET, format!("/v2/reputation/numbers/{number}")),
            (Method::GET, "/v2/terms_of_service/info".to_owned()),
            (Method::GET, "/v2/terms_of_service/status".to_owned()),
            (Method::GET, "/v2/terms_of_service/agreements".to_owned()),
            (Method::GET, format!("/v2/terms_of_service/agreements/{id}")),
            (
                Method::POST,
                "/v2/terms_of_service/number_reputation/agree".to_owned(),
            ),
            (Method::POST, "/v2/documents".to_owned()),
        ]
    }
}

fn check(world: &World, method: Method, path: &str, body: Vec<u8>) -> Result<(), TestCaseError> {
    let (status, bytes) = world.call(method.clone(), path, body);
    prop_assert!(
        status < 500,
        "{method} {path}: {status} {}",
        String::from_utf8_lossy(&bytes)
    );
    if status >= 400 {
        let parsed: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        prop_assert!(
            parsed["errors"][0]["code"].is_string(),
            "{method} {path}: {status} {parsed}"
        );
    }
    Ok(())
}

#[test]
fn random_json_bodies_on_every_route_never_get_a_5xx() {
    let world = World::new();
    let routes = world.routes(&world.enterprise, "+12025550100").len();
    let mut runner = proptest::test_runner::TestRunner::new(config(1_500));
    let strategy = (
        0..routes,
        json_value(),
        prop_oneof![Just(None), "[A-Za-z0-9+._-]{0,40}".prop_map(Some)],
        prop_oneof![Just("+12025550100".to_owned()), "[+0-9a-z]{0,16}"],
    );
    runner
        .run(&strategy, |(route, body, other_id, number)| {
            let id = other_id.unwrap_or_else(|| world.enterprise.clone());
            let (method, path) = world.routes(&id, &number).swap_remove(route);
            check(&world, method, &path, body.to_string().into_bytes())
        })
        .unwrap();
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn raw_bytes_on_every_body_route_never_get_a_5xx(
        route in 0usize..29,
        body in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        thread_local! { static WORLD: World = World::new(); }
        WORLD.with(|world| {
            let (method, path) = world.routes(&world.enterprise, "+12025550101").swap_remove(route);
            check(world, method, &path, body)
        })?;
    }
}
