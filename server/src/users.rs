//! `opsboard user add|list|passwd|role|disable`: participants' accounts from
//! the shell of the server machine (whoever can run this can read the
//! catalogue anyway). Passwords are asked for without echo, or read from
//! the first line of standard input with `--password-stdin` for scripts;
//! never taken as an argument, where `ps` and shell history would keep them.

use clap::{Args, Subcommand};
use std::io::BufRead;

use anyhow::{bail, Context};
use catalogue::provider::{hash_token, new_token};
use catalogue::user::{check_name, hash_password, Role};
use catalogue::Catalogue;

use crate::config::CatalogueDir;

/// `opsboard user …`.
#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(flatten)]
    pub catalogue: CatalogueDir,

    #[command(subcommand)]
    pub action: UserAction,
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Add a user with a role; the password is asked for (or read from stdin).
    Add {
        name: String,
        /// viewer, scientist or admin.
        #[arg(long)]
        role: String,
        /// Read the password from the first line of standard input (scripts).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users with their role, state and last login.
    List,
    /// Set a user's password (asked for, or read from stdin).
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Give a user another role.
    Role { name: String, role: String },
    /// Disable a user (`--enable` to undo).
    Disable {
        name: String,
        #[arg(long)]
        enable: bool,
    },
    /// Print a new personal API token for scripts (shown once; sent as
    /// `Authorization: Bearer …`, it acts with the user's role).
    Token {
        name: String,
        /// What the token is for, to recognise it in the list.
        #[arg(long, default_value = "script")]
        label: String,
    },
    /// List personal tokens.
    Tokens,
    /// Revoke a personal token by its number (from `user tokens`).
    RevokeToken { id: i64 },
}

pub async fn run(args: UserArgs) -> anyhow::Result<()> {
    let catalogue = args.catalogue.open().await?;
    let result = act(&catalogue, args.action).await;
    catalogue.close().await;
    result
}

/// A password from the terminal (twice, without echo) or from stdin.
fn password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .take_line(&mut line)
            .context("reading the password from standard input")?;
        return Ok(line.trim_end_matches(['\n', '\r']).to_string());
    }
    let first = rpassword::prompt_password("Password: ").context("reading the password")?;
    let again = rpassword::prompt_password("Again: ").context("reading the password")?;
    if first != again {
        bail!("the two passwords differ");
    }
    Ok(first)
}

/// Reads at most one line of a bounded length.
trait TakeLine {
    fn take_line(&mut self, line: &mut String) -> std::io::Result<usize>;
}

impl<R: BufRead> TakeLine for R {
    fn take_line(&mut self, line: &mut String) -> std::io::Result<usize> {
        // Far beyond any password accepted; a larger input is refused by its length.
        std::io::Read::take(self, 4096).read_line(line)
    }
}

async fn act(catalogue: &Catalogue, action: UserAction) -> anyhow::Result<()> {
    match action {
        UserAction::Add {
            name,
            role,
            password_stdin,
        } => {
            check_name(&name)?;
            let role: Role = role.parse()?;
            let hash = hash_password(&password(password_stdin)?)?;
            let user = catalogue.add_user(&name, role, Some(&hash)).await?;
            println!("user {:?} added as {}", user.name, user.role);
        }
        UserAction::List => {
            let users = catalogue.users().await?;
            if users.is_empty() {
                println!("no users");
            }
            for u in users {
                let state = if u.disabled { "disabled" } else { "active" };
                let login = u
                    .last_login_at
                    .map(|t| t.format("last login %Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_else(|| "never logged in".into());
                println!("{}\t{}\t{state}\t{login}", u.name, u.role);
            }
        }
        UserAction::Passwd {
            name,
            password_stdin,
        } => {
            let hash = hash_password(&password(password_stdin)?)?;
            if !catalogue.set_password_hash(&name, &hash).await? {
                bail!("no user named {name:?}");
            }
            catalogue
                .audit(Some("cli"), "password.set", Some(&name), None)
                .await?;
            println!("password of {name:?} changed (its sessions are ended)");
        }
        UserAction::Role { name, role } => {
            let role: Role = role.parse()?;
            if !catalogue.set_role(&name, role).await? {
                bail!("no user named {name:?}");
            }
            catalogue
                .audit(Some("cli"), &format!("role.{role}"), Some(&name), None)
                .await?;
            println!("{name:?} is now {role}");
        }
        UserAction::Disable { name, enable } => {
            if !catalogue.set_disabled(&name, !enable).await? {
                bail!("no user named {name:?}");
            }
            let state = if enable { "enabled" } else { "disabled" };
            catalogue
                .audit(Some("cli"), &format!("user.{state}"), Some(&name), None)
                .await?;
            println!("{name:?} {state}");
        }
        UserAction::Token { name, label } => {
            let Some(user) = catalogue.user(&name).await? else {
                bail!("no user named {name:?}");
            };
            let label: String = label.chars().filter(|c| !c.is_control()).take(80).collect();
            let token = new_token().context("no randomness available for a token")?;
            let id = catalogue
                .add_api_token(user.id, &label, &hash_token(&token))
                .await?;
            catalogue
                .audit(Some("cli"), "token.created", Some(&user.name), None)
                .await?;
            println!(
                "token {id} of {:?} ({}), acting as {}",
                user.name, label, user.role
            );
            println!("token (shown once, keep it secret): {token}");
        }
        UserAction::Tokens => {
            for t in catalogue.api_tokens().await? {
                let state = match t.revoked_at {
                    Some(at) => format!("revoked {}", at.format("%Y-%m-%d %H:%M UTC")),
                    None => "active".into(),
                };
                println!("{}\t{}\t{}\t{state}", t.id, t.user, t.label);
            }
        }
        UserAction::RevokeToken { id } => {
            let Some(owner) = catalogue.revoke_api_token(id).await? else {
                bail!("no active token {id}");
            };
            catalogue
                .audit(Some("cli"), "token.revoked", Some(&owner), None)
                .await?;
            println!("token {id} of {owner:?} revoked");
        }
    }
    Ok(())
}
