//! Self-hosting without GitHub: `orquestra user create` and `orquestra token issue`.

use orquestra_store::{GithubProfile, OpenOptions};
use serde_json::json;

use crate::config::{session_secret, session_ttl, AuthArgs};
use crate::error::CliError;

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Create (or update) a user. Without --github-id the user gets a local id that can never
    /// collide with a GitHub account.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        github_id: Option<i64>,
        #[arg(long)]
        avatar_url: Option<String>,
    },
}

#[derive(clap::Subcommand)]
pub enum TokenCommand {
    /// Issue a session token for a user (by username or id).
    Issue {
        #[arg(long)]
        user: String,
        /// Lifetime (`30d`, `12h`, …); default: the session TTL.
        #[arg(long)]
        ttl: Option<String>,
        #[command(flatten)]
        auth: AuthArgs,
    },
}

pub async fn user(database: &str, command: UserCommand) -> Result<(), CliError> {
    let UserCommand::Create {
        username,
        email,
        github_id,
        avatar_url,
    } = command;
    if username.trim().is_empty() || !email.contains('@') {
        return Err(CliError::Config(
            "--username must not be empty and --email must be an address".into(),
        ));
    }
    let db = orquestra_store::open(database, OpenOptions::default()).await?;
    db.store.migrate().await?;
    // GitHub ids are positive; local users get a random negative one.
    let github_id = match github_id {
        Some(id) => id,
        None => {
            let bytes: [u8; 6] = orquestra_store::ids::random_bytes()?;
            -(bytes.iter().fold(1i64, |acc, b| (acc << 8) | i64::from(*b)))
        }
    };
    let user = db
        .store
        .upsert_github_user(&GithubProfile {
            github_id,
            username,
            email,
            avatar_url,
        })
        .await?;
    println!(
        "{}",
        json!({ "id": user.id, "username": user.username, "email": user.email, "githubId": user.github_id })
    );
    Ok(())
}

pub async fn token(database: &str, command: TokenCommand) -> Result<(), CliError> {
    let TokenCommand::Issue { user, ttl, auth } = command;
    let db = orquestra_store::open(
        database,
        OpenOptions {
            create_if_missing: false,
            max_connections: 2,
        },
    )
    .await?;
    let found = match db.store.get_user_by_username(&user).await? {
        Some(u) => Some(u),
        None => db.store.get_user(&user).await?,
    };
    let found = found.ok_or_else(|| {
        CliError::Config(format!(
            "no user {user:?}; create one with `orquestra user create`"
        ))
    })?;
    let ttl = match ttl {
        Some(text) => orquestra_server::config::parse_duration(&text)
            .ok_or_else(|| CliError::Config(format!("--ttl {text:?}: expected e.g. 30d, 12h")))?,
        None => session_ttl(&auth)?,
    };
    let secret = session_secret(&auth, database)?;
    let (token, claims) =
        orquestra_server::auth::token::issue(&secret, &found.id, &found.username, ttl)
            .map_err(|e| CliError::Config(e.to_string()))?;
    println!(
        "{}",
        json!({ "token": token, "user": { "id": found.id, "username": found.username }, "expiresAt": i64::try_from(claims.exp).ok().and_then(|exp| orquestra_server::time::rfc3339(exp, 0)), "header": format!("Authorization: Bearer {token}") })
    );
    Ok(())
}
