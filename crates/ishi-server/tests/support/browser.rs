//! A real headless Chromium for end-to-end tests, driven over WebDriver (`chromedriver` + `fantoccini`).
//!
//! Debian packages `chromium` and `chromium-driver` provide the two binaries; `.ci/run` installs them and
//! sets `ISHI_REQUIRE_BROWSER=1`, so on CI a missing browser fails the test instead of skipping it.
//! `ISHI_CHROMIUM` and `ISHI_CHROMEDRIVER` point at other binaries (e.g. on a developer's machine).
//!
//! ```ignore
//! let Some(browser) = Browser::start().await else { return };
//! browser.client().goto(&format!("{base}/")).await?;
//! browser.screenshot(Path::new("/tmp/top.png")).await?;
//! ```
#![allow(dead_code)] // Each test binary uses its own part of the helper.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tempfile::TempDir;

const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";
const DEFAULT_CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// chromedriver answers in well under a second; the margin is for a loaded 2-core CI machine.
const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(20);

/// A headless Chromium with its own profile and download directory, killed (with chromedriver) on drop.
pub struct Browser {
    client: Client,
    driver: Child,
    /// The profile and the downloads live here; unique per browser, so it also names our Chromium processes.
    dir: TempDir,
    download_dir: PathBuf,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session.
    ///
    /// `None` (with a message on stderr) when the binaries are not installed, so `cargo test` passes on a
    /// machine without a browser; with `ISHI_REQUIRE_BROWSER=1` that panics instead, as does any failure
    /// to start a browser that is installed.
    pub async fn start() -> Option<Browser> {
        let chromium = binary("ISHI_CHROMIUM", DEFAULT_CHROMIUM);
        let chromedriver = binary("ISHI_CHROMEDRIVER", DEFAULT_CHROMEDRIVER);
        let missing: Vec<String> =
            [&chromium, &chromedriver].iter().filter(|p| !p.is_file()).map(|p| p.display().to_string()).collect();
        if !missing.is_empty() {
            let why = format!(
                "browser tests need {} (Debian: apt-get install chromium chromium-driver \
                 fonts-ipaexfont-gothic; or set ISHI_CHROMIUM / ISHI_CHROMEDRIVER)",
                missing.join(" and ")
            );
            if std::env::var("ISHI_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                panic!("ISHI_REQUIRE_BROWSER=1 but {why}");
            }
            eprintln!("skipping: {why}");
            return None;
        }
        Some(Self::launch(&chromium, &chromedriver).await)
    }

    async fn launch(chromium: &Path, chromedriver: &Path) -> Browser {
        let dir =
            tempfile::Builder::new().prefix("ishi-browser-").tempdir().expect("temporary directory for the browser");
        let profile = dir.path().join("profile");
        let download_dir = dir.path().join("downloads");
        std::fs::create_dir_all(&download_dir).expect("download directory");
        let log = dir.path().join("chromedriver.log");

        // A port picked by the OS can be taken again before chromedriver binds it; try a few.
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_port();
            let mut driver = Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                // Its own process group, so Drop can kill chromedriver and every Chromium process at once.
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run {}: {e}", chromedriver.display()));
            if let Err(e) = wait_until_ready(&mut driver, port).await {
                last_error = e;
                kill_group(&mut driver);
                continue;
            }
            let client = match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities(chromium, &profile, &download_dir))
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => client,
                Err(e) => {
                    kill_group(&mut driver);
                    panic!("chromedriver could not start Chromium: {e}\nchromedriver log:\n{}", tail(&log));
                }
            };
            return Browser { client, driver, dir, download_dir };
        }
        panic!("chromedriver did not start: {last_error}\nchromedriver log:\n{}", tail(&log));
    }

    /// The WebDriver client: `goto`, `find`, `form`, `execute`, cookies, …
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Writes a PNG of the viewport (1280×857 in a 1280×1000 window), not the whole page.
    pub async fn screenshot(&self, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
        let png = self.client.screenshot().await?;
        std::fs::write(path, png)?;
        Ok(())
    }

    /// Where the browser saves downloads; empty when the browser starts.
    pub fn download_dir(&self) -> &Path {
        &self.download_dir
    }

    /// Waits for a finished download whose name ends with `.{ext}` and returns its path.
    ///
    /// Chromium writes `NAME.crdownload` and renames it when complete, so a file that matches is whole.
    pub async fn wait_for_file(&self, ext: &str, timeout: Duration) -> std::io::Result<PathBuf> {
        let suffix = format!(".{ext}");
        let deadline = Instant::now() + timeout;
        loop {
            let mut seen = Vec::new();
            for entry in std::fs::read_dir(&self.download_dir)? {
                let path = entry?.path();
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                if name.ends_with(&suffix) {
                    return Ok(path);
                }
                seen.push(name);
            }
            if Instant::now() >= deadline {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("no *{suffix} in {} after {timeout:?} (found: {seen:?})", self.download_dir.display()),
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Ends the WebDriver session politely before Drop kills what is left.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        kill_group(&mut self.driver);
        // Chromium's zygote can leave the process group; its command line names our unique profile.
        kill_processes_mentioning(self.dir.path());
    }
}

fn binary(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| PathBuf::from(default))
}

fn capabilities(chromium: &Path, profile: &Path, download_dir: &Path) -> Capabilities {
    let options = json!({
        "binary": chromium.display().to_string(),
        "args": [
            "--headless=new",
            // Root on CI, and containers have no user namespaces for the sandbox.
            "--no-sandbox",
            "--disable-gpu",
            // /dev/shm is 64 MB in containers; Chromium crashes tabs when it runs out.
            "--disable-dev-shm-usage",
            // Nothing may go to the network except the server under test.
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1280,1000",
            format!("--user-data-dir={}", profile.display()),
        ],
        // Honoured by headless=new (checked with Chromium 156): no DevTools call is needed for downloads.
        "prefs": {
            "download.default_directory": download_dir.display().to_string(),
            "download.prompt_for_download": false,
        },
    });
    let mut capabilities = Capabilities::new();
    capabilities.insert("browserName".into(), json!("chrome"));
    capabilities.insert("goog:chromeOptions".into(), options);
    capabilities
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// Polls chromedriver's `/status` until it says it is ready, or it exits, or time runs out.
async fn wait_until_ready(driver: &mut Child, port: u16) -> Result<(), String> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + DRIVER_READY_TIMEOUT;
    loop {
        if let Ok(Some(status)) = driver.try_wait() {
            return Err(format!("chromedriver exited with {status}"));
        }
        if let Ok(stream) = TcpStream::connect_timeout(&address, Duration::from_millis(200))
            && says_ready(stream)
        {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!("no answer on port {port} within {DRIVER_READY_TIMEOUT:?}"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// chromedriver keeps the connection open after answering, so the reply is read until it says ready.
fn says_ready(mut stream: TcpStream) -> bool {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").is_err() {
        return false;
    }
    let mut response = Vec::new();
    let mut buffer = [0; 1024];
    while let Ok(n @ 1..) = stream.read(&mut buffer) {
        response.extend_from_slice(&buffer[..n]);
        if response.windows(12).any(|w| w == b"\"ready\":true") {
            return true;
        }
    }
    false
}

fn kill_group(driver: &mut Child) {
    let Ok(pid) = libc::pid_t::try_from(driver.id()) else { return };
    // SAFETY: kill(2) has no memory effects; the child leads its own group (process_group(0)), so -pid names
    // chromedriver and the Chromium processes it started, none of which can have been reaped yet.
    unsafe { libc::kill(-pid, libc::SIGKILL) };
    let _ = driver.kill();
    let _ = driver.wait();
}

fn kill_processes_mentioning(dir: &Path) {
    let needle = dir.as_os_str().as_encoded_bytes();
    let Ok(entries) = std::fs::read_dir("/proc") else { return };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<libc::pid_t>().ok()) else { continue };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        if cmdline.windows(needle.len()).any(|w| w == needle) {
            // SAFETY: kill(2) has no memory effects; the pid was read just now from /proc.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}
