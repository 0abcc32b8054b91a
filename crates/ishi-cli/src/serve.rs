//! `ishi serve` and `ishi user`: the web workspace and its accounts.

use std::io::BufRead;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use ishi_server::{AccountRequest, Clock, Config, ServerSettings, SystemClock};
use ishi_store::Change;

use crate::cli::{DatabaseArgs, ServeArgs, UserAddArgs, UserListArgs};

fn database_url(args: &DatabaseArgs) -> Result<String> {
    if let Some(url) = &args.database_url {
        return Ok(url.clone());
    }
    let dir = args.data_dir.clone().unwrap_or_else(ishi_server::default_data_dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    Ok(ishi_server::sqlite_url(&dir))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

pub fn serve(args: &ServeArgs) -> Result<()> {
    let config = Config {
        addr: SocketAddr::new(args.bind, args.port),
        database_url: database_url(&args.database)?,
        settings: ServerSettings { secure_cookies: !args.insecure_cookies },
        examples: args.examples,
    };
    runtime()?.block_on(ishi_server::serve(config, Arc::new(SystemClock)))?;
    Ok(())
}

pub fn user_add(args: &UserAddArgs) -> Result<()> {
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password).context("reading the password from stdin")?;
    let password = password.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        bail!("no password on stdin (use: echo 'PASSWORD' | ishi user add … --password-stdin)");
    }
    let url = database_url(&args.database)?;
    runtime()?.block_on(async {
        let now = ishi_server::clock::rfc3339(SystemClock.unix_seconds());
        let (store, _) = ishi_server::open_store(&url, &now).await?;
        let request = AccountRequest {
            login: args.login.clone(),
            display_name: args.name.clone().unwrap_or_else(|| args.login.clone()),
            role: args.role.clone(),
            prefecture_code: args.prefecture.clone(),
            specialist_id: args.specialist.clone(),
            password,
        };
        let change = Change { user_id: None, login: "cli".into(), at: now, reason: "ishi user add".into() };
        let user = ishi_server::accounts::create_account(&store, &request, &change).await?;
        store.close().await;
        eprintln!("created {} ({})", user.login, user.role.as_ja());
        Ok::<_, anyhow::Error>(())
    })
}

pub fn user_list(args: &UserListArgs) -> Result<()> {
    let url = database_url(&args.database)?;
    runtime()?.block_on(async {
        let now = ishi_server::clock::rfc3339(SystemClock.unix_seconds());
        let (store, _) = ishi_server::open_store(&url, &now).await?;
        let mut out = String::from("login\trole\tprefecture\tspecialist\tname\n");
        for u in store.users().await? {
            out.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\n",
                u.login,
                u.role.key(),
                u.prefecture_code.unwrap_or_default(),
                u.specialist_id.unwrap_or_default(),
                u.display_name
            ));
        }
        store.close().await;
        print!("{out}");
        Ok::<_, anyhow::Error>(())
    })
}
