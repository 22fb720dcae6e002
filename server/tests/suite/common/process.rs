//! The real `opsboard` binary as a child process on a free loopback port:
//! for what only a process shows (signals, a kill, its peak memory).

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub struct Opsboard {
    child: Child,
    pub base: String,
    data: std::path::PathBuf,
}

impl Opsboard {
    /// `opsboard serve` on `data` with previews off and `extra` flags; waits
    /// until health answers.
    pub async fn start(data: &Path, extra: &[&str]) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_opsboard"))
            .arg("serve")
            .arg("--data-dir")
            .arg(data)
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            // Tests of other things read as the public, or as an admin by `get`.
            .args(["--access", "public"])
            .args(extra)
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            data: data.to_path_buf(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while server.health().await.is_none() {
            assert!(Instant::now() < deadline, "the server did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn health(&self) -> Option<serde_json::Value> {
        let response = reqwest::get(self.url("/api/v1/health")).await.ok()?;
        response.json().await.ok()
    }

    /// A GET as an admin (rejections included), by a personal token.
    pub async fn get(&self, path: &str) -> serde_json::Value {
        let token = super::add_user_with_token(&self.data, "tester", model::Role::Admin).await;
        super::client_with(&token)
            .get(self.url(path))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("JSON")
    }

    /// Waits until health counts `n` products, for at most `patience`.
    pub async fn wait_for_products(&self, n: usize, patience: Duration) {
        let deadline = Instant::now() + patience;
        // Counts are for participants: health tells the public its status only.
        let token = super::add_user_with_token(&self.data, "tester", model::Role::Admin).await;
        let admin = super::client_with(&token);
        loop {
            let health: serde_json::Value = admin
                .get(self.url("/api/v1/health"))
                .send()
                .await
                .expect("health")
                .json()
                .await
                .expect("JSON");
            if health["products"] == n {
                return;
            }
            assert!(Instant::now() < deadline, "stuck at {health}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The peak resident memory of the process so far, in KiB (`VmHWM`).
    pub fn peak_rss_kib(&self) -> u64 {
        self.status_kib("VmHWM:")
    }

    /// The resident memory of the process now, in KiB (`VmRSS`).
    pub fn rss_kib(&self) -> u64 {
        self.status_kib("VmRSS:")
    }

    fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("a figure in kB")
    }

    /// The CPU time the process has used so far (user and system), from
    /// `/proc/{pid}/stat` in clock ticks of 10 ms.
    pub fn cpu_time(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).expect("/proc stat");
        // After the command's name in parentheses: utime and stime are the
        // 12th and 13th fields.
        let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
        let fields: Vec<u64> = after
            .split_whitespace()
            .map(|f| f.parse().unwrap_or(0))
            .collect();
        let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
        Duration::from_millis(ticks * 10)
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("reap");
    }

    /// SIGTERM, then waits for the exit; returns how it ended and how long
    /// that took.
    pub fn terminate(mut self) -> (ExitStatus, Duration) {
        let sent = Instant::now();
        let signalled = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(signalled.success());
        let deadline = sent + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return (status, sent.elapsed());
            }
            assert!(
                Instant::now() < deadline,
                "still running 30 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Opsboard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
