//! Support code shared by the generated models and request functions.
//!
//! A request function builds a [`Request`]: method, encoded path, query, headers
//! (with `Content-Type` when there is a body) and a [`Body`], JSON or bytes. It
//! does no I/O. Send it with the crate's client (cargo feature `client`, see
//! `crate::client`), or with any HTTP client: prefix the service root, e.g.
//! `https://graph.microsoft.com/v1.0`, to [`Request::path_and_query`] (or call
//! [`Request::url`]), then give the status, headers and body of the answer to
//! [`Request::parse_response`]. `crate::protocol` has the rest of what a caller
//! decides without I/O (retries, redirects, upload sessions) and `crate::batch`
//! builds JSON batches.
//!
//! The models keep everything the service sends: properties the docs do not
//! describe land in `additional_properties`, `null` is kept apart from "absent"
//! ([`Field::Null`] versus [`Field::Absent`]), enum values the docs do not list are kept as
//! text, and polymorphic values of unknown derived types fall back to their base
//! type with their `@odata.type`.
//!
//! This file is written by docbind and is the same in every generated crate.

use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;
use std::marker::PhantomData;

/// HTTP method of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    Get,
    Post,
    Patch,
    Put,
    Delete,
    Head,
    Options,
    /// A method the docs name that is none of the above, in upper case.
    Other(&'static str),
}

impl Method {
    /// The method as sent on the wire, e.g. `"PATCH"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
            Method::Other(method) => method,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of a request.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// A JSON body (`Content-Type: application/json`).
    Json(Value),
    /// Bytes, sent as they are (with the `Content-Type` the request was given).
    Bytes(Vec<u8>),
}

impl Body {
    /// Whether there is no body.
    pub fn is_empty(&self) -> bool {
        matches!(self, Body::Empty)
    }

    /// The JSON body, if it is one.
    pub fn as_json(&self) -> Option<&Value> {
        match self {
            Body::Json(json) => Some(json),
            Body::Empty | Body::Bytes(_) => None,
        }
    }

    /// The bytes to send: the JSON written out, the bytes, or nothing.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Body::Empty => Vec::new(),
            // Writing a `Value` cannot fail: its map keys are strings.
            Body::Json(json) => serde_json::to_vec(json).unwrap_or_default(),
            Body::Bytes(bytes) => bytes.clone(),
        }
    }
}

/// A request ready to be sent, answered by a response body of type `R`.
///
/// `O` says which typed query options it offers (see [`supports`]): a request
/// function whose page lists `$select` returns a request with [`Request::select`].
/// The default, [`NoOptions`], offers none; [`Request::query`] and
/// [`Request::header`] add anything to any request.
pub struct Request<R, O = NoOptions> {
    pub method: Method,
    /// Percent-encoded path, starting with `/`, relative to the service root; or
    /// an absolute URL the service gave (a next page or a delta link, see
    /// [`Request::next_page`] and [`Request::from_link`]), used as it is.
    pub path: String,
    /// Query parameters, not encoded yet (see [`Request::path_and_query`]).
    pub query: Vec<(String, String)>,
    /// Request headers; `Content-Type` is set with the body.
    pub headers: Vec<(String, String)>,
    pub body: Body,
    expected_status: u16,
    /// Whether the caller's credentials go with it (not to a pre-authenticated URL).
    authorize: bool,
    response: PhantomData<fn() -> (R, O)>,
}

impl<R, O> Request<R, O> {
    /// A request without query, headers or body. `path` must already be encoded
    /// (request functions encode every parameter with [`encode_segment`]).
    pub fn new(method: Method, path: impl Into<String>, expected_status: u16) -> Self {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            expected_status,
            authorize: true,
            response: PhantomData,
        }
    }

    /// Adds a query parameter (e.g. `$select`), unencoded.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds a request header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The value of the first header named `name` (in any letter case).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Sets the header `name` to `value`, replacing any header of that name.
    pub fn set_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.headers.push((name, value.into()));
        self
    }

    /// Sets the JSON body to `body`, which must be writable as JSON.
    ///
    /// The request functions pass generated types, whose serialization cannot fail:
    /// their maps have string keys and their `Serialize` impls never error. For any
    /// other value that may fail (a map with non-string keys), use
    /// [`Request::try_with_json`].
    ///
    /// # Panics
    ///
    /// When `body` cannot be written as JSON: sending something else (`null`) in
    /// its place would be a request nobody asked for.
    pub fn with_json<B: Serialize + ?Sized>(self, body: &B) -> Self {
        match self.try_with_json(body) {
            Ok(request) => request,
            Err(e) => panic!("the request body cannot be written as JSON: {e}"),
        }
    }

    /// Sets the JSON body to `body` and `Content-Type: application/json`, or says
    /// why it cannot be written as JSON.
    pub fn try_with_json<B: Serialize + ?Sized>(
        mut self,
        body: &B,
    ) -> Result<Self, serde_json::Error> {
        self.body = Body::Json(serde_json::to_value(body)?);
        Ok(self.set_header("Content-Type", "application/json"))
    }

    /// Sets the body to `bytes`, sent as they are, and `Content-Type` to
    /// `content_type` (e.g. `image/jpeg`, `application/octet-stream`).
    pub fn with_bytes(mut self, content_type: &str, bytes: impl Into<Vec<u8>>) -> Self {
        self.body = Body::Bytes(bytes.into());
        self.set_header("Content-Type", content_type)
    }

    /// The request without the caller's credentials: for pre-authenticated URLs
    /// (an upload session's `uploadUrl`), which must not receive a token.
    pub fn without_authorization(mut self) -> Self {
        self.authorize = false;
        self
    }

    /// Whether a client adds its `Authorization` header (never to another host
    /// than the service's, whatever this says).
    pub fn sends_authorization(&self) -> bool {
        self.authorize
    }

    /// The same request, read as `U` (e.g. an upload session's own type, or
    /// `serde_json::Value`).
    pub fn expecting<U>(self) -> Request<U, O> {
        Request {
            method: self.method,
            path: self.path,
            query: self.query,
            headers: self.headers,
            body: self.body,
            expected_status: self.expected_status,
            authorize: self.authorize,
            response: PhantomData,
        }
    }

    /// The status code the docs give for success. [`Request::parse_response`]
    /// accepts any 2xx status.
    pub fn expected_status(&self) -> u16 {
        self.expected_status
    }

    /// The path followed by the encoded query string, e.g. `/users/a%20b?%24select=id`.
    /// A path that already has a query (a next page's link) gets the parameters
    /// after `&`.
    pub fn path_and_query(&self) -> String {
        let mut url = self.path.clone();
        let has_query = url.contains('?');
        for (i, (name, value)) in self.query.iter().enumerate() {
            url.push(if i == 0 && !has_query { '?' } else { '&' });
            url.push_str(&encode_query_component(name));
            url.push('=');
            url.push_str(&encode_query_component(value));
        }
        url
    }

    /// The whole URL: `service_root` (e.g. `https://graph.microsoft.com/v1.0`)
    /// followed by [`Request::path_and_query`], or that alone when the path is
    /// already an absolute URL.
    pub fn url(&self, service_root: &str) -> String {
        let path_and_query = self.path_and_query();
        if is_absolute(&self.path) {
            path_and_query
        } else {
            [service_root.trim_end_matches('/'), path_and_query.as_str()].concat()
        }
    }
}

/// Whether `path` is an absolute `http(s)` URL rather than a path.
pub fn is_absolute(path: &str) -> bool {
    let lower = path.get(..8).unwrap_or(path).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The value of the first header named `name`, in any letter case.
pub fn find_header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

impl<T, O> Request<Collection<T>, O> {
    /// The request for the page after `page`, or `None` on the last page. It is a
    /// GET of the page's nextLink (an absolute URL that holds the whole query, so
    /// the query options are not repeated) with this request's headers, which the
    /// service expects on every page (e.g. `ConsistencyLevel: eventual`).
    pub fn next_page(&self, page: &Collection<T>) -> Option<Self> {
        page.next_link.as_deref().map(|link| self.follow(link))
    }

    /// A GET of `link` (a nextLink or deltaLink) with this request's headers,
    /// but no body nor query of its own: the link holds the whole query.
    pub fn follow(&self, link: &str) -> Self {
        let mut request = Request::from_link(link);
        request.headers = self.headers.clone();
        request
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
        request.authorize = self.authorize;
        request
    }

    /// A GET of a link the service gave and the caller kept, e.g. a stored
    /// deltaLink: the URL is opaque and sent as it is. Add the headers the
    /// first request had (`Prefer`, `ConsistencyLevel`) with [`Request::header`].
    pub fn from_link(link: &str) -> Self {
        Request::new(Method::Get, link, 200)
    }
}

/// What a response body is read as: any JSON type through serde, and
/// [`Download`] for bytes.
pub trait FromResponse: Sized {
    /// Reads a 2xx answer.
    fn from_response(status: u16, headers: &[(String, String)], body: &[u8])
        -> Result<Self, Error>;
}

impl<T: DeserializeOwned> FromResponse for T {
    /// The body as JSON; an empty body reads as `null`, which is what `()` expects.
    fn from_response(
        status: u16,
        _headers: &[(String, String)],
        body: &[u8],
    ) -> Result<Self, Error> {
        let json: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            body
        };
        serde_json::from_slice(json).map_err(|source| Error::Decode { status, source })
    }
}

/// The content of a `$value` or `/content` download: its bytes and their type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Download {
    /// The `Content-Type` of the answer, e.g. `image/jpeg`.
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

impl FromResponse for Download {
    fn from_response(
        _status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<Self, Error> {
        Ok(Download {
            content_type: find_header(headers, "content-type").map(str::to_string),
            bytes: body.to_vec(),
        })
    }
}

/// A successful answer with its status and headers, for what the body does not
/// say (the monitor URL of a long-running operation, an `ETag`).
#[derive(Clone, Debug, PartialEq)]
pub struct Reply<R> {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub value: R,
}

impl<R> Reply<R> {
    /// The value of the first header named `name`, in any letter case.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// For `202 Accepted` (a long-running action such as copying a drive item):
    /// the `Location` where its progress is, to poll with a GET (the URL is
    /// pre-authenticated: send it [`Request::without_authorization`]).
    pub fn monitor_url(&self) -> Option<&str> {
        (self.status == 202)
            .then(|| self.header("location"))
            .flatten()
    }
}

impl<R: FromResponse, O> Request<R, O> {
    /// Reads the service's answer: for a 2xx status, the body as `R` (an empty body
    /// reads as JSON `null`, which is what `()` expects; `Download` takes the
    /// bytes); otherwise [`Error::Service`] with what the service's error body
    /// and headers say.
    pub fn parse_response(
        &self,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<R, Error> {
        if !(200..300).contains(&status) {
            return Err(self.service_error(status, headers, body));
        }
        R::from_response(status, headers, body)
    }

    /// [`Request::parse_response`], with the status and headers kept.
    pub fn parse_reply(
        &self,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<Reply<R>, Error> {
        let value = self.parse_response(status, headers, body)?;
        Ok(Reply {
            status,
            headers: headers.to_vec(),
            value,
        })
    }
}

impl<R, O> Request<R, O> {
    /// The error of a non-2xx answer to this request.
    pub fn service_error(&self, status: u16, headers: &[(String, String)], body: &[u8]) -> Error {
        let mut error = ServiceError::read(status, headers, body);
        error.method = self.method.as_str().to_string();
        error.url = self.path_and_query();
        Error::Service(Box::new(error))
    }
}

// Written by hand rather than derived: a derive would require `R: Clone`/`R: Debug`/
// `R: PartialEq` although no `R` is stored.
impl<R, O> Clone for Request<R, O> {
    fn clone(&self) -> Self {
        Request {
            method: self.method,
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            expected_status: self.expected_status,
            authorize: self.authorize,
            response: PhantomData,
        }
    }
}

impl<R, O> fmt::Debug for Request<R, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("expected_status", &self.expected_status)
            .field("authorize", &self.authorize)
            .finish()
    }
}

impl<R, O> PartialEq for Request<R, O> {
    fn eq(&self, other: &Self) -> bool {
        self.method == other.method
            && self.path == other.path
            && self.query == other.query
            && self.headers == other.headers
            && self.body == other.body
            && self.expected_status == other.expected_status
            && self.authorize == other.authorize
    }
}

/// A page of a collection: `{"value": [...], "@odata.nextLink": "..."}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Collection<T> {
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
    /// Where the next page is, when there is one.
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
    /// Where changes since this page are (delta queries): on the last page,
    /// kept by the caller and resumed with [`Request::from_link`].
    #[serde(
        rename = "@odata.deltaLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delta_link: Option<String>,
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<String>,
    /// The total count, when the request asked for it with `$count=true`.
    #[serde(
        rename = "@odata.count",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<i64>,
    /// Every other property of the page.
    #[serde(flatten)]
    pub additional_properties: Map<String, Value>,
}

// By hand: a derive would require `T: Default`.
impl<T> Default for Collection<T> {
    fn default() -> Self {
        Collection {
            value: Vec::new(),
            next_link: None,
            delta_link: None,
            context: None,
            count: None,
            additional_properties: Map::new(),
        }
    }
}

/// An error answer of the service: what its status, headers and Graph's error
/// body (`{"error": {"code", "message", "innerError": {...}}}`) say.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ServiceError {
    /// `GET`, `POST`...
    pub method: String,
    /// The path and query, or the URL, of the request.
    pub url: String,
    pub status: u16,
    /// `error.code`, e.g. `Request_ResourceNotFound`.
    pub code: Option<String>,
    /// `error.message`.
    pub message: Option<String>,
    /// `error.innerError.request-id` (else the `request-id` header): what
    /// Microsoft support asks for.
    pub request_id: Option<String>,
    /// `error.innerError.client-request-id` (else the header of that name).
    pub client_request_id: Option<String>,
    /// `error.innerError.date` (else the `Date` header).
    pub date: Option<String>,
    /// The `Retry-After` header, for a throttled (429) or unavailable (503) answer.
    pub retry_after: Option<String>,
    /// The whole `error.innerError` object, when there is one.
    pub inner_error: Option<Value>,
    pub headers: Vec<(String, String)>,
    /// The whole body, as text.
    pub body: String,
}

impl ServiceError {
    /// Reads Graph's error body and headers; a body of any other shape leaves the
    /// code, message and inner error empty.
    pub fn read(status: u16, headers: &[(String, String)], body: &[u8]) -> Self {
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let error = json.as_ref().and_then(|json| json.get("error"));
        let text = |value: Option<&Value>, key: &str| {
            value
                .and_then(|v| v.get(key))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let inner = error.and_then(|e| e.get("innerError").or_else(|| e.get("innererror")));
        let from_header = |name: &str| find_header(headers, name).map(str::to_string);
        ServiceError {
            method: String::new(),
            url: String::new(),
            status,
            code: text(error, "code"),
            message: text(error, "message"),
            request_id: text(inner, "request-id").or_else(|| from_header("request-id")),
            client_request_id: text(inner, "client-request-id")
                .or_else(|| from_header("client-request-id")),
            date: text(inner, "date").or_else(|| from_header("date")),
            retry_after: from_header("retry-after"),
            inner_error: inner.cloned(),
            headers: headers.to_vec(),
            body: String::from_utf8_lossy(body).into_owned(),
        }
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.method.is_empty() {
            write!(f, "the service answered {}", self.status)?;
        } else {
            write!(f, "{} {} answered {}", self.method, self.url, self.status)?;
        }
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(after) = &self.retry_after {
            write!(f, "; retry after {after}")?;
        }
        match self.status {
            401 => f.write_str("; the access token is missing, expired or not for this service")?,
            403 => {
                f.write_str("; the token lacks a permission this request needs (see its docs)")?
            }
            _ => {}
        }
        let ids = [
            ("request-id", &self.request_id),
            ("client-request-id", &self.client_request_id),
            ("date", &self.date),
        ];
        let mut ids = ids
            .iter()
            .filter_map(|(n, v)| v.as_ref().map(|v| (n, v)))
            .peekable();
        if ids.peek().is_some() {
            f.write_str(" [")?;
            for (i, (name, value)) in ids.enumerate() {
                write!(f, "{}{name} {value}", if i == 0 { "" } else { ", " })?;
            }
            f.write_str("]")?;
        }
        Ok(())
    }
}

/// An error of a transport, a token provider or anything else the client calls.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a request failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a status other than 2xx.
    Service(Box<ServiceError>),
    /// A 2xx answer whose body is not the documented type.
    Decode {
        status: u16,
        source: serde_json::Error,
    },
    /// The request could not be sent, or no answer came (from the transport).
    Transport(BoxError),
    /// No token could be had for the request (from the token provider).
    Credential(BoxError),
    /// The request or an answer cannot be used as it is: a URL or header the
    /// HTTP types refuse, a redirect without `Location`, too many redirects, a
    /// batch that cannot be split, an upload session that lost its data.
    Invalid(String),
}

impl Error {
    /// The status of an error answer of the service.
    pub fn status(&self) -> Option<u16> {
        self.service().map(|e| e.status)
    }

    /// The service's error answer, if that is what this is.
    pub fn service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(error) => Some(error),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(error) => error.fmt(f),
            Error::Decode { status, source } => {
                write!(
                    f,
                    "the body of a {status} answer is not of the documented type: {source}"
                )
            }
            Error::Transport(source) => write!(f, "the request could not be sent: {source}"),
            Error::Credential(source) => write!(f, "no access token: {source}"),
            Error::Invalid(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Service(_) | Error::Invalid(_) => None,
            Error::Decode { source, .. } => Some(source),
            Error::Transport(source) | Error::Credential(source) => Some(&**source),
        }
    }
}

/// Percent-encodes a value for use as one path segment: every byte outside the
/// RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~` is encoded, and so is a
/// value that is `.` or `..` as a whole, so no value can add, remove or climb
/// path segments, start a query or a fragment, or smuggle an escape.
pub fn encode_segment(value: &str) -> String {
    if value == "." || value == ".." {
        return "%2E".repeat(value.len());
    }
    percent_encode(value, |_| false)
}

/// Percent-encodes a query parameter name or value. Besides the unreserved
/// characters, keeps those OData writes in queries and that mean nothing there
/// (`$select`, `startswith(name,'a')`, `a/b`, `x:y`, `@p`, `*`, `!`), but encodes
/// `&`, `=`, `+`, `#`, `%`, spaces and everything else.
pub fn encode_query_component(value: &str) -> String {
    percent_encode(value, |b| b"$'(),:@/!*".contains(&b))
}

fn percent_encode(value: &str, also_keep: fn(u8) -> bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || also_keep(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
    }
    out
}

/// A property of a generated struct: absent, JSON `null`, or a value.
///
/// Absent properties are not written, so a struct built with
/// `..Default::default()` sends only what was set: that is how a PATCH body
/// changes one property, and [`Field::Null`] is how it clears one.
///
/// ```text
/// let user = User { display_name: "Ada".into(), office_location: Field::Null, ..Default::default() };
/// assert_eq!(user.display_name.get().map(String::as_str), Some("Ada"));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field<T> {
    /// Not in the JSON object (not sent, or not received).
    #[default]
    Absent,
    /// JSON `null`.
    Null,
    /// A value.
    Value(T),
}

impl<T> Field<T> {
    /// The value, if there is one.
    pub fn get(&self) -> Option<&T> {
        match self {
            Field::Value(value) => Some(value),
            Field::Absent | Field::Null => None,
        }
    }

    /// The value to change in place, if there is one.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        match self {
            Field::Value(value) => Some(value),
            Field::Absent | Field::Null => None,
        }
    }

    /// The value, taken out, if there is one.
    pub fn into_value(self) -> Option<T> {
        match self {
            Field::Value(value) => Some(value),
            Field::Absent | Field::Null => None,
        }
    }

    /// Whether the property was not in the JSON object.
    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }

    /// Whether the property was JSON `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    /// Whether the property has a value.
    pub fn is_value(&self) -> bool {
        matches!(self, Field::Value(_))
    }

    /// Sets the value.
    pub fn set(&mut self, value: T) {
        *self = Field::Value(value);
    }

    /// Takes the field out, leaving it absent.
    pub fn take(&mut self) -> Field<T> {
        std::mem::take(self)
    }

    /// `Field<&T>` of the same state, e.g. to compare without cloning.
    pub fn as_ref(&self) -> Field<&T> {
        match self {
            Field::Absent => Field::Absent,
            Field::Null => Field::Null,
            Field::Value(value) => Field::Value(value),
        }
    }

    /// The field with its value mapped by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Field::Absent => Field::Absent,
            Field::Null => Field::Null,
            Field::Value(value) => Field::Value(f(value)),
        }
    }
}

impl<T: std::ops::Deref> Field<T> {
    /// The value through `Deref`, e.g. `Option<&str>` of a `Field<String>`.
    pub fn as_deref(&self) -> Option<&T::Target> {
        self.get().map(|value| &**value)
    }
}

impl<T> From<T> for Field<T> {
    fn from(value: T) -> Self {
        Field::Value(value)
    }
}

impl From<&str> for Field<String> {
    fn from(value: &str) -> Self {
        Field::Value(value.to_string())
    }
}

impl<T> From<T> for Field<Box<T>> {
    fn from(value: T) -> Self {
        Field::Value(Box::new(value))
    }
}

/// What the generated structs implement: reading themselves from a JSON object
/// and writing themselves to one. Their `Serialize`/`Deserialize` impls are one
/// line each on top of it ([`serialize_object`], [`deserialize_object`], written
/// by `serde_object!`), which keeps the generated code small and quick to
/// compile: the per-field work is generic only over the field's type, shared by
/// every struct that uses it.
pub trait Object: Sized {
    /// Takes the struct's properties out of `reader`; what is left over is kept by
    /// the struct as its additional properties.
    fn read(reader: &mut ObjectReader) -> Self;
    /// Writes every property that is present.
    fn write(&self, writer: &mut ObjectWriter);
}

/// The JSON object a struct is read from.
#[derive(Debug, Default)]
pub struct ObjectReader {
    map: Map<String, Value>,
}

impl ObjectReader {
    /// The `@odata.type` of the object, if it is a string.
    pub fn odata_type(&mut self) -> Option<String> {
        match self.map.remove("@odata.type") {
            Some(Value::String(text)) => Some(text),
            Some(other) => {
                self.map.insert("@odata.type".into(), other);
                None
            }
            None => None,
        }
    }

    /// A property: [`Field::Absent`] when absent, [`Field::Null`] when `null`. A
    /// value that is not of the documented type stays in the additional properties
    /// rather than failing the whole object: the docs are not always right about
    /// types, and nothing the service sends is lost.
    pub fn field<T: DeserializeOwned>(&mut self, name: &str) -> Field<T> {
        let Some(value) = self.map.remove(name) else {
            return Field::Absent;
        };
        if value.is_null() {
            return Field::Null;
        }
        match T::deserialize(&value) {
            Ok(typed) => Field::Value(typed),
            Err(_) => {
                self.map.insert(name.to_string(), value);
                Field::Absent
            }
        }
    }

    /// Everything not taken by [`field`](Self::field).
    pub fn rest(&mut self) -> Map<String, Value> {
        std::mem::take(&mut self.map)
    }
}

/// The JSON object a struct is written to.
#[derive(Debug, Default)]
pub struct ObjectWriter {
    map: Map<String, Value>,
}

impl ObjectWriter {
    pub fn odata_type(&mut self, value: &Option<String>) {
        if let Some(text) = value {
            self.map
                .insert("@odata.type".into(), Value::String(text.clone()));
        }
    }

    /// Writes a present property (`null` for [`Field::Null`]).
    pub fn field<T: Serialize>(&mut self, name: &str, value: &Field<T>) {
        let json = match value {
            Field::Absent => return,
            Field::Null => Value::Null,
            // Serializing the generated types to a `Value` cannot fail: every map
            // key is a string and numbers are kept as `serde_json::Number`.
            Field::Value(value) => serde_json::to_value(value).unwrap_or(Value::Null),
        };
        self.map.insert(name.to_string(), json);
    }

    /// Adds the additional properties; a documented property of the same name wins.
    pub fn rest(&mut self, additional: &Map<String, Value>) {
        for (name, value) in additional {
            if !self.map.contains_key(name) {
                self.map.insert(name.clone(), value.clone());
            }
        }
    }
}

/// `Serialize` of a generated struct.
pub fn serialize_object<T: Object, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut writer = ObjectWriter::default();
    value.write(&mut writer);
    writer.map.serialize(serializer)
}

/// `Deserialize` of a generated struct: any JSON object.
pub fn deserialize_object<'de, T: Object, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    let map = Map::deserialize(deserializer)?;
    Ok(T::read(&mut ObjectReader { map }))
}

/// `Serialize` and `Deserialize` of `$name` through two functions of this module,
/// `$serialize(&value, serializer)` and `$deserialize(deserializer)`: the impls
/// behind [`serde_object`] and [`serde_str_enum`], written out once here instead of
/// in every file.
// Each is unused in a crate built with features that have no such type.
#[allow(unused_macros)]
macro_rules! serde_impls {
    ($name:ident, $serialize:ident, $deserialize:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::runtime::$serialize(self, serializer)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::runtime::$deserialize(deserializer)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use serde_impls;

/// `serde_object!(Name);`: serde's traits for a generated struct, through its
/// [`Object`] impl ([`serialize_object`], [`deserialize_object`]).
#[allow(unused_macros)]
macro_rules! serde_object {
    ($name:ident) => {
        $crate::runtime::serde_impls!($name, serialize_object, deserialize_object);
    };
}
#[allow(unused_imports)]
pub(crate) use serde_object;

/// `serde_str_enum!(Name);`: serde's traits for a generated string enum, through
/// its [`StrEnum`] impl ([`serialize_str_enum`], [`deserialize_str_enum`]).
#[allow(unused_macros)]
macro_rules! serde_str_enum {
    ($name:ident) => {
        $crate::runtime::serde_impls!($name, serialize_str_enum, deserialize_str_enum);
    };
}
#[allow(unused_imports)]
pub(crate) use serde_str_enum;

/// What the generated string enums implement, for the helpers below and [`Flags`].
pub trait StrEnum: Sized {
    /// The exact JSON string of the value.
    fn as_str(&self) -> &str;
    /// The value of a JSON string; one the docs do not list is kept as it is.
    fn from_str(value: &str) -> Self;
}

/// `Serialize` of a string enum: its JSON string.
pub fn serialize_str_enum<E: StrEnum, S: Serializer>(
    value: &E,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.as_str())
}

/// `Deserialize` of a string enum: never fails on a string, whatever its value.
pub fn deserialize_str_enum<'de, E: StrEnum, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<E, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok(E::from_str(&text))
}

/// The value of a flags enum: several members in one comma-separated string
/// (`"read,write"`).
///
/// A value read from JSON is written back exactly as it was read (spacing
/// included) as long as `values` is left unchanged; otherwise the members are
/// joined with `,`.
#[derive(Clone, Debug)]
pub struct Flags<E> {
    pub values: Vec<E>,
    /// The text this value was read from.
    text: Option<String>,
}

impl<E> Flags<E> {
    pub fn new(values: Vec<E>) -> Self {
        Flags { values, text: None }
    }
}

impl<E: StrEnum> Flags<E> {
    fn parse(text: &str) -> Vec<E> {
        text.split(',')
            .map(str::trim)
            .filter(|member| !member.is_empty())
            .map(E::from_str)
            .collect()
    }
}

impl<E> Default for Flags<E> {
    fn default() -> Self {
        Flags::new(Vec::new())
    }
}

impl<E> From<Vec<E>> for Flags<E> {
    fn from(values: Vec<E>) -> Self {
        Flags::new(values)
    }
}

impl<E> FromIterator<E> for Flags<E> {
    fn from_iter<I: IntoIterator<Item = E>>(iter: I) -> Self {
        Flags::new(iter.into_iter().collect())
    }
}

/// Two values are equal when their members are, however they were spelled.
impl<E: PartialEq> PartialEq for Flags<E> {
    fn eq(&self, other: &Self) -> bool {
        self.values == other.values
    }
}

impl<E: Eq> Eq for Flags<E> {}

impl<E: StrEnum + PartialEq> Serialize for Flags<E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(text) = &self.text {
            if Self::parse(text) == self.values {
                return serializer.serialize_str(text);
            }
        }
        let members: Vec<&str> = self.values.iter().map(StrEnum::as_str).collect();
        serializer.serialize_str(&members.join(","))
    }
}

impl<'de, E: StrEnum> Deserialize<'de> for Flags<E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Flags {
            values: Self::parse(&text),
            text: Some(text),
        })
    }
}

/// Reads a polymorphic value: the JSON and its `@odata.type`, without a leading
/// `#` and in lower case (Graph writes `#microsoft.graph.user`; type names
/// compare case-insensitively).
pub fn tagged<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<(Option<String>, Value), D::Error> {
    let value = Value::deserialize(deserializer)?;
    let odata_type = value
        .get("@odata.type")
        .and_then(Value::as_str)
        .map(|tag| tag.strip_prefix('#').unwrap_or(tag).to_ascii_lowercase());
    Ok((odata_type, value))
}

/// Reads the variant chosen from the `@odata.type` of a [`tagged`] value.
pub fn variant<T: DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

// Query options: the typed setters a request offers when its page lists them.

/// The options marker of a request that offers no typed query option.
pub enum NoOptions {}

/// Marker traits of the typed query options: a request `Request<R, O>` has the
/// setter of each trait its options marker `O` implements. Request functions
/// return markers named after their options (`crate::options::CountFilterSelect`
/// has [`Request::count`], [`Request::filter`] and [`Request::select`]), from
/// what the operation's pages list in their "Optional query parameters" section
/// and request headers table.
pub mod supports {
    /// `$select`: [`Request::select`](super::Request::select).
    pub trait Select {}
    /// `$expand`: [`Request::expand`](super::Request::expand).
    pub trait Expand {}
    /// `$filter`: [`Request::filter`](super::Request::filter).
    pub trait Filter {}
    /// `$orderby`: [`Request::order_by`](super::Request::order_by).
    pub trait OrderBy {}
    /// `$search`: [`Request::search`](super::Request::search).
    pub trait Search {}
    /// `$count`: [`Request::count`](super::Request::count).
    pub trait Count {}
    /// `$top`: [`Request::top`](super::Request::top).
    pub trait Top {}
    /// `$skip`: [`Request::skip`](super::Request::skip).
    pub trait Skip {}
    /// The `ConsistencyLevel` header:
    /// [`Request::consistency_level_eventual`](super::Request::consistency_level_eventual).
    pub trait ConsistencyLevel {}
    /// The `Prefer` header: [`Request::prefer`](super::Request::prefer).
    pub trait Prefer {}
}

impl<R, O> Request<R, O> {
    /// Sets query parameter `name` to `value`, replacing any value it had.
    fn set_query(mut self, name: &str, value: String) -> Self {
        self.query
            .retain(|(known, _)| !known.eq_ignore_ascii_case(name));
        self.query.push((name.to_string(), value));
        self
    }
}

impl<R, O: supports::Select> Request<R, O> {
    /// `$select`: the properties to return, e.g. `&["id", "displayName"]`.
    pub fn select(self, properties: &[&str]) -> Self {
        self.set_query("$select", properties.join(","))
    }
}

impl<R, O: supports::Expand> Request<R, O> {
    /// `$expand`: the relationships to return inline, e.g. `&["manager"]` or
    /// `&["members($select=id)"]`.
    pub fn expand(self, relationships: &[&str]) -> Self {
        self.set_query("$expand", relationships.join(","))
    }
}

impl<R, O: supports::Filter> Request<R, O> {
    /// `$filter`: an OData filter expression, as is, e.g.
    /// `startswith(displayName,'A')`. Write string values in it with
    /// [`odata_string`], which doubles their single quotes.
    pub fn filter(self, expression: &str) -> Self {
        self.set_query("$filter", expression.to_string())
    }
}

impl<R, O: supports::OrderBy> Request<R, O> {
    /// `$orderby`: properties to sort by, each optionally followed by ` asc` or
    /// ` desc`, e.g. `&["displayName desc"]`.
    pub fn order_by(self, properties: &[&str]) -> Self {
        self.set_query("$orderby", properties.join(","))
    }
}

impl<R, O: supports::Search> Request<R, O> {
    /// `$search`: `text` in double quotes, as the service requires
    /// (`"displayName:wa"`), with `"` and `\` in it escaped by a backslash.
    pub fn search(self, text: &str) -> Self {
        let mut quoted = String::with_capacity(text.len() + 2);
        quoted.push('"');
        for c in text.chars() {
            if c == '"' || c == '\\' {
                quoted.push('\\');
            }
            quoted.push(c);
        }
        quoted.push('"');
        self.set_query("$search", quoted)
    }
}

impl<R, O: supports::Count> Request<R, O> {
    /// `$count`: whether the answer includes the total number of items
    /// ([`Collection::count`]).
    pub fn count(self, count: bool) -> Self {
        self.set_query("$count", count.to_string())
    }
}

impl<R, O: supports::Top> Request<R, O> {
    /// `$top`: at most this many items (per page).
    pub fn top(self, items: u32) -> Self {
        self.set_query("$top", items.to_string())
    }
}

impl<R, O: supports::Skip> Request<R, O> {
    /// `$skip`: leaves out this many items first.
    pub fn skip(self, items: u32) -> Self {
        self.set_query("$skip", items.to_string())
    }
}

impl<R, O: supports::ConsistencyLevel> Request<R, O> {
    /// The header `ConsistencyLevel: eventual`, which advanced queries of
    /// directory objects need (`$count`, `$search`, some `$filter` and `$orderby`).
    pub fn consistency_level_eventual(mut self) -> Self {
        let name = "ConsistencyLevel";
        self.headers
            .retain(|(known, _)| !known.eq_ignore_ascii_case(name));
        self.header(name, "eventual")
    }
}

impl<R, O: supports::Prefer> Request<R, O> {
    /// Adds a `Prefer` header, e.g. `outlook.timezone="Pacific Standard Time"` or
    /// `return=minimal` (each call adds one preference).
    pub fn prefer(self, preference: &str) -> Self {
        self.header("Prefer", preference)
    }
}

/// `value` as an OData string literal: in single quotes, each `'` in it doubled
/// (`O'Neil` → `'O''Neil'`), for the `$filter` expressions given to
/// [`Request::filter`]. (The request is encoded as a whole when it is sent.)
pub fn odata_string(value: &str) -> String {
    ["'", &escape_odata_string(value), "'"].concat()
}

/// `value` with each `'` doubled: the text of an OData string literal between
/// its quotes. Request functions write their parameters this way where the
/// path or a query value puts them in quotes (`getReport(period='{period}')`),
/// so that no value can end the literal.
pub fn escape_odata_string(value: &str) -> String {
    value.replace('\'', "''")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    enum Access {
        Read,
        Write,
        Unknown(String),
    }

    impl StrEnum for Access {
        fn as_str(&self) -> &str {
            match self {
                Access::Read => "read",
                Access::Write => "write",
                Access::Unknown(value) => value,
            }
        }
        fn from_str(value: &str) -> Self {
            match value {
                "read" => Access::Read,
                "write" => Access::Write,
                other => Access::Unknown(other.to_string()),
            }
        }
    }

    #[test]
    fn segments_cannot_change_the_path() {
        assert_eq!(
            encode_segment("../a/b?c#d%e f é"),
            "..%2Fa%2Fb%3Fc%23d%25e%20f%20%C3%A9"
        );
        assert_eq!(encode_segment(".."), "%2E%2E");
        assert_eq!(encode_segment("."), "%2E");
        assert_eq!(encode_segment("..."), "...");
        assert_eq!(encode_segment("user@contoso.com"), "user%40contoso.com");
        assert_eq!(encode_segment("a-b_c.d~e"), "a-b_c.d~e");
    }

    #[test]
    fn query_is_encoded_in_path_and_query() {
        let request: Request<()> = Request::new(Method::Get, "/users", 200)
            .query("$filter", "startswith(displayName,'a b&c=d')")
            .query("$top", "5");
        assert_eq!(
            request.path_and_query(),
            "/users?$filter=startswith(displayName,'a%20b%26c%3Dd')&$top=5"
        );
    }

    #[test]
    fn empty_success_body_is_unit() {
        let request: Request<()> = Request::new(Method::Delete, "/users/1", 204);
        assert!(request.parse_response(204, &[], b"").is_ok());
        assert!(request.parse_response(204, &[], b" \r\n").is_ok());
    }

    #[test]
    fn success_body_is_decoded() {
        let request: Request<Collection<i32>> = Request::new(Method::Get, "/numbers", 200);
        let page = request
            .parse_response(
                200,
                &[],
                br#"{"value":[1,2],"@odata.nextLink":"next","x":true}"#,
            )
            .unwrap();
        assert_eq!(page.value, [1, 2]);
        assert_eq!(page.next_link.as_deref(), Some("next"));
        assert_eq!(page.additional_properties["x"], Value::Bool(true));
        let error = request.parse_response(200, &[], b"{}").unwrap();
        assert!(error.value.is_empty());
        assert!(matches!(
            request.parse_response(200, &[], b"[1]"),
            Err(Error::Decode { status: 200, .. })
        ));
    }

    #[test]
    fn service_errors_keep_code_message_and_inner_error() {
        let request: Request<()> =
            Request::new(Method::Get, "/users/x", 200).query("$select", "id");
        let body = br#"{"error":{"code":"Request_ResourceNotFound","message":"Not found.","innerError":{"date":"2026-12-01T10:00:00","request-id":"r-1","client-request-id":"c-1"}}}"#;
        let headers = [("Retry-After".to_string(), "7".to_string())];
        let error = request.parse_response(404, &headers, body).unwrap_err();
        let service = error.service().expect("a service error");
        assert_eq!(error.status(), Some(404));
        assert_eq!(service.code.as_deref(), Some("Request_ResourceNotFound"));
        assert_eq!(service.message.as_deref(), Some("Not found."));
        assert_eq!(service.request_id.as_deref(), Some("r-1"));
        assert_eq!(service.client_request_id.as_deref(), Some("c-1"));
        assert_eq!(service.date.as_deref(), Some("2026-12-01T10:00:00"));
        assert_eq!(service.inner_error.as_ref().unwrap()["request-id"], "r-1");
        assert!(service.body.contains("Not found."));
        assert_eq!(
            error.to_string(),
            "GET /users/x?$select=id answered 404 (Request_ResourceNotFound): Not found.; retry after 7 \
             [request-id r-1, client-request-id c-1, date 2026-12-01T10:00:00]"
        );
        let headers = [
            ("request-id".to_string(), "h-1".to_string()),
            (
                "Date".to_string(),
                "Tue, 01 Dec 2026 10:00:00 GMT".to_string(),
            ),
        ];
        let error = request
            .parse_response(502, &headers, b"<html>Bad gateway</html>")
            .unwrap_err();
        let service = error.service().unwrap();
        assert!(service.code.is_none() && service.message.is_none());
        assert_eq!(
            service.request_id.as_deref(),
            Some("h-1"),
            "from the header"
        );
        assert_eq!(
            error.to_string(),
            "GET /users/x?$select=id answered 502 [request-id h-1, date Tue, 01 Dec 2026 10:00:00 GMT]"
        );
    }

    #[test]
    fn refused_tokens_say_what_to_check() {
        let request: Request<()> = Request::new(Method::Get, "/me", 200);
        let body = br#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}"#;
        assert_eq!(
            request.parse_response(403, &[], body).unwrap_err().to_string(),
            "GET /me answered 403 (Authorization_RequestDenied): Insufficient privileges to complete the operation.; \
             the token lacks a permission this request needs (see its docs)"
        );
        assert_eq!(
            request
                .parse_response(401, &[], b"")
                .unwrap_err()
                .to_string(),
            "GET /me answered 401; the access token is missing, expired or not for this service"
        );
    }

    #[test]
    fn downloads_keep_bytes_and_their_type() {
        let request: Request<Download> = Request::new(Method::Get, "/me/photo/$value", 200);
        let headers = [("content-type".to_string(), "image/jpeg".to_string())];
        let download = request
            .parse_response(200, &headers, &[0xFF, 0xD8, 0])
            .unwrap();
        assert_eq!(download.content_type.as_deref(), Some("image/jpeg"));
        assert_eq!(download.bytes, [0xFF, 0xD8, 0]);
    }

    #[test]
    fn uploads_send_bytes_with_their_type() {
        let request: Request<()> =
            Request::new(Method::Put, "/me/photo/$value", 204).with_bytes("image/png", vec![1, 2]);
        assert_eq!(request.body, Body::Bytes(vec![1, 2]));
        assert_eq!(request.header_value("content-type"), Some("image/png"));
        assert_eq!(request.body.to_bytes(), [1, 2]);
        let json: Request<()> = Request::new(Method::Post, "/x", 204).with_json(&[1]);
        assert_eq!(json.body.to_bytes(), b"[1]");
        assert!(Body::Empty.to_bytes().is_empty());
    }

    #[test]
    fn accepted_answers_give_their_monitor_url() {
        let request: Request<()> = Request::new(Method::Post, "/me/drive/items/1/copy", 202);
        let headers = [("Location".to_string(), "https://monitor/1".to_string())];
        let reply = request.parse_reply(202, &headers, b"").unwrap();
        assert_eq!(reply.monitor_url(), Some("https://monitor/1"));
        let reply = request.parse_reply(200, &headers, b"").unwrap();
        assert_eq!(reply.monitor_url(), None, "only for 202");
    }

    #[test]
    fn stored_delta_links_resume_as_opaque_urls() {
        let link = "https://graph.microsoft.com/v1.0/users/delta()?$deltatoken=a%2Bb'c";
        let request: Request<Collection<Value>> =
            Request::from_link(link).header("Prefer", "return=minimal");
        assert_eq!(request.url("https://elsewhere/v1.0"), link);
        assert_eq!(request.method, Method::Get);
        let with_query = request.clone().query("$top", "2");
        assert_eq!(with_query.path_and_query(), [link, "&$top=2"].concat());
    }

    #[derive(Debug, Default, PartialEq)]
    struct Thing {
        odata_type: Option<String>,
        name: Field<String>,
        count: Field<i32>,
        additional_properties: Map<String, Value>,
    }

    impl Object for Thing {
        fn read(reader: &mut ObjectReader) -> Self {
            Thing {
                odata_type: reader.odata_type(),
                name: reader.field("name"),
                count: reader.field("count"),
                additional_properties: reader.rest(),
            }
        }
        fn write(&self, writer: &mut ObjectWriter) {
            writer.odata_type(&self.odata_type);
            writer.field("name", &self.name);
            writer.field("count", &self.count);
            writer.rest(&self.additional_properties);
        }
    }

    impl Serialize for Thing {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize_object(self, serializer)
        }
    }

    impl<'de> Deserialize<'de> for Thing {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_object(deserializer)
        }
    }

    #[test]
    fn objects_keep_null_apart_from_absent() {
        for (json, name) in [
            ("{}", Field::Absent),
            (r#"{"name":null}"#, Field::Null),
            (r#"{"name":"a"}"#, Field::Value("a".to_string())),
        ] {
            let thing: Thing = serde_json::from_str(json).unwrap();
            assert_eq!(thing.name, name);
            assert_eq!(serde_json::to_string(&thing).unwrap(), json);
        }
    }

    #[test]
    fn a_json_body_says_its_content_type() {
        let request: Request<()> = Request::new(Method::Post, "/x", 204)
            .header("content-type", "text/plain")
            .with_json(&serde_json::json!({"a": 1}));
        let content_types: Vec<&(String, String)> = request
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            .collect();
        assert_eq!(
            content_types,
            [&("Content-Type".to_string(), "application/json".to_string())]
        );
    }

    #[test]
    fn pages_lead_to_the_next_with_the_same_headers() {
        let first: Request<Collection<Value>> = Request::new(Method::Get, "/users", 200)
            .query("$select", "id")
            .header("ConsistencyLevel", "eventual");
        assert_eq!(
            first.url("https://graph.microsoft.com/v1.0/"),
            "https://graph.microsoft.com/v1.0/users?$select=id"
        );
        let page = first
            .parse_response(200, &[], br#"{"value":[1],"@odata.nextLink":"https://graph.microsoft.com/v1.0/users?$skiptoken=X%27"}"#)
            .unwrap();
        let next = first.next_page(&page).unwrap();
        assert_eq!(next.method, Method::Get);
        assert_eq!(next.headers, first.headers);
        assert!(next.query.is_empty());
        assert_eq!(
            next.url("https://elsewhere"),
            "https://graph.microsoft.com/v1.0/users?$skiptoken=X%27"
        );
        let last = next.parse_response(200, &[], br#"{"value":[]}"#).unwrap();
        assert!(next.next_page(&last).is_none());
    }

    #[test]
    fn fields_are_built_and_read_without_nested_options() {
        let thing = Thing {
            name: "a".into(),
            count: Field::Null,
            ..Default::default()
        };
        assert_eq!(thing.name.get().map(String::as_str), Some("a"));
        assert_eq!(thing.name.as_deref(), Some("a"));
        assert!(thing.count.is_null() && thing.count.get().is_none());
        assert_eq!(
            serde_json::to_value(&thing).unwrap(),
            serde_json::json!({"count": null, "name": "a"})
        );
        let mut count = Field::from(3);
        assert_eq!(count.take(), Field::Value(3));
        assert!(count.is_absent());
        count.set(4);
        assert_eq!(count.map(|n| n * 2).into_value(), Some(8));
        let boxed: Field<Box<i32>> = 5.into();
        assert_eq!(boxed.get().map(|b| **b), Some(5));
    }

    #[test]
    fn objects_keep_what_does_not_fit() {
        let json = r##"{"@odata.type":"#x.y","count":"many","extra":[1,2],"name":"a"}"##;
        let thing: Thing = serde_json::from_str(json).unwrap();
        assert_eq!(thing.odata_type.as_deref(), Some("#x.y"));
        assert_eq!(
            thing.count,
            Field::Absent,
            "a value of another type is not forced in"
        );
        assert_eq!(thing.additional_properties.len(), 2);
        let back = serde_json::to_value(&thing).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(json).unwrap());
        assert!(
            serde_json::from_str::<Thing>("[1]").is_err(),
            "not an object"
        );
    }

    #[test]
    fn flags_round_trip_exactly() {
        for text in ["\"read,write\"", "\"read, write, other\"", "\"\""] {
            let flags: Flags<Access> = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&flags).unwrap(), text);
        }
        let mut flags: Flags<Access> = serde_json::from_str("\"read, other\"").unwrap();
        assert_eq!(
            flags.values,
            [Access::Read, Access::Unknown("other".into())]
        );
        flags.values.push(Access::Write);
        assert_eq!(
            serde_json::to_string(&flags).unwrap(),
            "\"read,other,write\""
        );
        assert_eq!(
            flags,
            Flags::new(vec![
                Access::Read,
                Access::Unknown("other".into()),
                Access::Write
            ])
        );
    }

    #[test]
    fn string_enums_keep_unknown_values() {
        let value: Access = deserialize_str_enum(Value::from("later")).unwrap();
        assert_eq!(value, Access::Unknown("later".into()));
        assert_eq!(
            serialize_str_enum(&value, serde_json::value::Serializer).unwrap(),
            Value::from("later")
        );
    }

    #[test]
    fn tags_are_normalized() {
        let (tag, value) =
            tagged(serde_json::json!({"@odata.type": "#Microsoft.Graph.User"})).unwrap();
        assert_eq!(tag.as_deref(), Some("microsoft.graph.user"));
        assert_eq!(value["@odata.type"], "#Microsoft.Graph.User");
        let (tag, _) = tagged(serde_json::json!({"@odata.type": 3})).unwrap();
        assert_eq!(tag, None);
        let number: Result<i32, serde_json::Error> = variant(Value::from("x"));
        assert!(number.is_err());
    }

    #[test]
    fn requests_compare_and_print_without_bounds_on_r() {
        struct NotDebug;
        let request: Request<NotDebug> = Request::new(Method::Other("REPORT"), "/x", 207)
            .header("Prefer", "return=minimal")
            .with_json(&serde_json::json!({"a": 1}));
        assert_eq!(request.clone(), request);
        assert!(format!("{request:?}").contains("REPORT"));
        assert_eq!(request.body, Body::Json(serde_json::json!({"a": 1})));
        assert_eq!(request.expected_status(), 207);
        assert_eq!(Method::Patch.to_string(), "PATCH");
    }

    /// A map with non-string keys cannot be JSON: an error, never a `null` body.
    fn unwritable() -> std::collections::BTreeMap<Vec<i32>, i32> {
        [(vec![1, 2], 3)].into_iter().collect()
    }

    #[test]
    fn a_body_that_cannot_be_json_is_an_error() {
        let request: Request<()> = Request::new(Method::Post, "/x", 201);
        let err = request.try_with_json(&unwritable()).expect_err("an error");
        assert!(err.to_string().contains("key must be a string"), "{err}");
        let request: Request<()> = Request::new(Method::Post, "/x", 201);
        let request = request
            .try_with_json(&serde_json::json!([1]))
            .expect("JSON");
        assert_eq!(request.body, Body::Json(serde_json::json!([1])));
    }

    #[test]
    #[should_panic(expected = "the request body cannot be written as JSON")]
    fn with_json_does_not_send_null_in_place_of_the_body() {
        let _: Request<()> = Request::new(Method::Post, "/x", 201).with_json(&unwritable());
    }

    /// A marker offering every typed option, as the generated ones do.
    enum Everything {}
    impl supports::Select for Everything {}
    impl supports::Expand for Everything {}
    impl supports::Filter for Everything {}
    impl supports::OrderBy for Everything {}
    impl supports::Search for Everything {}
    impl supports::Count for Everything {}
    impl supports::Top for Everything {}
    impl supports::Skip for Everything {}
    impl supports::ConsistencyLevel for Everything {}
    impl supports::Prefer for Everything {}

    #[test]
    fn typed_options_are_encoded_and_set_once() {
        let request: Request<Collection<Value>, Everything> =
            Request::new(Method::Get, "/users", 200);
        let request = request
            .select(&["id", "displayName"])
            .expand(&["manager($select=id)"])
            .filter(&format!(
                "startswith(displayName,{})",
                odata_string("O'Ne&il")
            ))
            .order_by(&["displayName desc", "id"])
            .search("displayName:say \"hi\" \\ bye")
            .count(true)
            .top(5)
            .skip(10)
            .top(7)
            .consistency_level_eventual()
            .consistency_level_eventual()
            .prefer("return=minimal")
            .prefer("outlook.timezone=\"UTC\"");
        assert_eq!(
            request.path_and_query(),
            "/users?$select=id,displayName&$expand=manager($select%3Did)\
             &$filter=startswith(displayName,'O''Ne%26il')&$orderby=displayName%20desc,id\
             &$search=%22displayName:say%20%5C%22hi%5C%22%20%5C%5C%20bye%22\
             &$count=true&$skip=10&$top=7"
        );
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            headers,
            [
                ("ConsistencyLevel", "eventual"),
                ("Prefer", "return=minimal"),
                ("Prefer", "outlook.timezone=\"UTC\""),
            ]
        );
    }

    #[test]
    fn odata_strings_double_their_quotes() {
        assert_eq!(odata_string("it's ''"), "'it''s '''''");
        assert_eq!(odata_string(""), "''");
        assert_eq!(escape_odata_string("a'b"), "a''b");
        // What a parameter in quotes becomes in a path segment.
        assert_eq!(encode_segment(&escape_odata_string("D'7")), "D%27%277");
    }

    #[test]
    fn options_on_a_next_page_link_with_a_query_follow_it() {
        let first: Request<Collection<Value>, Everything> =
            Request::new(Method::Get, "/users", 200);
        let page = Collection {
            next_link: Some("https://host/v1.0/users?$skiptoken=X".into()),
            ..Collection::default()
        };
        let next = first.next_page(&page).unwrap().top(2);
        assert_eq!(
            next.path_and_query(),
            "https://host/v1.0/users?$skiptoken=X&$top=2"
        );
    }

    #[test]
    fn a_request_without_options_is_the_plain_request() {
        let plain: Request<()> = Request::new(Method::Get, "/me", 200);
        let same: Request<(), NoOptions> = plain.clone();
        assert_eq!(same, plain);
    }
}
