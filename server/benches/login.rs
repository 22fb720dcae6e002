//! What a login costs: `POST /api/v1/session` on the real server (Argon2id
//! at OWASP's parameters, the session written to SQLite, the cookie set),
//! beside the Argon2 verification alone. Slow on purpose (a guessed
//! password costs the guesser as much), but a participant waits for it.
//!
//! `cargo bench -p server --bench login` (env `LOGINS`, at most 25: the
//! login throttle lets 30 through from one address before slowing down).

#[path = "../tests/suite/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use catalogue::user::{hash_password, verify_password};
use common::{add_user_with_token, TestServer};
use model::Role;

fn median_and_p90(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let at = |p: f64| times[((p * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
    (
        at(0.5).as_secs_f64() * 1000.0,
        at(0.9).as_secs_f64() * 1000.0,
    )
}

#[tokio::main]
async fn main() {
    let logins: usize = std::env::var("LOGINS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
        .clamp(1, 25);
    let hash = hash_password("a test password").expect("hash");
    let verify: Vec<Duration> = (0..logins)
        .map(|_| {
            let started = Instant::now();
            assert!(verify_password(&hash, "a test password"));
            started.elapsed()
        })
        .collect();

    let t = TestServer::start().await;
    // Five accounts, so that no one account reaches its throttle.
    let users = ["u0", "u1", "u2", "u3", "u4"];
    for user in users {
        add_user_with_token(t.data(), user, Role::Viewer).await;
    }
    let client = reqwest::Client::new();
    let mut http = Vec::with_capacity(logins);
    for i in 0..logins {
        let body =
            serde_json::json!({ "user": users[i % users.len()], "password": "a test password" });
        let started = Instant::now();
        let response = client
            .post(t.url("/api/v1/session"))
            .json(&body)
            .send()
            .await
            .expect("login");
        assert!(response.status().is_success(), "{}", response.status());
        http.push(started.elapsed());
    }
    let (v50, v90) = median_and_p90(verify);
    let (h50, h90) = median_and_p90(http);
    println!("login, {logins} each (Argon2id m=19 MiB t=2 p=1)");
    println!("  Argon2 verification alone: median {v50:.1} ms   p90 {v90:.1} ms");
    println!(
        "  POST /api/v1/session:      median {h50:.1} ms   p90 {h90:.1} ms   (ratio {:.2})",
        h50 / v50
    );
    t.server.shutdown().await.expect("shutdown");
}
