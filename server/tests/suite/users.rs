//! `opsboard user …` through the real binary against a real catalogue: the
//! password read from stdin is stored only as an Argon2id hash that verifies,
//! names and roles are checked, and every action reports what it did.

use std::io::Write;
use std::process::{Command, Stdio};

use catalogue::store::DataDir;
use catalogue::user::{verify_password, Role};
use catalogue::Catalogue;

/// Runs `opsboard user ARGS` with `stdin` on standard input.
fn user(data: &std::path::Path, args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_opsboard"))
        .arg("user")
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

#[tokio::test]
async fn users_are_added_listed_given_passwords_and_roles_and_disabled() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let secret = "a long enough secret";
    let (ok, out) = user(
        data,
        &["add", "m.dupont", "--role", "scientist", "--password-stdin"],
        &format!("{secret}\n"),
    );
    assert!(ok, "{out}");
    assert!(out.contains("\"m.dupont\" added as scientist"), "{out}");

    // Refusals, each with its reason, nothing stored.
    for (args, stdin, reason) in [
        (
            &["add", "m.dupont", "--role", "viewer", "--password-stdin"][..],
            "another long secret\n",
            "already exists",
        ),
        (
            &["add", "M.DUPONT", "--role", "viewer", "--password-stdin"][..],
            "another long secret\n",
            "already exists",
        ),
        (
            &["add", "bad name", "--role", "viewer", "--password-stdin"][..],
            "another long secret\n",
            "a user name has",
        ),
        (
            &["add", "x", "--role", "root", "--password-stdin"][..],
            "another long secret\n",
            "\"root\" is not a role",
        ),
        (
            &["add", "short", "--role", "viewer", "--password-stdin"][..],
            "tiny\n",
            "a password has 10 to 1024 bytes",
        ),
        (
            &["passwd", "nobody", "--password-stdin"][..],
            "another long secret\n",
            "no user named \"nobody\"",
        ),
    ] {
        let (ok, out) = user(data, args, stdin);
        assert!(!ok, "{args:?} should fail: {out}");
        assert!(out.contains(reason), "{args:?}: {out}");
    }

    // Oversized, empty and cut-off input: refused with a reason.
    let huge = "p".repeat(5_000);
    let long_name = "n".repeat(65);
    for (args, stdin, reason) in [
        (
            &["add", "huge", "--role", "viewer", "--password-stdin"][..],
            huge.as_str(),
            "a password has",
        ),
        (
            &["add", "empty", "--role", "viewer", "--password-stdin"][..],
            "",
            "a password has",
        ),
        (
            &[
                "add",
                long_name.as_str(),
                "--role",
                "viewer",
                "--password-stdin",
            ][..],
            "another long secret
",
            "a user name has",
        ),
        (
            &["add", "norole", "--role", "", "--password-stdin"][..],
            "another long secret
",
            "is not a role",
        ),
    ] {
        let (ok, out) = user(data, args, stdin);
        assert!(!ok, "{args:?} should fail: {out}");
        assert!(out.contains(reason), "{args:?}: {out}");
    }

    let (ok, out) = user(data, &["role", "m.dupont", "admin"], "");
    assert!(ok && out.contains("is now admin"), "{out}");
    let (ok, out) = user(
        data,
        &["passwd", "m.dupont", "--password-stdin"],
        "the second secret\n",
    );
    assert!(ok, "{out}");
    let (ok, out) = user(data, &["disable", "m.dupont"], "");
    assert!(ok && out.contains("disabled"), "{out}");
    let (ok, out) = user(data, &["list"], "");
    assert!(ok, "{out}");
    assert!(
        out.contains("m.dupont\tadmin\tdisabled\tnever logged in"),
        "{out}"
    );
    assert!(
        !out.contains(secret) && !out.contains("argon2"),
        "no secret listed: {out}"
    );

    // What is stored: a hash that verifies the new password only, and the
    // disabled user has none to log in with.
    let catalogue = Catalogue::open(&DataDir::new(data).database())
        .await
        .unwrap();
    let listed = catalogue.user("m.dupont").await.unwrap().unwrap();
    assert_eq!(
        (listed.role, listed.disabled, listed.has_password),
        (Role::Admin, true, true)
    );
    assert_eq!(
        catalogue.password_hash("m.dupont").await.unwrap(),
        None,
        "disabled"
    );
    catalogue.set_disabled("m.dupont", false).await.unwrap();
    let hash = catalogue.password_hash("m.dupont").await.unwrap().unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(verify_password(&hash, "the second secret"));
    assert!(!verify_password(&hash, secret));
    assert_eq!(catalogue.users().await.unwrap().len(), 1);
    catalogue.close().await;
}
