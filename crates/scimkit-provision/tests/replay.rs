//! Every shared IdP scenario and bug-report case, replayed in-process through `ScimService`
//! with the in-memory store and the default (lenient) preset.

mod common;

use common::{BASE, InProcess, TOKEN, service};
use scimkit_replay::{Runner, all_scenarios};

#[tokio::test]
async fn every_shared_scenario_passes_with_the_default_preset() {
    let scenarios = all_scenarios().expect("scenario data loads");
    assert_eq!(scenarios.len(), 96);
    let runner = Runner::new(InProcess(service()), BASE).token(TOKEN);
    runner.assert_all(&scenarios).await;
}

/// The replay leaves nothing behind: every scenario's cleanup steps delete what it created.
#[tokio::test]
async fn cleanup_steps_leave_the_store_empty() {
    let service = service();
    let runner = Runner::new(InProcess(service.clone()), BASE).token(TOKEN);
    for scenario in all_scenarios().unwrap() {
        let _ = runner.run(&scenario).await;
    }
    for endpoint in ["/Users", "/Groups"] {
        let (status, _, list) = common::send(&service, "GET", endpoint, "", &[]).await;
        assert_eq!(status, 200);
        assert_eq!(
            list["totalResults"], 0,
            "{endpoint} after all scenarios: {list}"
        );
    }
}
