//! X3 under the worst stop: `ishi serve` killed with SIGKILL in the middle of a large import. The
//! import is one transaction, so after a restart on the same data directory the import before it is
//! whole and nothing of the killed one is visible (no import listed, no specialist, no ledger row, no
//! audit record). SQLite, the embedded default (WAL, `synchronous = FULL`).
//!
//! The real binary is driven over HTTP/1.1 by a small client on `std::net`; the server says on stderr
//! when an import's transaction has begun (`import: transaction started (N rows)`), which is when the
//! test kills it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Starting a debug build (migrations, the first admin's Argon2 hash) on a loaded CI machine.
const START_TIMEOUT: Duration = Duration::from_secs(120);
/// Reading and checking 122,000 rows in a debug build before the transaction begins.
const IMPORT_TIMEOUT: Duration = Duration::from_secs(300);

/// The server process, killed when the test ends however it ends.
struct Server {
    child: Child,
    port: u16,
    lines: Receiver<String>,
    /// Everything it wrote to stderr so far (for messages).
    seen: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Server {
    fn start(data_dir: &Path) -> Server {
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_ishi"))
            .args(["serve", "--port", &port.to_string(), "--insecure-cookies", "--data-dir"])
            .arg(data_dir)
            .env("NO_COLOR", "1")
            .env_remove("ISHI_DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ishi serve");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server { child, port, lines, seen: vec![] };
        server.wait_for("ishi serve: http://", START_TIMEOUT);
        server
    }

    /// Waits for a line of stderr containing `needle`; returns it.
    fn wait_for(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no {needle:?} on stderr in {timeout:?}:\n{}", self.seen.join("\n"))
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server ended before {needle:?}:\n{}", self.seen.join("\n"))
                }
            }
        }
    }

    /// The first admin's password, shown once on the first start.
    fn admin_password(&self) -> String {
        let line = self.seen.iter().find(|l| l.trim_start().starts_with("password:")).expect("the password line");
        line.trim_start().trim_start_matches("password:").trim().to_string()
    }

    /// SIGKILL (std's `Child::kill` on Unix), then waits for the process to be gone.
    fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
        // Whatever it printed before dying.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
            self.seen.push(line);
        }
    }
}

/// An answer: status, headers (names lower-case), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// A logged-in session.
#[derive(Clone)]
struct Session {
    cookie: String,
    csrf: String,
}

/// One HTTP/1.1 request on a new connection (`Connection: close`).
fn http(port: u16, method: &str, path: &str, session: Option<&Session>, body: Option<&[u8]>) -> Answer {
    try_http(port, method, path, session, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

/// [`http`], or why there is no answer (the connection broke).
fn try_http(
    port: u16,
    method: &str,
    path: &str,
    session: Option<&Session>,
    body: Option<&[u8]>,
) -> Result<Answer, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(IMPORT_TIMEOUT)).map_err(|e| e.to_string())?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    if let Some(s) = session {
        head.push_str(&format!("Cookie: {}\r\nX-CSRF-Token: {}\r\n", s.cookie, s.csrf));
    }
    if let Some(b) = body {
        head.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", b.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
    if let Some(b) = body {
        stream.write_all(b).map_err(|e| e.to_string())?;
    }
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    parse(&raw).ok_or_else(|| format!("not an HTTP answer: {:?}", String::from_utf8_lossy(&raw)))
}

fn parse(raw: &[u8]) -> Option<Answer> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body);
    }
    Some(Answer { status, headers, body })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = data.windows(2).position(|w| w == b"\r\n").expect("chunk size");
        let size_text = String::from_utf8_lossy(&data[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).expect("hex size");
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}

fn log_in(port: u16, password: &str) -> Session {
    let body = json!({"login": "admin", "password": password}).to_string();
    let a = http(port, "POST", "/api/session", None, Some(body.as_bytes()));
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    let cookie = a.header("set-cookie").expect("a session cookie").split(';').next().unwrap().to_string();
    Session { cookie, csrf: a.json()["csrf_token"].as_str().unwrap().to_string() }
}

/// A roster of `n` specialists with `rows` ledger rows each, ids `{prefix}00000…`.
fn roster(prefix: &str, n: usize, rows: usize) -> Value {
    let mut specialists =
        String::from("specialist_id,name,renewals_completed,renewal_fiscal_year,period_start,period_end\n");
    let mut ledger = String::from("specialist_id,date,kind,detail,quantity,role,approved,e_learning,evidence\n");
    for i in 0..n {
        specialists.push_str(&format!("{prefix}{i:05},架空 {prefix}{i},0,2027,2022-04-01,2027-03-31\n"));
        for k in 0..rows {
            let date = format!("2023-{:02}-{:02}", 1 + k / 28, 1 + k % 28);
            ledger
                .push_str(&format!("{prefix}{i:05},{date},specialty_lecture,講習 {k},1,,true,false,受講証明書 {k}\n"));
        }
    }
    json!({"specialists_csv": specialists, "ledger_csv": ledger})
}

/// What a committee member sees of the roster: imports, specialists, and the ledgers of `ids`.
fn snapshot(port: u16, s: &Session, ids: &[&str]) -> (Value, Value, Vec<Value>, usize) {
    let imports = http(port, "GET", "/api/imports", Some(s), None).json();
    let specialists = http(port, "GET", "/api/specialists", Some(s), None).json();
    let ledgers = ids
        .iter()
        .map(|id| http(port, "GET", &format!("/api/specialists/{id}/ledger"), Some(s), None).json())
        .collect();
    let audit = http(port, "GET", "/api/audit?limit=10000", Some(s), None).json();
    let import_records = audit.as_array().unwrap().iter().filter(|e| e["entity"] == "import").count();
    (imports, specialists, ledgers, import_records)
}

#[test]
fn x3_an_import_killed_mid_transaction_leaves_nothing_and_the_one_before_stays_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let password = server.admin_password();
    let session = log_in(server.port, &password);

    // A small import, committed.
    let small = roster("K", 3, 4).to_string();
    let a = http(server.port, "POST", "/api/imports/roster", Some(&session), Some(small.as_bytes()));
    assert_eq!(a.status, 201, "{}", String::from_utf8_lossy(&a.body));
    let small_id = a.json()["id"].as_i64().unwrap();
    server.wait_for(&format!("import: committed #{small_id}"), START_TIMEOUT);
    let ids = ["K00000", "K00001", "K00002"];
    let before = snapshot(server.port, &session, &ids);
    assert_eq!(before.2.iter().map(|l| l.as_array().unwrap().len()).sum::<usize>(), 12);

    // A national-size import: 2,000 specialists × 60 rows, killed as soon as its transaction begins.
    let large = roster("L", 2000, 60).to_string();
    let printed_before = server.seen.len();
    let port = server.port;
    let sender = session.clone();
    let upload = std::thread::spawn(move || {
        // The answer never comes: the connection dies with the server.
        try_http(port, "POST", "/api/imports/roster", Some(&sender), Some(large.as_bytes())).is_ok()
    });
    let started = server.wait_for("import: transaction started (122000 rows)", IMPORT_TIMEOUT);
    server.kill();
    assert!(
        !server.seen[printed_before..].iter().any(|l| l.starts_with("import: committed")),
        "the import committed before the kill ({started}); the test needs a larger import:\n{}",
        server.seen.join("\n")
    );
    eprintln!("the killed server said:\n{}", server.seen.join("\n"));
    let answered = upload.join().unwrap();
    assert!(!answered, "the large import was answered although the server was killed");
    drop(server);

    // Restart on the same data directory: the first import whole, nothing of the second.
    let server = Server::start(dir.path());
    assert!(!server.seen.iter().any(|l| l.contains("password:")), "the admin exists already");
    let session = log_in(server.port, &password);
    let after = snapshot(server.port, &session, &ids);
    assert_eq!(after.0, before.0, "the imports listed");
    assert_eq!(after.1, before.1, "the specialists");
    assert_eq!(after.2, before.2, "the ledgers of the first import");
    assert_eq!(after.3, before.3, "the import records of the audit log");
    let none = http(server.port, "GET", "/api/specialists/L00000", Some(&session), None);
    assert_eq!(none.status, 404);
    assert!(after.0.as_array().unwrap().iter().all(|i| i["row_count"] != 122_000));
    // The database is usable as before.
    let evaluation = http(server.port, "GET", "/api/specialists/K00001/evaluation", Some(&session), None);
    assert_eq!(evaluation.status, 200);
    assert_eq!(evaluation.json()["categories"]["specialty"]["counted"], 4);
}
