//! The README quickstart as a runnable program: terms, enterprise, LOA, enable, wait for both
//! gates, add numbers, read their reputation. Point it at the emulator with
//! `TELNYX_BASE_URL=http://127.0.0.1:4010/v2 TELNYX_API_KEY=KEYtest cargo run --example quickstart`.

use std::time::Duration;

use futures::TryStreamExt;
use telnyx_reputation::*;

#[tokio::main]
async fn main() -> Result<(), Error> {
    run().await
}

/// The journey, against whatever `TELNYX_BASE_URL` points at.
pub async fn run() -> Result<(), Error> {
    let client = Client::from_env()?;

    client.terms_of_service().agree_number_reputation().await?;
    let enterprise = client.enterprises().create(acme()).await?;
    let rep = client.reputation(&enterprise.id);

    let pdf = rep.loa().render(LoaRenderOptions::default()).await?;
    let loa = client.documents().upload("loa.pdf", pdf).await?;
    rep.enable(&loa.id, CheckFrequency::BusinessDaily).await?;
    let wait = WaitOptions {
        interval: Duration::from_secs(2),
        ..WaitOptions::default()
    };
    rep.wait_until_approved(wait).await?;

    rep.numbers().add(["+12025551234", "+12025555678"]).await?;
    let number = rep.numbers().get("+12025551234").await?;
    let risk = number.reputation_data.and_then(|d| d.spam_risk);
    println!("{} spam risk: {risk:?}", number.phone_number);

    let mut all = rep.numbers().list().page_size(100).stream();
    while let Some(n) = all.try_next().await? {
        println!("monitoring {}", n.phone_number);
    }
    Ok(())
}

/// The enterprise from the Telnyx quickstart (the crate's shared example data).
fn acme() -> NewEnterprise {
    telnyx_reputation::examples::acme()
}
