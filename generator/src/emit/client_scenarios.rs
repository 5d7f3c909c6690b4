//! The client of the emitted crate against local HTTP servers on 127.0.0.1 and
//! 127.0.0.2 (another host), started by each test and stopped when it ends:
//! throttling with Retry-After, a redirect to another host, nextLink paging over
//! three pages and a delta link, an upload session that resumes, a batch with a
//! throttled step. Written into the sample crate as `tests/client.rs` by
//! docbind's `emitted_crate_builds_and_behaves` and run there with the features
//! `client,reqwest` (this file is not compiled as part of docbind).
#![cfg(feature = "reqwest")]

use sample_bindings::batch::Batch;
use sample_bindings::client::reqwest::ReqwestTransport;
use sample_bindings::client::{
    BoxFuture, Client, Cloud, FileSource, TokenProvider, Transport, DEFAULT_UPLOAD_CHUNK,
};
use sample_bindings::graph::{self, requests};
use sample_bindings::protocol::{self, RetryPolicy};
use sample_bindings::runtime::BoxError;
use sample_bindings::{Collection, Error, Method, Request};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A request as the server read it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    /// Path and query, as sent.
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        let found = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name));
        found.map(|(_, v)| v.as_str())
    }

    /// The target with its percent escapes decoded (HTTP clients differ in what
    /// they escape: the `url` crate escapes `'` in queries).
    fn decoded(&self) -> String {
        let bytes = self.target.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(byte) if bytes[i] == b'%' => {
                    out.push(byte);
                    i += 3;
                }
                _ => {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn answer(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    Answer {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.to_vec(),
    }
}

fn json_answer(status: u16, body: Value) -> Answer {
    answer(
        status,
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
}

type Handler = Box<dyn Fn(&Seen, usize) -> Answer + Send>;

/// An HTTP/1.1 server on `ip`, port 0, answering each request with `handler`
/// (given the request and how many came before it), one connection at a time,
/// closing each after its answer. It stops when dropped, or after two minutes.
struct Server {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(ip: &str, handler: impl Fn(&Seen, usize) -> Answer + Send + 'static) -> Server {
        let listener = TcpListener::bind((ip, 0)).expect("bind a local port");
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Handler = Box::new(handler);
        let thread = {
            let (seen, stop) = (Arc::clone(&seen), Arc::clone(&stop));
            std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(120);
                while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
                    match listener.accept() {
                        Ok((stream, _)) => serve(stream, &handler, &seen),
                        Err(_) => std::thread::sleep(Duration::from_millis(2)),
                    }
                }
            })
        };
        Server {
            base,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(mut stream: TcpStream, handler: &Handler, seen: &Mutex<Vec<Seen>>) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut data = Vec::new();
    let mut buf = [0u8; 65536];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_string();
    let target = request_line.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => body.extend_from_slice(&buf[..n]),
        }
    }
    let request = Seen {
        method,
        target,
        headers,
        body,
    };
    let index = {
        let mut seen = seen.lock().unwrap();
        seen.push(request.clone());
        seen.len() - 1
    };
    let answer = handler(&request, index);
    let mut out = format!("HTTP/1.1 {} Scripted\r\n", answer.status);
    for (name, value) in &answer.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        answer.body.len()
    ));
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.write_all(&answer.body);
    let _ = stream.flush();
}

/// Hands out one token and records the scopes it was asked for.
#[derive(Clone, Default)]
struct Tokens {
    asked: Arc<Mutex<Vec<Vec<String>>>>,
}

impl TokenProvider for Tokens {
    fn token<'a>(&'a self, scopes: &'a [String]) -> BoxFuture<'a, Result<String, BoxError>> {
        self.asked.lock().unwrap().push(scopes.to_vec());
        Box::pin(async { Ok("secret-token".to_string()) })
    }
}

const BEARER: Option<&str> = Some("Bearer secret-token");

/// Gives `old` first and `new` when `old` is refused, recording what was refused.
#[derive(Clone, Default)]
struct Rotating {
    refused: Arc<Mutex<Vec<String>>>,
}

impl TokenProvider for Rotating {
    fn token<'a>(&'a self, _scopes: &'a [String]) -> BoxFuture<'a, Result<String, BoxError>> {
        Box::pin(async { Ok("old".to_string()) })
    }
    fn refresh<'a>(
        &'a self,
        _scopes: &'a [String],
        rejected: &'a str,
    ) -> BoxFuture<'a, Result<Option<String>, BoxError>> {
        self.refused.lock().unwrap().push(rejected.to_string());
        Box::pin(async { Ok(Some("new".to_string())) })
    }
}

#[test]
fn a_refused_token_is_renewed_once_and_the_request_sent_again() {
    let server = Server::start("127.0.0.1", |seen, _| match seen.header("authorization") {
        Some("Bearer new") if seen.target == "/v1.0/users/1" => {
            json_answer(200, json!({"id": "1", "displayName": "Ada"}))
        }
        _ => json_answer(
            401,
            json!({"error": {"code": "InvalidAuthenticationToken", "message": "Access token has expired."}}),
        ),
    });
    let rotating = Rotating::default();
    let client = Client::new(transport(), rotating.clone())
        .with_service_root(&server.url("/v1.0"));
    let user = run(client.send(&requests::user_get("1"))).unwrap();
    assert_eq!(user.display_name.as_deref(), Some("Ada"));
    assert_eq!(*rotating.refused.lock().unwrap(), ["old"]);
    // A new token that is refused too is the answer: no loop.
    let error = run(client.send(&requests::user_get("2"))).unwrap_err();
    assert!(matches!(&error, Error::Service(e) if e.status == 401), "{error}");
    assert_eq!(server.seen().len(), 4);
    // A provider without `refresh` gets the 401 at once.
    let tokens = Tokens::default();
    let error = run(self::client(&server, &tokens).send(&requests::user_get("1"))).unwrap_err();
    assert!(matches!(&error, Error::Service(e) if e.status == 401), "{error}");
    assert_eq!(server.seen().len(), 5);
}

fn transport() -> ReqwestTransport {
    // No proxy from the environment between the test and its local servers.
    let client = ReqwestTransport::builder().no_proxy().build().unwrap();
    ReqwestTransport::from_client(client)
}

/// A client of `server`'s `/v1.0`, retrying quickly.
fn client(server: &Server, tokens: &Tokens) -> Client {
    let retry = RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_secs(5),
    };
    Client::new(transport(), tokens.clone())
        .with_service_root(&server.url("/v1.0"))
        .with_retry(retry)
}

fn run<F: std::future::Future>(future: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(future)
}

#[test]
fn throttled_requests_wait_for_retry_after_then_succeed() {
    let server = Server::start("127.0.0.1", |seen, i| match (seen.target.as_str(), i) {
        ("/v1.0/users/a%2Fb", 0) => answer(429, &[("Retry-After", "1")], b""),
        ("/v1.0/users/a%2Fb", 1) => json_answer(200, json!({"id": "a/b", "displayName": "Ada"})),
        (_, 2) => answer(503, &[("Retry-After", "0")], b""),
        (_, 3) => answer(204, &[], b""),
        _ => json_answer(
            429,
            json!({"error": {"code": "TooManyRequests", "message": "Slow down.",
                   "innerError": {"request-id": "req-1", "date": "2026-12-01T10:00:00"}}}),
        ),
    });
    let tokens = Tokens::default();
    let client = client(&server, &tokens);
    let started = Instant::now();
    let user = run(client.send(&requests::user_get("a/b"))).unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(user.display_name.as_deref(), Some("Ada"));
    // A body is sent again, whole, after a 503.
    let update = graph::User {
        display_name: "Bo".into(),
        ..Default::default()
    };
    run(client.send(&requests::user_update("1", &update))).unwrap();
    let seen = server.seen();
    assert_eq!(seen.len(), 4);
    assert!(seen.iter().all(|s| s.header("authorization") == BEARER));
    // One client-request-id per request, the same on its retries.
    let ids: Vec<&str> = seen
        .iter()
        .map(|s| s.header("client-request-id").unwrap())
        .collect();
    assert_eq!((ids[0], ids[2]), (ids[1], ids[3]));
    assert_ne!(ids[0], ids[2]);
    assert_eq!(
        (ids[0].len(), &ids[0][14..15]),
        (36, "4"),
        "a version 4 UUID"
    );
    assert_eq!(seen[2].json(), json!({"displayName": "Bo"}));
    assert_eq!(seen[3].json(), seen[2].json());
    assert_eq!(seen[3].header("content-type"), Some("application/json"));
    assert_eq!(
        tokens.asked.lock().unwrap()[0],
        ["https://graph.microsoft.com/.default"]
    );
    // Throttled past the retries: the error says what to do and who to ask.
    let error = run(client.send(&requests::user_get("x"))).unwrap_err();
    assert_eq!(
        server.seen().len(),
        4 + 4,
        "the first attempt and 3 retries"
    );
    let service = error.service().unwrap();
    assert_eq!(
        (service.status, service.request_id.as_deref()),
        (429, Some("req-1"))
    );
    assert_eq!(
        error.to_string(),
        "GET /users/x answered 429 (TooManyRequests): Slow down. [request-id req-1, date 2026-12-01T10:00:00]"
    );
}

#[test]
fn redirects_to_another_host_go_without_the_token() {
    let files = Server::start("127.0.0.2", |_, _| {
        answer(
            200,
            &[("Content-Type", "image/png")],
            &[0x89, b'P', b'N', b'G'],
        )
    });
    let download = files.url("/download/photo?sig=x");
    let graph_server = Server::start("127.0.0.1", move |seen, _| match seen.target.as_str() {
        "/v1.0/users/1/photo/$value" => {
            answer(307, &[("Location", "/v1.0/users/2/photo/$value")], b"")
        }
        _ => answer(302, &[("Location", download.as_str())], b""),
    });
    let tokens = Tokens::default();
    let client = client(&graph_server, &tokens);
    let photo = run(client.send(&requests::photo_get("1"))).unwrap();
    assert_eq!(photo.content_type.as_deref(), Some("image/png"));
    assert_eq!(photo.bytes, [0x89, b'P', b'N', b'G']);
    let seen = graph_server.seen();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter().all(|s| s.header("authorization") == BEARER),
        "same host"
    );
    let elsewhere = files.seen();
    assert_eq!(elsewhere.len(), 1);
    assert_eq!(elsewhere[0].target, "/download/photo?sig=x");
    assert_eq!(
        elsewhere[0].header("authorization"),
        None,
        "no token for another host"
    );
    // A header the caller set is dropped there too, and so is one the client never sends.
    let own = requests::photo_get("3").header("Authorization", "Bearer mine");
    run(client.send(&own)).unwrap();
    assert_eq!(
        graph_server.seen()[2].header("authorization"),
        BEARER,
        "the client's token"
    );
    assert_eq!(files.seen()[1].header("authorization"), None);
}

#[test]
fn lists_page_through_next_links_with_the_callers_headers() {
    let server = Server::start("127.0.0.1", |seen, _| {
        let base = seen
            .header("host")
            .map(|h| format!("http://{h}/v1.0"))
            .unwrap();
        let first = seen.decoded() == "/v1.0/users?$filter=startswith(displayName,'a b')&$top=5";
        match seen.target.as_str() {
            _ if first => json_answer(
                200,
                json!({"value": [{"id": "1"}, {"id": "2"}], "@odata.nextLink": format!("{base}/users?$skiptoken=p%2B2")}),
            ),
            "/v1.0/users?$skiptoken=p%2B2" => json_answer(
                200,
                json!({"value": [{"id": "3"}], "@odata.nextLink": format!("{base}/users?$skiptoken=p%2B3")}),
            ),
            "/v1.0/users?$skiptoken=p%2B3" => json_answer(
                200,
                json!({"value": [{"id": "4"}], "@odata.deltaLink": format!("{base}/users/delta()?$deltatoken=d%27%2B1")}),
            ),
            "/v1.0/users/delta()?$deltatoken=d%27%2B1" => {
                json_answer(200, json!({"value": [{"id": "5"}]}))
            }
            other => answer(404, &[], other.as_bytes()),
        }
    });
    let tokens = Tokens::default();
    let client = client(&server, &tokens);
    // The typed option of the page's request headers, kept on every page.
    let request = requests::user_list("a b").consistency_level_eventual();
    // The stream owns a clone of the client: it runs in a task of its own, after
    // the client is gone.
    let mut items = client.items(request.clone());
    drop(client);
    let task = async move {
        let mut ids = Vec::new();
        while let Some(user) = items.next().await {
            ids.push(user.unwrap().id.into_value().unwrap());
        }
        (ids, items.delta_link().map(str::to_string))
    };
    let (ids, delta) = run(async { tokio::spawn(task).await.unwrap() });
    let client = self::client(&server, &tokens);
    assert_eq!(ids, ["1", "2", "3", "4"]);
    let seen = server.seen();
    assert_eq!(seen.len(), 3, "three pages");
    for page in &seen {
        assert_eq!(
            page.header("consistencylevel"),
            Some("eventual"),
            "{}",
            page.target
        );
        assert_eq!(page.header("authorization"), BEARER);
    }
    // A stored deltaLink resumes as the URL it is.
    let delta = delta.expect("the last page's deltaLink");
    let resume = Request::<Collection<graph::User>>::from_link(&delta);
    let changes = run(client.send(&resume)).unwrap();
    assert_eq!(changes.value[0].id.as_deref(), Some("5"));
    // Page by page, too.
    let first = run(client.send(&request)).unwrap();
    let second = run(client.next_page(&request, &first)).unwrap().unwrap();
    assert_eq!(second.value[0].id.as_deref(), Some("3"));
}

const UNIT: usize = 327_680;

#[test]
fn upload_sessions_send_ranges_without_the_token_and_resume() {
    let data: Vec<u8> = (0..UNIT * 3 + 1000).map(|i| (i % 251) as u8).collect();
    let total = data.len();
    let received = Arc::new(Mutex::new(vec![0u8; total]));
    let failed_once = Arc::new(AtomicBool::new(false));
    let uploads = {
        let received = Arc::clone(&received);
        Server::start("127.0.0.2", move |seen, _| {
            if seen.method == "GET" {
                // Asked what is missing after the failed chunk.
                return json_answer(200, json!({"nextExpectedRanges": [format!("{UNIT}-")]}));
            }
            let range = seen
                .header("content-range")
                .unwrap()
                .trim_start_matches("bytes ");
            let (span, size) = range.split_once('/').unwrap();
            let (start, end) = span.split_once('-').unwrap();
            let (start, end): (usize, usize) = (start.parse().unwrap(), end.parse().unwrap());
            assert_eq!(size.parse::<usize>().unwrap(), total);
            assert_eq!(seen.body.len(), end + 1 - start);
            if start == UNIT && !failed_once.swap(true, Ordering::SeqCst) {
                return answer(500, &[], b"");
            }
            received.lock().unwrap()[start..=end].copy_from_slice(&seen.body);
            if end + 1 == total {
                json_answer(
                    201,
                    json!({"id": "file-1", "name": "big.bin", "size": total}),
                )
            } else {
                json_answer(
                    202,
                    json!({"nextExpectedRanges": [format!("{}-", end + 1)]}),
                )
            }
        })
    };
    let upload_url = uploads.url("/up/session-1?tempauth=abc");
    let graph_server = Server::start("127.0.0.1", move |_, _| {
        json_answer(
            200,
            json!({"uploadUrl": upload_url, "expirationDateTime": "2026-12-02T00:00:00Z", "nextExpectedRanges": ["0-"]}),
        )
    });
    let tokens = Tokens::default();
    let client = client(&graph_server, &tokens);
    let create: Request<Value> = Request::new(
        Method::Post,
        "/me/drive/items/root:/big.bin:/createUploadSession",
        200,
    )
    .with_json(&json!({"item": {"@microsoft.graph.conflictBehavior": "replace"}}));
    let item: Value = run(client.upload(&create, &data, UNIT as u64)).unwrap();
    assert_eq!(item["id"], "file-1");
    assert_eq!(*received.lock().unwrap(), data, "every byte, in place");
    let created = graph_server.seen();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].header("authorization"), BEARER);
    let chunks = uploads.seen();
    let ranges: Vec<(&str, Option<&str>)> = chunks
        .iter()
        .map(|c| (c.method.as_str(), c.header("content-range")))
        .collect();
    assert_eq!(
        ranges,
        [
            ("PUT", Some("bytes 0-327679/984040")),
            ("PUT", Some("bytes 327680-655359/984040")),
            ("GET", None),
            ("PUT", Some("bytes 327680-655359/984040")),
            ("PUT", Some("bytes 655360-983039/984040")),
            ("PUT", Some("bytes 983040-984039/984040")),
        ]
    );
    assert!(
        chunks.iter().all(|c| c.header("authorization").is_none()),
        "pre-authenticated"
    );
    assert!(chunks
        .iter()
        .all(|c| c.target == "/up/session-1?tempauth=abc"));
}

#[test]
fn batches_retry_their_throttled_steps() {
    let server = Server::start("127.0.0.1", |seen, i| {
        assert_eq!(
            (seen.method.as_str(), seen.target.as_str()),
            ("POST", "/v1.0/$batch")
        );
        let steps = seen.json()["requests"].as_array().unwrap().clone();
        let ids: Vec<&str> = steps.iter().map(|s| s["id"].as_str().unwrap()).collect();
        match i {
            0 => {
                assert_eq!(ids, ["1", "2", "3"]);
                assert_eq!(steps[2]["dependsOn"], json!(["2"]));
                json_answer(
                    200,
                    json!({"responses": [
                        {"id": "1", "status": 200, "headers": {"Content-Type": "application/json"}, "body": {"id": "u1"}},
                        {"id": "2", "status": 429, "headers": {"Retry-After": "1"}, "body": {"error": {"code": "TooManyRequests", "message": "Wait."}}},
                        {"id": "3", "status": 424, "body": {"error": {"code": "FailedDependency", "message": "Step 2 failed."}}},
                    ]}),
                )
            }
            1 => {
                assert_eq!(ids, ["2", "3"], "the throttled step and its dependent only");
                json_answer(
                    200,
                    json!({"responses": [
                        {"id": "3", "status": 204},
                        {"id": "2", "status": 200, "body": {"id": "u2"}},
                    ]}),
                )
            }
            // The large batch: 20 steps, then 1.
            _ => {
                let responses: Vec<Value> = ids
                    .iter()
                    .map(|id| json!({"id": id, "status": 200, "body": {"id": id}}))
                    .collect();
                json_answer(200, json!({"responses": responses}))
            }
        }
    });
    let tokens = Tokens::default();
    let client = client(&server, &tokens);
    let mut batch = Batch::new();
    let first = batch.add(&requests::user_get("1")).unwrap();
    let second = batch.add(&requests::user_get("2")).unwrap();
    let third = batch
        .add_after(&requests::group_delete_member("g", "2"), &[second.id()])
        .unwrap();
    let started = Instant::now();
    let results = run(client.send_batch(&batch)).unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "the step's Retry-After"
    );
    assert_eq!(results.get(&first).unwrap().id.as_deref(), Some("u1"));
    assert_eq!(results.get(&second).unwrap().id.as_deref(), Some("u2"));
    results.get(&third).unwrap();
    let mut large = Batch::new();
    let steps: Vec<_> = (0..21)
        .map(|i| large.add(&requests::user_get(&i.to_string())).unwrap())
        .collect();
    let results = run(client.send_batch(&large)).unwrap();
    assert_eq!(results.get(&steps[20]).unwrap().id.as_deref(), Some("21"));
    let seen = server.seen();
    assert_eq!(seen.len(), 4, "two, then 20 + 1");
    assert_eq!(seen[2].json()["requests"].as_array().unwrap().len(), 20);
    assert!(seen.iter().all(|s| s.header("authorization") == BEARER));
}

#[test]
fn long_running_actions_give_their_monitor_url() {
    let monitor = Server::start("127.0.0.2", |_, _| {
        json_answer(
            202,
            json!({"status": "inProgress", "percentageComplete": 40}),
        )
    });
    let location = monitor.url("/monitor/1?token=x");
    let server = Server::start("127.0.0.1", move |_, _| {
        answer(202, &[("Location", location.as_str())], b"")
    });
    let tokens = Tokens::default();
    let client = client(&server, &tokens);
    let copy: Request<()> = Request::new(Method::Post, "/me/drive/items/1/copy", 202)
        .with_json(&json!({"name": "copy.txt"}));
    let reply = run(client.send_reply(&copy)).unwrap();
    let url = reply.monitor_url().expect("the Location of the 202");
    assert_eq!(url, monitor.url("/monitor/1?token=x"));
    let status = run(client.send(&protocol::monitor_request(url))).unwrap();
    assert_eq!(status["percentageComplete"], 40);
    assert_eq!(
        monitor.seen()[0].header("authorization"),
        None,
        "pre-authenticated"
    );
}

#[test]
fn files_upload_from_disk() {
    let path = std::env::temp_dir().join(format!("docbind-upload-{}.bin", std::process::id()));
    std::fs::write(&path, b"hello, file").unwrap();
    let uploads = Server::start("127.0.0.2", |seen, _| {
        assert_eq!(seen.header("content-range"), Some("bytes 0-10/11"));
        assert_eq!(seen.body, b"hello, file");
        json_answer(201, json!({"id": "f"}))
    });
    let upload_url = uploads.url("/up/2");
    let graph_server = Server::start("127.0.0.1", move |_, _| {
        json_answer(200, json!({"uploadUrl": upload_url}))
    });
    let tokens = Tokens::default();
    let client = client(&graph_server, &tokens);
    let create: Request<Value> = Request::new(
        Method::Post,
        "/me/drive/root:/f.bin:/createUploadSession",
        200,
    );
    let file = FileSource::open(&path).unwrap();
    let item: Value = run(client.upload(&create, &file, DEFAULT_UPLOAD_CHUNK)).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(item["id"], "f");
}

#[test]
fn national_clouds_have_their_host_and_scope() {
    let client = Client::new(transport(), Tokens::default());
    assert_eq!(client.service_root(), "https://graph.microsoft.com/v1.0");
    let china = client.clone().with_cloud(Cloud::China).with_version("beta");
    assert_eq!(
        china.service_root(),
        "https://microsoftgraph.chinacloudapi.cn/beta"
    );
    assert_eq!(
        Cloud::UsGov.default_scope(),
        "https://graph.microsoft.us/.default"
    );
    assert_eq!(
        Cloud::UsGovDod.graph_host(),
        "https://dod-graph.microsoft.us"
    );
}

/// A transport of one's own, on no async runtime at all: the default sleep of
/// [`Transport`] waits between retries. Status 0 is a connection that broke.
struct Scripted {
    answers: Mutex<Vec<(u16, &'static str)>>,
}

impl Transport for Scripted {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, BoxError>> {
        assert_eq!(request.headers()["authorization"], "Bearer t");
        let mut answers = self.answers.lock().unwrap();
        let next = (!answers.is_empty()).then(|| answers.remove(0));
        Box::pin(async move {
            let (status, body) = next.ok_or("no answer left")?;
            if status == 0 {
                return Err("connection reset".into());
            }
            Ok(http::Response::builder()
                .status(status)
                .body(body.as_bytes().to_vec())?)
        })
    }
}

/// Polls a future to its end on this thread.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

#[test]
fn any_transport_and_any_executor_will_do() {
    let transport = Scripted {
        answers: Mutex::new(vec![(503, ""), (200, r#"{"id":"1"}"#)]),
    };
    let retry = RetryPolicy {
        max_retries: 1,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_secs(1),
    };
    let client =
        Client::new(transport, sample_bindings::client::StaticToken::new("t")).with_retry(retry);
    let user = block_on(client.send(&requests::user_get("1"))).unwrap();
    assert_eq!(user.id.as_deref(), Some("1"));
    let error = block_on(client.send(&Request::<()>::new(Method::Get, "/x", 200))).unwrap_err();
    assert!(
        matches!(error, Error::Transport(_)),
        "no answer left: {error}"
    );
}

#[test]
fn a_broken_connection_is_retried_for_idempotent_requests_only() {
    let transport = Scripted {
        answers: Mutex::new(vec![(0, ""), (200, r#"{"id":"1"}"#), (0, ""), (201, "{}")]),
    };
    let retry = RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_secs(1),
    };
    let client =
        Client::new(transport, sample_bindings::client::StaticToken::new("t")).with_retry(retry);
    let user = block_on(client.send(&requests::user_get("1"))).unwrap();
    assert_eq!(user.id.as_deref(), Some("1"));
    // A POST may have been carried out before the connection broke: not sent again.
    let post = Request::<()>::new(Method::Post, "/x", 201);
    let error = block_on(client.send(&post)).unwrap_err();
    assert!(matches!(&error, Error::Transport(e) if e.to_string() == "connection reset"), "{error}");
}
