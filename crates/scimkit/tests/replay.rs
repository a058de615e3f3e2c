//! Every shared IdP scenario and bug-report case (the data of `scimkit-replay`), replayed over
//! real HTTP against the `scimkit serve` binary on its default SQLite store and the default
//! (lenient) preset.

mod common;

use common::{Http, Server, TOKEN, client};
use scimkit_replay::{Runner, all_scenarios};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_shared_scenario_passes_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(dir.path(), &["--token", TOKEN], &[]);
    let scenarios = all_scenarios().expect("scenario data loads");
    assert_eq!(scenarios.len(), 96, "27 IdP scenarios and 69 cases");
    let runner = Runner::new(Http(client()), &server.base_url).token(TOKEN);
    runner.assert_all(&scenarios).await;
    // The cleanup steps leave nothing behind.
    let http = client();
    for endpoint in ["/Users", "/Groups"] {
        let (status, _, list) = common::send(&http, "GET", &server.url(endpoint), "").await;
        assert_eq!(status, 200);
        assert_eq!(
            list["totalResults"], 0,
            "{endpoint} after all scenarios: {list}"
        );
    }
}
