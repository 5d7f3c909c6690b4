//! An async client (cargo feature `client`): sends the request values of the
//! request functions and reads their answers, over a [`Transport`] of your
//! choice (`reqwest::ReqwestTransport` with the feature `reqwest`) with tokens
//! from a [`TokenProvider`].
//!
//! What it does for each request: prefixes the service root of the national
//! cloud, adds `Authorization: Bearer <token>` (only for the service's own host:
//! never for another host, a redirect elsewhere or a pre-authenticated URL),
//! retries 429, 503 and 504 answers as `crate::protocol::retry_decision` says
//! (`Retry-After` first, else bounded exponential backoff with jitter) and
//! idempotent requests whose connection failed
//! (`crate::protocol::retry_after_transport_error`), follows
//! redirects, and reads the answer as the request's type. On top: every page or
//! item of a list ([`Client::pages`], [`Client::items`]), upload sessions
//! ([`Client::upload`]) and JSON batches ([`Client::send_batch`]).
//!
//! It needs no particular async runtime: waits go through [`Transport::sleep`],
//! which by default wakes the task from a short-lived thread.
//!
//! This file is written by docbind and is the same in every generated crate.

use super::batch::{steps_to_retry, Batch, BatchResults};
use super::protocol::{self, RetryPolicy, UploadProgress, UploadSession};
use super::runtime::{
    BoxError, Collection, Error, FromResponse, Method, NoOptions, Reply, Request,
};
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime};

/// A boxed future that can move between threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends one HTTP request and gives its answer: no retries, no redirects (the
/// client follows them, deciding what goes along), no authentication.
pub trait Transport: Send + Sync {
    /// Sends `request` (an absolute URL) and reads the whole answer.
    fn send(
        &self,
        request: ::http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<::http::Response<Vec<u8>>, BoxError>>;

    /// Waits `duration` (between retries). By default a thread sleeps and then
    /// wakes the task, which works with any executor; a transport tied to a
    /// runtime uses that runtime's timer.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(ThreadSleep {
            duration,
            state: None,
        })
    }
}

/// Gives bearer tokens for scopes (e.g. `https://graph.microsoft.com/.default`).
/// Caching and refreshing tokens is the provider's business: it is asked once
/// per request sent to the service, and once more when the service refuses the
/// token it gave (a `401`, e.g. a token revoked or expired before its time).
pub trait TokenProvider: Send + Sync {
    fn token<'a>(&'a self, scopes: &'a [String]) -> BoxFuture<'a, Result<String, BoxError>>;

    /// A new token after the service answered `401` to `rejected`, or `None`
    /// when there is none to give (the `401` is then the answer). By default
    /// `None`: a provider that caches tokens drops `rejected` from its cache and
    /// gets a fresh one here.
    fn refresh<'a>(
        &'a self,
        scopes: &'a [String],
        rejected: &'a str,
    ) -> BoxFuture<'a, Result<Option<String>, BoxError>> {
        let _ = (scopes, rejected);
        Box::pin(async { Ok(None) })
    }
}

/// A token obtained elsewhere, the same for every request.
#[derive(Clone)]
pub struct StaticToken(String);

impl StaticToken {
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken(token.into())
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(..)")
    }
}

impl TokenProvider for StaticToken {
    fn token<'a>(&'a self, _scopes: &'a [String]) -> BoxFuture<'a, Result<String, BoxError>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// The national clouds of Microsoft Graph, each with its own host and scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cloud {
    /// `https://graph.microsoft.com`.
    Global,
    /// US Government L4: `https://graph.microsoft.us`.
    UsGov,
    /// US Government L5 (DOD): `https://dod-graph.microsoft.us`.
    UsGovDod,
    /// Microsoft Graph operated by 21Vianet in China:
    /// `https://microsoftgraph.chinacloudapi.cn`.
    China,
}

impl Cloud {
    /// The cloud's Graph host, as a URL without a path.
    pub fn graph_host(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGov => "https://graph.microsoft.us",
            Cloud::UsGovDod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The scope that asks for the application's configured permissions there.
    pub fn default_scope(self) -> String {
        format!("{}/.default", self.graph_host())
    }
}

/// How many redirects a request follows at most.
pub const MAX_REDIRECTS: u32 = 10;
/// How many times an upload session is resumed after a failed chunk.
pub const MAX_UPLOAD_RESUMES: u32 = 3;
/// The chunk size of [`Client::upload`] unless told otherwise: 10 × 320 KiB.
pub const DEFAULT_UPLOAD_CHUNK: u64 = 10 * protocol::UPLOAD_CHUNK_UNIT;

/// Sends requests to the service. Cheap to clone (the transport and token
/// provider are shared).
#[derive(Clone)]
pub struct Client {
    transport: Arc<dyn Transport>,
    tokens: Arc<dyn TokenProvider>,
    service_root: String,
    scopes: Vec<String>,
    retry: RetryPolicy,
    max_redirects: u32,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("service_root", &self.service_root)
            .field("scopes", &self.scopes)
            .field("retry", &self.retry)
            .field("max_redirects", &self.max_redirects)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client of the global cloud's `v1.0` endpoint.
    pub fn new(transport: impl Transport + 'static, tokens: impl TokenProvider + 'static) -> Self {
        Client {
            transport: Arc::new(transport),
            tokens: Arc::new(tokens),
            service_root: format!("{}/v1.0", Cloud::Global.graph_host()),
            scopes: vec![Cloud::Global.default_scope()],
            retry: RetryPolicy::default(),
            max_redirects: MAX_REDIRECTS,
        }
    }

    /// Another national cloud: its host, with the same version, and its scope.
    pub fn with_cloud(mut self, cloud: Cloud) -> Self {
        self.service_root = format!("{}/{}", cloud.graph_host(), self.version());
        self.scopes = vec![cloud.default_scope()];
        self
    }

    /// Another version of the API (`beta`), on the same host.
    pub fn with_version(mut self, version: &str) -> Self {
        let root = self.service_root.trim_end_matches('/');
        let host = root.rsplit_once('/').map_or(root, |(host, _)| host);
        self.service_root = format!("{host}/{version}");
        self
    }

    /// A service root of your own, e.g. `http://127.0.0.1:8080/v1.0` for a test
    /// server: tokens go to its host only. The scopes stay as they were.
    pub fn with_service_root(mut self, service_root: &str) -> Self {
        self.service_root = service_root.trim_end_matches('/').to_string();
        self
    }

    /// The scopes tokens are asked for.
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// When to send a request again (see `crate::protocol::retry_decision`).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// How many redirects a request follows at most ([`MAX_REDIRECTS`] by default).
    pub fn with_max_redirects(mut self, max_redirects: u32) -> Self {
        self.max_redirects = max_redirects;
        self
    }

    /// The service root requests are sent below, e.g. `https://graph.microsoft.com/v1.0`.
    pub fn service_root(&self) -> &str {
        &self.service_root
    }

    fn version(&self) -> &str {
        self.service_root.rsplit('/').next().unwrap_or("v1.0")
    }

    /// Sends `request` and reads the answer as its type.
    pub async fn send<R: FromResponse, O>(&self, request: &Request<R, O>) -> Result<R, Error> {
        let raw = self.execute(request).await?;
        request.parse_response(raw.status, &raw.headers, &raw.value)
    }

    /// [`Client::send`], keeping the answer's status and headers: for a long-running
    /// action answered `202 Accepted`, [`Reply::monitor_url`] is where to poll.
    pub async fn send_reply<R: FromResponse, O>(
        &self,
        request: &Request<R, O>,
    ) -> Result<Reply<R>, Error> {
        let raw = self.execute(request).await?;
        request.parse_reply(raw.status, &raw.headers, &raw.value)
    }

    /// Sends `request` with credentials, retries and redirects, and gives the last
    /// answer as it came, whatever its status.
    pub async fn execute<R, O>(&self, request: &Request<R, O>) -> Result<Reply<Vec<u8>>, Error> {
        let mut method = request.method;
        let mut url = request.url(&self.service_root);
        let mut headers = request.headers.clone();
        if request.header_value("client-request-id").is_none() {
            // What the service echoes in its errors (`ServiceError::client_request_id`),
            // to find the request again.
            headers.push(("client-request-id".to_string(), client_request_id()));
        }
        let mut body = request.body.to_bytes();
        let (mut retries, mut redirects) = (0u32, 0u32);
        let mut token: Option<String> = None;
        let mut refreshed = false;
        loop {
            // Credentials go to the service's own host only: the token, or an
            // `Authorization` the caller set.
            let own_host = protocol::same_origin(&self.service_root, &url);
            let authorize = request.sends_authorization() && own_host;
            if authorize && token.is_none() {
                let scopes = &self.scopes;
                let fresh = self.tokens.token(scopes).await.map_err(Error::Credential)?;
                token = Some(fresh);
            }
            let credentials = match token.as_deref() {
                Some(token) if authorize => Credentials::Bearer(token),
                _ if own_host => Credentials::Caller,
                _ => Credentials::None,
            };
            let http_request = http_request(method, &url, &headers, &body, credentials)?;
            let response = match self.transport.send(http_request).await {
                Ok(response) => response,
                Err(error) => {
                    let wait =
                        protocol::retry_after_transport_error(&self.retry, retries, method, jitter());
                    let Some(wait) = wait else {
                        return Err(Error::Transport(error));
                    };
                    retries += 1;
                    self.transport.sleep(wait).await;
                    continue;
                }
            };
            let (status, response_headers, response_body) = parts(response);
            if let Some(rejected) = token.as_deref().filter(|_| {
                authorize && protocol::ask_for_new_token(status, refreshed)
            }) {
                refreshed = true;
                let fresh = self.tokens.refresh(&self.scopes, rejected).await;
                if let Some(fresh) = fresh.map_err(Error::Credential)? {
                    token = Some(fresh);
                    continue;
                }
            }
            if let Some(redirect) = protocol::redirect(method, status, &response_headers, &url) {
                let redirect = redirect?;
                redirects += 1;
                if redirects > self.max_redirects {
                    return Err(Error::Invalid(format!(
                        "{} {} was redirected more than {} times",
                        request.method,
                        request.url(&self.service_root),
                        self.max_redirects
                    )));
                }
                if !redirect.keep_authorization {
                    headers.retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
                }
                if !redirect.keep_body {
                    body.clear();
                    headers.retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
                }
                method = redirect.method;
                url = redirect.url;
                continue;
            }
            // Every body is held in memory, so it can always be sent again.
            let wait = protocol::retry_decision(
                &self.retry,
                retries,
                status,
                &response_headers,
                SystemTime::now(),
                true,
                jitter(),
            );
            if let Some(wait) = wait {
                retries += 1;
                self.transport.sleep(wait).await;
                continue;
            }
            return Ok(Reply {
                status,
                headers: response_headers,
                value: response_body,
            });
        }
    }

    /// The page after `page` of the list `request` asked for, or `None` after the
    /// last; sent with `request`'s headers.
    pub async fn next_page<T: DeserializeOwned, O>(
        &self,
        request: &Request<Collection<T>, O>,
        page: &Collection<T>,
    ) -> Result<Option<Collection<T>>, Error> {
        match request.next_page(page) {
            Some(next) => self.send(&next).await.map(Some),
            None => Ok(None),
        }
    }

    /// Every page of a list, following nextLinks with `request`'s headers (e.g.
    /// `ConsistencyLevel: eventual`) on every page. After the last page of a
    /// delta query, [`Pages::delta_link`] is the link to keep for next time
    /// (resume with `Request::from_link`).
    pub fn pages<T, O>(&self, request: Request<Collection<T>, O>) -> Pages<T, O> {
        Pages {
            client: self.clone(),
            next: Some(request),
            pending: None,
            delta_link: None,
        }
    }

    /// Every item of every page of a list (see [`Client::pages`]).
    pub fn items<T, O>(&self, request: Request<Collection<T>, O>) -> Items<T, O> {
        Items {
            pages: self.pages(request),
            buffer: VecDeque::new(),
        }
    }

    /// Uploads `source` through an upload session: sends `create_session` (a
    /// `createUploadSession` request function, whose answer has the `uploadUrl`),
    /// then the bytes in chunks of about `chunk_size` (rounded to a multiple of
    /// 320 KiB; [`DEFAULT_UPLOAD_CHUNK`] is a good start) to the upload URL,
    /// without credentials, each with its `Content-Range`, as the service's
    /// `nextExpectedRanges` ask. A chunk that fails (after retries) makes the
    /// client ask the session what it still needs and go on from there, at most
    /// [`MAX_UPLOAD_RESUMES`] times. Gives the item the last chunk made.
    pub async fn upload<S, O, T: DeserializeOwned>(
        &self,
        create_session: &Request<S, O>,
        source: &dyn UploadSource,
        chunk_size: u64,
    ) -> Result<T, Error> {
        let create = create_session.clone().expecting::<UploadSession>();
        let session = self.send(&create).await?;
        let Some(url) = session.upload_url else {
            return Err(Error::Invalid(
                "the upload session has no uploadUrl".to_string(),
            ));
        };
        let total = source.size();
        let mut ranges = protocol::expected_ranges(&session.next_expected_ranges, total);
        if session.next_expected_ranges.is_empty() {
            ranges = vec![(0, total)];
        }
        self.upload_ranges(&url, source, ranges, chunk_size).await
    }

    /// Goes on with an upload session started earlier (its `uploadUrl`, kept by
    /// the caller): asks what the service still needs and sends it.
    pub async fn resume_upload<T: DeserializeOwned>(
        &self,
        upload_url: &str,
        source: &dyn UploadSource,
        chunk_size: u64,
    ) -> Result<T, Error> {
        let status = self
            .send(&protocol::upload_status_request(upload_url))
            .await?;
        let ranges = protocol::expected_ranges(&status.next_expected_ranges, source.size());
        self.upload_ranges(upload_url, source, ranges, chunk_size)
            .await
    }

    async fn upload_ranges<T: DeserializeOwned>(
        &self,
        url: &str,
        source: &dyn UploadSource,
        mut ranges: Vec<(u64, u64)>,
        chunk_size: u64,
    ) -> Result<T, Error> {
        let total = source.size();
        let chunk_size = protocol::upload_chunk_size(chunk_size);
        let (mut resumes, mut stalls) = (0, 0);
        loop {
            let Some((start, end)) = protocol::next_chunk(&ranges, chunk_size) else {
                return Err(Error::Invalid(format!(
                    "the upload session at {url} expects no more bytes of the {total} but made no item"
                )));
            };
            let mut bytes = vec![0; (end - start) as usize];
            source.read_at(start, &mut bytes).map_err(|e| {
                Error::Invalid(format!(
                    "bytes {start}..{end} of the upload cannot be read: {e}"
                ))
            })?;
            let chunk = protocol::upload_chunk_request(url, start, total, bytes);
            match self.send_reply(&chunk).await {
                Ok(reply) => match protocol::upload_progress(reply, total)? {
                    UploadProgress::More(next) => {
                        // A session that keeps asking for the same bytes is stuck.
                        stalls = if next == ranges { stalls + 1 } else { 0 };
                        if stalls > MAX_UPLOAD_RESUMES {
                            return Err(Error::Invalid(format!(
                                "the upload session at {url} took bytes {start}..{end} {stalls} times without asking for others"
                            )));
                        }
                        ranges = next;
                    }
                    UploadProgress::Done(item) => {
                        return serde_json::from_value(item).map_err(|source| Error::Decode {
                            status: 201,
                            source,
                        })
                    }
                },
                Err(error) if resumes < MAX_UPLOAD_RESUMES && resumable(&error) => {
                    resumes += 1;
                    let status = self.send(&protocol::upload_status_request(url)).await?;
                    ranges = protocol::expected_ranges(&status.next_expected_ranges, total);
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Sends a JSON batch: as many `$batch` requests as it takes (20 steps each,
    /// dependent steps together), then the steps answered 429, 503 or 504 again
    /// (with the steps that failed because they depend on them) after the wait
    /// they ask for, as long as the retry policy allows. Read each step's answer
    /// with [`BatchResults::get`].
    pub async fn send_batch(&self, batch: &Batch) -> Result<BatchResults, Error> {
        let mut results = BatchResults::new(batch);
        let mut todo = batch.clone();
        let mut retries = 0;
        loop {
            for request in todo.requests()? {
                results.add(self.send(&request).await?);
            }
            let now = SystemTime::now();
            match steps_to_retry(&todo, &results, &self.retry, retries, now, jitter()) {
                Some((wait, again)) => {
                    retries += 1;
                    self.transport.sleep(wait).await;
                    todo = again;
                }
                None => return Ok(results),
            }
        }
    }
}

/// A chunk failed in a way the session may survive: no answer, a 5xx after
/// retries, or a range the service did not expect (416).
fn resumable(error: &Error) -> bool {
    match error {
        Error::Transport(_) => true,
        Error::Service(e) => e.status >= 500 || e.status == 416,
        _ => false,
    }
}

/// The bytes of an upload, read a chunk at a time (so that a chunk can be read
/// again after a failure).
pub trait UploadSource: Sync {
    /// The number of bytes.
    fn size(&self) -> u64;
    /// Fills `buf` with the bytes from `start` on.
    fn read_at(&self, start: u64, buf: &mut [u8]) -> std::io::Result<()>;
}

impl UploadSource for [u8] {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn read_at(&self, start: u64, buf: &mut [u8]) -> std::io::Result<()> {
        let start = usize::try_from(start).unwrap_or(usize::MAX);
        match self.get(start..).and_then(|rest| rest.get(..buf.len())) {
            Some(bytes) => {
                buf.copy_from_slice(bytes);
                Ok(())
            }
            None => Err(std::io::ErrorKind::UnexpectedEof.into()),
        }
    }
}

impl UploadSource for Vec<u8> {
    fn size(&self) -> u64 {
        self.as_slice().size()
    }

    fn read_at(&self, start: u64, buf: &mut [u8]) -> std::io::Result<()> {
        self.as_slice().read_at(start, buf)
    }
}

/// A file to upload, read a chunk at a time.
#[derive(Debug)]
pub struct FileSource {
    file: Mutex<std::fs::File>,
    size: u64,
}

impl FileSource {
    /// The file as it is now (its size is read once).
    pub fn new(file: std::fs::File) -> std::io::Result<Self> {
        let size = file.metadata()?.len();
        Ok(FileSource {
            file: Mutex::new(file),
            size,
        })
    }

    /// Opens the file at `path`.
    pub fn open(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        FileSource::new(std::fs::File::open(path)?)
    }
}

impl UploadSource for FileSource {
    fn size(&self) -> u64 {
        self.size
    }

    fn read_at(&self, start: u64, buf: &mut [u8]) -> std::io::Result<()> {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(buf)
    }
}

/// Every page of a list: a `futures_core::Stream`, or call [`Pages::next`]. It
/// holds a clone of the client, so it can move into a task of its own.
pub struct Pages<T, O = NoOptions> {
    client: Client,
    next: Option<Request<Collection<T>, O>>,
    #[allow(clippy::type_complexity)]
    pending: Option<BoxFuture<'static, (Request<Collection<T>, O>, Result<Collection<T>, Error>)>>,
    delta_link: Option<String>,
}

// Nothing is pinned in place: the pending future is boxed.
impl<T, O> Unpin for Pages<T, O> {}

impl<T, O> fmt::Debug for Pages<T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("next", &self.next)
            .field("pending", &self.pending.is_some())
            .field("delta_link", &self.delta_link)
            .finish()
    }
}

impl<T: DeserializeOwned + Send + 'static, O: 'static> Pages<T, O> {
    /// The next page, `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<Collection<T>, Error>> {
        std::future::poll_fn(|cx| self.poll_page(cx)).await
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Collection<T>, Error>>> {
        if self.pending.is_none() {
            let Some(request) = self.next.take() else {
                return Poll::Ready(None);
            };
            let client = self.client.clone();
            self.pending = Some(Box::pin(async move {
                let page = client.send(&request).await;
                (request, page)
            }));
        }
        let Some(pending) = self.pending.as_mut() else {
            return Poll::Ready(None);
        };
        let Poll::Ready((request, page)) = pending.as_mut().poll(cx) else {
            return Poll::Pending;
        };
        self.pending = None;
        if let Ok(page) = &page {
            self.next = request.next_page(page);
            if page.delta_link.is_some() {
                self.delta_link.clone_from(&page.delta_link);
            }
        }
        Poll::Ready(Some(page))
    }
}

impl<T, O> Pages<T, O> {
    /// The deltaLink of the last page of a delta query, once it came.
    pub fn delta_link(&self) -> Option<&str> {
        self.delta_link.as_deref()
    }
}

impl<T: DeserializeOwned + Send + 'static, O: 'static> ::futures_core::Stream for Pages<T, O> {
    type Item = Result<Collection<T>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

/// Every item of every page of a list: a `futures_core::Stream`, or call
/// [`Items::next`].
pub struct Items<T, O = NoOptions> {
    pages: Pages<T, O>,
    buffer: VecDeque<T>,
}

impl<T, O> Unpin for Items<T, O> {}

impl<T, O> fmt::Debug for Items<T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<T: DeserializeOwned + Send + 'static, O: 'static> Items<T, O> {
    /// The next item, `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, Error>>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => self.buffer.extend(page.value),
            }
        }
    }
}

impl<T, O> Items<T, O> {
    /// The deltaLink of the last page of a delta query, once it came.
    pub fn delta_link(&self) -> Option<&str> {
        self.pages.delta_link()
    }
}

impl<T: DeserializeOwned + Send + 'static, O: 'static> ::futures_core::Stream for Items<T, O> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

/// What `Authorization` one attempt sends.
#[derive(Clone, Copy)]
enum Credentials<'t> {
    /// The client's token (the service's host, a request that sends credentials).
    Bearer(&'t str),
    /// The caller's own header, if any (the service's host).
    Caller,
    /// None at all (another host).
    None,
}

/// The HTTP request of one attempt.
fn http_request(
    method: Method,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    credentials: Credentials<'_>,
) -> Result<::http::Request<Vec<u8>>, Error> {
    let invalid =
        |e: &dyn fmt::Display| Error::Invalid(format!("{method} {url} cannot be sent: {e}"));
    let http_method =
        ::http::Method::from_bytes(method.as_str().as_bytes()).map_err(|e| invalid(&e))?;
    let mut builder = ::http::Request::builder().method(http_method).uri(url);
    let keep_callers = matches!(credentials, Credentials::Caller);
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("authorization") && !keep_callers {
            continue;
        }
        builder = builder.header(name.as_str(), value.as_str());
    }
    if let Credentials::Bearer(token) = credentials {
        builder = builder.header("Authorization", format!("Bearer {token}"));
    }
    builder.body(body.to_vec()).map_err(|e| invalid(&e))
}

fn parts(response: ::http::Response<Vec<u8>>) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let (head, body) = response.into_parts();
    let headers = head.headers.iter().map(|(name, value)| {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        (name.as_str().to_string(), value)
    });
    (head.status.as_u16(), headers.collect(), body)
}

/// 64 bits that differ from call to call (std's randomly keyed hasher over the
/// time): not for secrets, enough for jitter and request ids.
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(nanos);
    hasher.finish()
}

/// A number in `[0, 1)` that differs from call to call, for backoff jitter.
fn jitter() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A random (version 4) UUID, as Graph's `client-request-id` header takes.
fn client_request_id() -> String {
    let (a, b) = (random_u64(), random_u64());
    let a = (a & !0xF000) | 0x4000; // version 4
    let b = (b & !(0xC000 << 48)) | (0x8000 << 48); // RFC 4122 variant
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

/// Whether the time is up, and the task to wake.
type SleepState = (bool, Option<Waker>);

/// [`Transport::sleep`]'s default: a thread sleeps, then wakes the task.
struct ThreadSleep {
    duration: Duration,
    /// Set on the first poll.
    state: Option<Arc<Mutex<SleepState>>>,
}

impl Future for ThreadSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.duration.is_zero() {
            return Poll::Ready(());
        }
        let duration = self.duration;
        let state = self.state.get_or_insert_with(|| {
            let state = Arc::new(Mutex::new((false, None::<Waker>)));
            let timer = Arc::clone(&state);
            std::thread::spawn(move || {
                std::thread::sleep(duration);
                let mut guard = timer.lock().unwrap_or_else(|e| e.into_inner());
                guard.0 = true;
                if let Some(waker) = guard.1.take() {
                    waker.wake();
                }
            });
            state
        });
        let mut guard = state.lock().unwrap_or_else(|e| e.into_inner());
        if guard.0 {
            Poll::Ready(())
        } else {
            guard.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

#[cfg(feature = "reqwest")]
pub mod reqwest;
