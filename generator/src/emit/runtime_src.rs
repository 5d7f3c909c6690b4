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

use serde::de::value::{MapAccessDeserializer, MapDeserializer, SeqAccessDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// An immutable string one pointer wide (the `arcstr` crate): what an
/// `@odata.type` and an enum value the docs do not list are kept as. Every
/// struct has an `@odata.type` and most have enum fields, so one word where a
/// `String` takes three adds up over a list of objects. Read it with
/// `as_str()` (or `&*s`), make one with `"text".into()`.
pub use arcstr::ArcStr;

/// A list one pointer wide (the `thin-vec` crate; its length and capacity live
/// in its allocation): the type of every collection property. A struct has a
/// field per collection property, and most are absent in what the service
/// sends (a `User` has dozens), so one word where a `Vec` takes three adds up
/// over a list of objects. It derefs to a slice and has the `Vec` methods
/// (`push`, `iter`, `len`, ...); make one with `vec.into()` or `collect()`.
pub use thin_vec::ThinVec;

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

/// OData's entity reference: the body of a `POST` or `PUT` to a `$ref` path, which
/// adds an existing entity to a relationship by its URL (`add_group_member_ref`
/// with the URL of a directory object). A `PUT` of an empty one (`{}`,
/// `Reference::default()`) is how some relationships are cleared.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// The entity's URL, e.g.
    /// `https://graph.microsoft.com/v1.0/directoryObjects/{id}`.
    #[serde(rename = "@odata.id", default, skip_serializing_if = "Option::is_none")]
    pub odata_id: Option<String>,
    /// Anything else the body holds (a page may show more than the reference).
    #[serde(flatten)]
    pub additional_properties: Properties,
}

impl Reference {
    /// A reference to the entity at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Reference {
            odata_id: Some(url.into()),
            additional_properties: Properties::new(),
        }
    }

    /// A reference to the entity at `path` (`/directoryObjects/{id}`) under a
    /// service root (`https://graph.microsoft.com/v1.0`), with one slash between.
    pub fn under(root: &str, path: &str) -> Self {
        let root = root.trim_end_matches('/');
        let path = path.trim_start_matches('/');
        Reference::new(format!("{root}/{path}"))
    }
}

/// The answer of an operation that returns one primitive value: OData sends it as
/// `{"@odata.context": "...", "value": ...}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Primitive<T> {
    pub value: T,
    /// Everything else the answer holds (`@odata.context`).
    #[serde(flatten)]
    pub additional_properties: Properties,
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
///
/// Read and written by hand in one pass: a derive with a flattened map reads the
/// whole page into a buffer first.
#[derive(Clone, Debug, PartialEq)]
pub struct Collection<T> {
    pub value: Vec<T>,
    /// Where the next page is, when there is one.
    pub next_link: Option<String>,
    /// Where changes since this page are (delta queries): on the last page,
    /// kept by the caller and resumed with [`Request::from_link`].
    pub delta_link: Option<String>,
    pub context: Option<String>,
    /// The total count, when the request asked for it with `$count=true`.
    pub count: Option<i64>,
    /// Every other property of the page (and a link or count of another type).
    pub additional_properties: Properties,
}

/// The JSON names of the fields of [`Collection`] besides `value`.
const NEXT_LINK: &str = "@odata.nextLink";
const DELTA_LINK: &str = "@odata.deltaLink";
const CONTEXT: &str = "@odata.context";
const COUNT: &str = "@odata.count";

impl<T: Serialize> Serialize for Collection<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("value", &self.value)?;
        let links = [
            (NEXT_LINK, &self.next_link),
            (DELTA_LINK, &self.delta_link),
            (CONTEXT, &self.context),
        ];
        for (name, link) in links {
            if let Some(link) = link {
                map.serialize_entry(name, link)?;
            }
        }
        if let Some(count) = self.count {
            map.serialize_entry(COUNT, &count)?;
        }
        for (name, value) in &self.additional_properties {
            let shadowed = match name {
                "value" => true,
                NEXT_LINK => self.next_link.is_some(),
                DELTA_LINK => self.delta_link.is_some(),
                CONTEXT => self.context.is_some(),
                COUNT => self.count.is_some(),
                _ => false,
            };
            if !shadowed {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Collection<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(CollectionVisitor(PhantomData))
    }
}

struct CollectionVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for CollectionVisitor<T> {
    type Value = Collection<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut page = Collection::default();
        let mut map = Entries::new(map);
        while let Some(key) = map.map.next_key_seed(KeySeed)? {
            let rest = &mut page.additional_properties;
            match &*key.0 {
                // The elements are the point of the page: they are not lenient.
                b"value" => page.value = map.map.next_value()?,
                key if key == NEXT_LINK.as_bytes() => {
                    page.next_link = read_optional(&mut map, NEXT_LINK, rest)?
                }
                key if key == DELTA_LINK.as_bytes() => {
                    page.delta_link = read_optional(&mut map, DELTA_LINK, rest)?
                }
                key if key == CONTEXT.as_bytes() => {
                    page.context = read_optional(&mut map, CONTEXT, rest)?
                }
                key if key == COUNT.as_bytes() => {
                    page.count = read_optional(&mut map, COUNT, rest)?
                }
                key => read_other(&mut map, key, rest)?,
            }
        }
        map.settle(&mut page.additional_properties);
        Ok(page)
    }
}

/// [`read_value`] for a field without a `null` of its own (`null` reads as absent).
fn read_optional<'de, A: MapAccess<'de>, T: Lenient>(
    map: &mut Entries<A>,
    key: &str,
    rest: &mut Properties,
) -> Result<Option<T>, A::Error> {
    let mut slot = Field::Absent;
    read_value(map, key, &mut slot, rest)?;
    Ok(slot.into_value())
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
            additional_properties: Properties::new(),
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

impl<T> From<Vec<T>> for Field<ThinVec<T>> {
    fn from(value: Vec<T>) -> Self {
        Field::Value(value.into())
    }
}

/// The properties of a JSON object that its type does not describe (and the
/// values of documented ones that do not have the documented type): a map from
/// name to JSON value that keeps the order the properties came in.
///
/// A list of pairs rather than `serde_json::Map`: most objects have none or a
/// few (`@odata.etag`, `@odata.context`), for which a list is the smallest map
/// there is (one pointer, nothing allocated while empty), and keeping the order needs no
/// serde_json feature that would change every `Map` of the application. Lookups
/// go through the list, so they take time in its length; reading JSON never
/// relies on them for long lists (see [`Entries`]), and [`insert`](Self::insert)
/// or [`get`](Self::get) on an object with thousands of unknown properties is
/// the caller's choice.
///
/// Names are unique: [`insert`](Self::insert) replaces the value of a name in
/// place, and reading JSON with a name twice keeps the last value, at the place
/// of the first. Indexing with a name that is not there gives `Value::Null`, as
/// indexing a `serde_json::Value` does (`props["a"]["b"]` never panics); a
/// mutable index inserts `null` first.
#[derive(Clone, Default)]
pub struct Properties {
    // One pointer, not a `Vec`'s three: every struct has a `Properties`, and
    // most are empty (an empty `ThinVec` allocates nothing).
    entries: ThinVec<(Name, Value)>,
}

/// A property name, one pointer wide: the OData annotations services send on
/// most objects are static, not allocated for each of them.
type Name = ArcStr;

/// Annotation names kept without an allocation of their own (see [`Name`]).
static KNOWN_NAMES: [ArcStr; 8] = [
    arcstr::literal!("@odata.context"),
    arcstr::literal!("@odata.etag"),
    arcstr::literal!("@odata.id"),
    arcstr::literal!("@odata.type"),
    arcstr::literal!("@odata.nextLink"),
    arcstr::literal!("@odata.deltaLink"),
    arcstr::literal!("@odata.count"),
    arcstr::literal!("@odata.editLink"),
];

fn name(key: &str) -> Name {
    KNOWN_NAMES
        .iter()
        .find(|known| known.as_str() == key)
        .cloned()
        .unwrap_or_else(|| ArcStr::from(key))
}

/// Up to this many properties a new one is looked for before it is added (see
/// [`Entries`]); past it, reading appends and removes duplicates at the end.
const LOOKED_UP: usize = 16;

impl Properties {
    /// No properties; allocates nothing.
    pub const fn new() -> Self {
        Properties {
            entries: ThinVec::new(),
        }
    }

    /// Room for `capacity` properties.
    pub fn with_capacity(capacity: usize) -> Self {
        Properties {
            entries: ThinVec::with_capacity(capacity),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|(name, _)| name == key)
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }

    /// The value of `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries
            .iter_mut()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets `key` to `value`: in its place when it is there (giving back the
    /// value it had), else last.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.get_mut(&key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.push(name(&key), value);
                None
            }
        }
    }

    /// Adds a property that is not there yet.
    fn push(&mut self, name: Name, value: Value) {
        // The first allocation holds two: an object has mostly none, one or two
        // (an etag and a context), where a push would make room for four.
        if self.entries.capacity() == 0 {
            self.entries.reserve_exact(2);
        }
        self.entries.push((name, value));
    }

    /// Removes `key`, keeping the order of the others, and gives its value back.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let position = self.position(key)?;
        Some(self.entries.remove(position).1)
    }

    /// Keeps the properties for which `keep` is true, in their order.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &mut Value) -> bool) {
        self.entries.retain_mut(|(name, value)| keep(name, value));
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Name and value of each property, in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    /// Name and value of each property, in order, the values to change.
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        IterMut(self.entries.iter_mut())
    }

    /// The names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.entries.iter().map(|(name, _)| &**name)
    }

    /// The values, in order.
    pub fn values(&self) -> impl Iterator<Item = &Value> + '_ {
        self.entries.iter().map(|(_, value)| value)
    }

    /// The values, in order, to change.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> + '_ {
        self.entries.iter_mut().map(|(_, value)| value)
    }

    /// Removes the duplicates of a list that had entries appended without a
    /// lookup: of each name the last value stays, at the place of the first.
    /// A name in `forgotten` with a position (the length of the list when it
    /// was forgotten) loses its entries before that position. In time
    /// `n log n`, however many names repeat.
    fn settle(&mut self, forgotten: &mut [(Name, usize)]) {
        let entries = &mut self.entries;
        let mut order: Vec<usize> = (0..entries.len()).collect();
        // Stable: the positions of a name stay in order.
        order.sort_by(|a, b| entries[*a].0.cmp(&entries[*b].0));
        forgotten.sort_unstable();
        let mut dropped = vec![true; entries.len()];
        // (first place, last value) of each name that repeats.
        let mut moves = Vec::new();
        for group in order.chunk_by(|a, b| entries[*a].0 == entries[*b].0) {
            let name = &entries[group[0]].0;
            let start = forgotten.partition_point(|(known, _)| known < name);
            // Entries before the last time the name was forgotten are gone.
            let after = forgotten[start..]
                .iter()
                .take_while(|(known, _)| known == name)
                .map(|(_, position)| *position)
                .max()
                .unwrap_or(0);
            let mut kept = group.iter().copied().filter(|i| *i >= after);
            if let Some(first) = kept.next() {
                dropped[first] = false;
                if let Some(last) = kept.next_back() {
                    moves.push((first, last));
                }
            }
        }
        for (first, last) in moves {
            entries[first].1 = std::mem::take(&mut entries[last].1);
        }
        let mut dropped = dropped.into_iter();
        entries.retain(|_| !dropped.next().unwrap_or(true));
    }

    /// Appends `pairs` without a lookup each, then removes the duplicates
    /// (the last value of a name wins).
    fn append_all(&mut self, pairs: impl IntoIterator<Item = (String, Value)>) {
        let before = self.entries.len();
        self.entries
            .extend(pairs.into_iter().map(|(key, value)| (name(&key), value)));
        if self.entries.len() > before {
            self.settle(&mut []);
        }
    }
}

impl fmt::Debug for Properties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// As maps: the same names with the same values, in any order.
impl PartialEq for Properties {
    fn eq(&self, other: &Self) -> bool {
        if self.len() != other.len() {
            return false;
        }
        if self.len() <= LOOKED_UP {
            return self
                .iter()
                .all(|(name, value)| other.get(name) == Some(value));
        }
        fn sorted(props: &Properties) -> Vec<&(Name, Value)> {
            let mut entries: Vec<&(Name, Value)> = props.entries.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries
        }
        sorted(self) == sorted(other)
    }
}

impl Eq for Properties {}

/// `props["name"]` (or `props[&name]`): `Value::Null` when there is no such
/// property.
impl<Q: AsRef<str> + ?Sized> std::ops::Index<&Q> for Properties {
    type Output = Value;
    fn index(&self, key: &Q) -> &Value {
        static NULL: Value = Value::Null;
        self.get(key.as_ref()).unwrap_or(&NULL)
    }
}

/// `props["name"] = value`: a property not there yet is added (as `null`) first.
impl<Q: AsRef<str> + ?Sized> std::ops::IndexMut<&Q> for Properties {
    fn index_mut(&mut self, key: &Q) -> &mut Value {
        let key = key.as_ref();
        let position = match self.position(key) {
            Some(position) => position,
            None => {
                self.push(name(key), Value::Null);
                self.entries.len() - 1
            }
        };
        &mut self.entries[position].1
    }
}

/// The properties of a JSON object, in order.
pub struct Iter<'a>(std::slice::Iter<'a, (Name, Value)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(name, value)| (&**name, value))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(name, value)| (&**name, value))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// The properties of a JSON object, in order, the values to change.
pub struct IterMut<'a>(std::slice::IterMut<'a, (Name, Value)>);

impl<'a> Iterator for IterMut<'a> {
    type Item = (&'a str, &'a mut Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(name, value)| (&**name, value))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for IterMut<'_> {}

/// The properties of a JSON object, in order, owned.
pub struct IntoIter(thin_vec::IntoIter<(Name, Value)>);

impl Iterator for IntoIter {
    type Item = (String, Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(name, value)| (name.to_string(), value))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for IntoIter {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0
            .next_back()
            .map(|(name, value)| (name.to_string(), value))
    }
}

impl ExactSizeIterator for IntoIter {}

impl IntoIterator for Properties {
    type Item = (String, Value);
    type IntoIter = IntoIter;
    fn into_iter(self) -> IntoIter {
        IntoIter(self.entries.into_iter())
    }
}

impl<'a> IntoIterator for &'a Properties {
    type Item = (&'a str, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Properties {
    type Item = (&'a str, &'a mut Value);
    type IntoIter = IterMut<'a>;
    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

/// Of a name given twice the last value wins, at the place of the first.
impl FromIterator<(String, Value)> for Properties {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(pairs: I) -> Self {
        let mut props = Properties::new();
        props.append_all(pairs);
        props
    }
}

/// As [`Properties::insert`] for each pair.
impl Extend<(String, Value)> for Properties {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, pairs: I) {
        self.append_all(pairs);
    }
}

impl From<Map<String, Value>> for Properties {
    fn from(map: Map<String, Value>) -> Self {
        // The names of a map are unique: nothing to look up.
        Properties {
            entries: map
                .into_iter()
                .map(|(key, value)| (name(&key), value))
                .collect(),
        }
    }
}

impl From<Properties> for Map<String, Value> {
    fn from(props: Properties) -> Self {
        props.into_iter().collect()
    }
}

/// A JSON object of the properties.
impl From<Properties> for Value {
    fn from(props: Properties) -> Self {
        Value::Object(props.into())
    }
}

impl Serialize for Properties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (name, value) in self {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// Any JSON object; of a name given twice the last value wins.
impl<'de> Deserialize<'de> for Properties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PropertiesVisitor)
    }
}

struct PropertiesVisitor;

impl<'de> Visitor<'de> for PropertiesVisitor {
    type Value = Properties;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Properties, A::Error> {
        let mut props = Properties::new();
        let mut map = Entries::new(map);
        while let Some(key) = map.map.next_key_seed(KeySeed)? {
            read_other(&mut map, &key.0, &mut props)?;
        }
        map.settle(&mut props);
        Ok(props)
    }
}

/// What the generated structs implement: reading one property of a JSON object
/// and writing all of theirs. Their `Serialize`/`Deserialize` impls are one line
/// each on top of it ([`serialize_object`], [`deserialize_object`], written by
/// `serde_object!`), which keeps the generated code small and quick to compile:
/// the per-field work is done by generic functions of this module, shared by
/// every struct, and a struct's own code is generic, so it is compiled only in the
/// crate that uses it, for the types it uses.
///
/// Reading is one pass over the JSON: each key is matched against the struct's
/// properties as it comes (borrowed from the input when it has no escapes), each
/// value is read straight into its field, and a `Value` is built only for what
/// does not fit (an unknown property, a value of another type).
pub trait Object: Default {
    /// Reads the value of `key` from `map` into its field; a key that is not a
    /// documented property, and a value that is not of the documented type, go to
    /// the additional properties.
    ///
    /// `key` is the key's bytes, not checked to be UTF-8 (serde_json checks
    /// every string it reads from bytes, and most strings are keys): an arm
    /// per property matches its name, and [`read_other`] checks the others.
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &[u8],
        map: &mut Entries<A>,
    ) -> Result<(), A::Error>;
    /// Writes every property that is present: [`ObjectWriter::start`], a call per
    /// property, [`ObjectWriter::finish`].
    fn write<'a, M: SerializeMap>(
        &'a self,
        writer: &mut ObjectWriter<'a, M>,
    ) -> Result<(), M::Error>;
    /// The `@odata.type` and the additional properties.
    fn parts(&mut self) -> (&mut Option<ArcStr>, &mut Properties);
}

/// The entries of a JSON object being read by [`Object::read_field`]: serde's
/// map access, and how the additional properties are kept while reading.
///
/// Of duplicate keys the last one wins, also over a value kept in the
/// additional properties. Up to 16 additional properties, each new one is
/// looked for first (and replaces the value of its name, in place); past that,
/// they are appended and the duplicates removed once, at the end of the
/// object, so that an object with many unknown keys takes time `n log n`, not
/// `n²`.
pub struct Entries<A> {
    map: A,
    /// Whether a value of a documented property was kept in the additional
    /// properties: only then can a later duplicate of its key have one to
    /// remove there, so only then is it looked for.
    kept: bool,
    /// Whether additional properties were appended without a lookup.
    unsettled: bool,
    /// While unsettled: the documented keys read after `kept`, each with the
    /// number of additional properties at the time (those before it of its
    /// name are removed by [`Entries::settle`]).
    forgotten: Vec<(Name, usize)>,
}

impl<A> Entries<A> {
    fn new(map: A) -> Self {
        Entries {
            map,
            kept: false,
            unsettled: false,
            forgotten: Vec::new(),
        }
    }

    /// Adds an additional property, replacing one of the same name.
    fn put(&mut self, rest: &mut Properties, key: &str, value: Value) {
        if !self.unsettled && rest.len() < LOOKED_UP {
            match rest.get_mut(key) {
                Some(slot) => *slot = value,
                None => rest.push(name(key), value),
            }
        } else {
            self.unsettled = true;
            rest.entries.push((name(key), value));
        }
    }

    /// A documented property was read: a value kept under its name before is
    /// removed (the last one wins). Inlined: it runs for every property read,
    /// and almost always finds nothing was kept.
    #[inline(always)]
    fn forget(&mut self, rest: &mut Properties, key: &str) {
        if self.kept {
            self.forget_kept(rest, key);
        }
    }

    #[inline(never)]
    fn forget_kept(&mut self, rest: &mut Properties, key: &str) {
        if self.unsettled {
            self.forgotten.push((name(key), rest.len()));
        } else {
            rest.remove(key);
        }
    }

    /// Keeps the value of a documented property in the additional properties.
    #[cold]
    #[inline(never)]
    fn keep(&mut self, rest: &mut Properties, key: &str, json: Value) {
        self.kept = true;
        self.put(rest, key, json);
    }

    /// Removes what the appended additional properties repeat, once the object
    /// is read (or before it is written, for a late `@odata.type`).
    fn settle(&mut self, rest: &mut Properties) {
        if self.unsettled {
            rest.settle(&mut self.forgotten);
            self.unsettled = false;
            self.forgotten.clear();
        }
    }
}

/// A type a property can have, read without failing on JSON of another kind: each
/// method takes one kind of JSON value and by default gives it back as a `Value`
/// (`Err`); a type overrides the kinds it accepts. Serde cannot rewind a streaming
/// reader, so this is how a mismatch is kept without reading every value into a
/// `Value` first.
pub trait Lenient: Sized {
    /// Reads a value of any kind (`null` included: a list element can be `null`).
    #[inline]
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Result<Self, Value>, D::Error> {
        deserializer.deserialize_any(KindVisitor(PhantomData))
    }
    fn null() -> Result<Self, Value> {
        Err(Value::Null)
    }
    fn bool(value: bool) -> Result<Self, Value> {
        Err(Value::Bool(value))
    }
    fn i64(value: i64) -> Result<Self, Value> {
        Err(Value::from(value))
    }
    fn u64(value: u64) -> Result<Self, Value> {
        Err(Value::from(value))
    }
    fn f64(value: f64) -> Result<Self, Value> {
        Err(Value::from(value))
    }
    fn str(value: &str) -> Result<Self, Value> {
        Err(Value::from(value))
    }
    /// An owned string (from a `Value`, or text with escapes): [`Lenient::str`]
    /// unless a type takes it as it is.
    fn string(value: String) -> Result<Self, Value> {
        Self::str(&value)
    }
    fn map<'de, A: MapAccess<'de>>(map: A) -> Result<Result<Self, Value>, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Err)
    }
    fn seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Result<Self, Value>, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Err)
    }
    /// [`Lenient::map`] into a box: a generated struct is read straight into
    /// its box, rather than read, then moved there.
    fn map_boxed<'de, A: MapAccess<'de>>(map: A) -> Result<Result<Box<Self>, Value>, A::Error> {
        Ok(Self::map(map)?.map(Box::new))
    }
}

/// The [`Lenient`] methods of a wrapper of `T` for the kinds it takes as `T`
/// does, each value wrapped by `$wrap` (for [`Field`] and [`Boxed`]).
macro_rules! lenient_as_inner {
    ($wrap:expr) => {
        fn bool(value: bool) -> Result<Self, Value> {
            T::bool(value).map($wrap)
        }
        fn i64(value: i64) -> Result<Self, Value> {
            T::i64(value).map($wrap)
        }
        fn u64(value: u64) -> Result<Self, Value> {
            T::u64(value).map($wrap)
        }
        fn f64(value: f64) -> Result<Self, Value> {
            T::f64(value).map($wrap)
        }
        fn str(value: &str) -> Result<Self, Value> {
            T::str(value).map($wrap)
        }
        fn string(value: String) -> Result<Self, Value> {
            T::string(value).map($wrap)
        }
        fn seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Result<Self, Value>, A::Error> {
            Ok(T::seq(seq)?.map($wrap))
        }
    };
}

/// A property: `null` is [`Field::Null`], any other value what `T` makes of it.
/// Reading a field is then one `deserialize_any`, with no `deserialize_option`
/// (and its look at the input) before it.
impl<T: Lenient> Lenient for Field<T> {
    fn null() -> Result<Self, Value> {
        Ok(Field::Null)
    }
    fn map<'de, A: MapAccess<'de>>(map: A) -> Result<Result<Self, Value>, A::Error> {
        Ok(T::map(map)?.map(Field::Value))
    }
    lenient_as_inner!(Field::Value);
}

/// A boxed property: what `T` makes of the value, in a box. (Not `Box<T>`
/// itself: a crate may implement [`Object`] for a `Box` of its own type.)
struct Boxed<T>(Box<T>);

impl<T> Boxed<T> {
    fn new(value: T) -> Self {
        Boxed(Box::new(value))
    }
}

impl<T: Lenient> Lenient for Boxed<T> {
    fn null() -> Result<Self, Value> {
        T::null().map(Boxed::new)
    }
    fn map<'de, A: MapAccess<'de>>(map: A) -> Result<Result<Self, Value>, A::Error> {
        Ok(T::map_boxed(map)?.map(Boxed))
    }
    lenient_as_inner!(Boxed::new);
}

/// Hands each kind of JSON value to the [`Lenient`] method for it.
struct KindVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for KindVisitor<T> {
    type Value = Result<T, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(T::null())
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(T::null())
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(T::bool(value))
    }
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(T::i64(value))
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(T::u64(value))
    }
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(T::f64(value))
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(T::str(value))
    }
    // Serde's default forwards to `visit_str` through a call of its own.
    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(T::str(value))
    }
    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(T::string(value))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::seq(seq)
    }
}

/// [`Lenient::read`] as a seed, for `next_value_seed` and `next_element_seed`.
struct Seed<T>(PhantomData<T>);

impl<'de, T: Lenient> DeserializeSeed<'de> for Seed<T> {
    type Value = Result<T, Value>;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        T::read(deserializer)
    }
}

/// A key of a JSON object, borrowed from the input when it has no escapes.
///
/// Its bytes, not yet checked to be UTF-8: a key that names a property equals
/// that property's name, which is text, so only a key kept in the additional
/// properties is checked (by [`read_other`]). Most strings of Graph's JSON are
/// keys, and `serde_json` checks every string it reads from bytes.
struct Key<'de>(Cow<'de, [u8]>);

/// Reads a [`Key`]: a seed rather than `Deserialize`, so that its one line is
/// inlined into each loop over keys. It asks for bytes, which `serde_json`
/// gives without the UTF-8 check; a reader that has only text gives text.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;
    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_bytes(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_borrowed_bytes<E: de::Error>(self, value: &'de [u8]) -> Result<Self::Value, E> {
        Ok(Key(Cow::Borrowed(value)))
    }
    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(value.to_owned())))
    }
    fn visit_byte_buf<E: de::Error>(self, value: Vec<u8>) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(value)))
    }
    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Borrowed(value.as_bytes())))
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(value.as_bytes().to_owned())))
    }
    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Key(Cow::Owned(value.into_bytes())))
    }
}

/// Reads a property into `slot`: [`Field::Null`] for `null`; a value of another
/// type goes to `rest` under its name and leaves the field absent.
///
/// Inlined into each arm of a struct's `read_field`: called on its own, its
/// result (a field, or the `Value` that did not fit) comes back through memory
/// and is read there in other widths than it was written in, which stalls the
/// load.
#[inline(always)]
pub fn read_value<'de, A: MapAccess<'de>, T: Lenient>(
    map: &mut Entries<A>,
    key: &str,
    slot: &mut Field<T>,
    rest: &mut Properties,
) -> Result<(), A::Error> {
    match map.map.next_value_seed(Seed::<Field<T>>(PhantomData))? {
        Ok(value) => {
            *slot = value;
            map.forget(rest, key);
        }
        Err(json) => {
            *slot = Field::Absent;
            map.keep(rest, key, json);
        }
    }
    Ok(())
}

/// [`read_value`] of a boxed field (inlined, as [`read_value`] is).
#[inline(always)]
pub fn read_boxed<'de, A: MapAccess<'de>, T: Lenient>(
    map: &mut Entries<A>,
    key: &str,
    slot: &mut Field<Box<T>>,
    rest: &mut Properties,
) -> Result<(), A::Error> {
    let mut value = Field::Absent;
    read_value::<A, Boxed<T>>(map, key, &mut value, rest)?;
    *slot = value.map(|boxed| boxed.0);
    Ok(())
}

/// Reads the `@odata.type`: a string, else it is kept in `rest`.
pub fn read_tag<'de, A: MapAccess<'de>>(
    map: &mut Entries<A>,
    slot: &mut Option<ArcStr>,
    rest: &mut Properties,
) -> Result<(), A::Error> {
    match map.map.next_value_seed(Seed::<ArcStr>(PhantomData))? {
        Ok(tag) => {
            *slot = Some(tag);
            map.forget(rest, ODATA_TYPE);
        }
        Err(json) => {
            *slot = None;
            map.keep(rest, ODATA_TYPE, json);
        }
    }
    Ok(())
}

/// Keeps a property the struct does not describe. Its key, read as bytes, is
/// checked to be UTF-8 here, as `serde_json` would have checked it.
pub fn read_other<'de, A: MapAccess<'de>>(
    map: &mut Entries<A>,
    key: &[u8],
    rest: &mut Properties,
) -> Result<(), A::Error> {
    let key =
        std::str::from_utf8(key).map_err(|_| de::Error::custom("a key that is not valid UTF-8"))?;
    let value: Value = map.map.next_value()?;
    map.put(rest, key, value);
    Ok(())
}

const ODATA_TYPE: &str = "@odata.type";

/// A collection property as read: its typed elements and the others by position.
enum List<T> {
    Null,
    /// The elements that fit, and the others with their positions (a `Vec`, not a
    /// `Map`: an empty one costs nothing to make and drop).
    Items(ThinVec<T>, Vec<(usize, Value)>),
    Other(Value),
}

struct ListSeed<T>(PhantomData<T>);

impl<'de, T: Lenient> DeserializeSeed<'de> for ListSeed<T> {
    type Value = List<T>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: Lenient> Visitor<'de> for ListSeed<T> {
    type Value = List<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = ThinVec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        // Without a size hint (serde_json gives none) a list would grow to four
        // elements at once; most lists of Graph's objects hold one or two, of
        // structs far larger than a derive's (every struct keeps its
        // `@odata.type` and additional properties, a polymorphic element is as
        // large as its largest variant). So the first element waits until the
        // second comes or the list ends: a list of one or two is allocated
        // once, at its length, and a longer one is shrunk to it.
        let mut first = None;
        let mut rejected = Vec::new();
        let mut index = 0usize;
        while let Some(item) = seq.next_element_seed(Seed::<T>(PhantomData))? {
            match item {
                Ok(item) if first.is_none() && items.capacity() == 0 => first = Some(item),
                Ok(item) => {
                    if let Some(first) = first.take() {
                        items.reserve_exact(2);
                        items.push(first);
                    }
                    items.push(item);
                }
                Err(json) => {
                    rejected.push((index, json));
                }
            }
            index += 1;
        }
        if let Some(first) = first {
            items.reserve_exact(1);
            items.push(first);
        }
        if items.len() < items.capacity() {
            items.shrink_to_fit();
        }
        Ok(List::Items(items, rejected))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(List::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(List::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(List::Other(Value::Bool(value)))
    }
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(List::Other(Value::from(value)))
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(List::Other(Value::from(value)))
    }
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(List::Other(Value::from(value)))
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(List::Other(Value::from(value)))
    }
    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(List::Other(Value::String(value)))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(List::Other)
    }
}

/// Reads a collection property. Elements of another type do not fail the list:
/// the elements that fit stay in the field, in order, and the others go to `rest`
/// under the property's name as an object from their position in the list to
/// their JSON (`{"2": null}`), where [`ObjectWriter::list`] puts them back.
pub fn read_list<'de, A: MapAccess<'de>, T: Lenient>(
    map: &mut Entries<A>,
    key: &str,
    slot: &mut Field<ThinVec<T>>,
    rest: &mut Properties,
) -> Result<(), A::Error> {
    match map.map.next_value_seed(ListSeed::<T>(PhantomData))? {
        List::Null => {
            *slot = Field::Null;
            map.forget(rest, key);
        }
        List::Items(items, rejected) => {
            *slot = Field::Value(items);
            map.forget(rest, key);
            if !rejected.is_empty() {
                map.keep(rest, key, by_position(rejected));
            }
        }
        List::Other(json) => {
            *slot = Field::Absent;
            map.keep(rest, key, json);
        }
    }
    Ok(())
}

/// A list's rejected elements as kept in the additional properties: an object
/// from their positions to their JSON. Not generic, so compiled once rather than
/// for every type of element.
fn by_position(rejected: Vec<(usize, Value)>) -> Value {
    Value::Object(
        rejected
            .into_iter()
            .map(|(index, json)| (index.to_string(), json))
            .collect(),
    )
}

/// Reads the rest of a JSON object into `value`.
fn read_object<'de, T: Object, A: MapAccess<'de>>(
    map: &mut Entries<A>,
    value: &mut T,
) -> Result<(), A::Error> {
    while let Some(key) = map.map.next_key_seed(KeySeed)? {
        value.read_field(&key.0, map)?;
    }
    // Checked here, before asking the struct for its parts: a call per object
    // that cannot be inlined, for a settle that rarely has anything to do.
    if map.unsettled {
        map.settle(value.parts().1);
    }
    Ok(())
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        let mut value = T::default();
        read_object(&mut Entries::new(map), &mut value)?;
        Ok(value)
    }
}

/// `Deserialize` of a generated struct: any JSON object.
pub fn deserialize_object<'de, T: Object, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// A generated struct is read from a JSON object (and kept as a `Value` when it
/// is anything else). One impl for all of them, rather than one per struct.
impl<T: Object> Lenient for T {
    fn map<'de, A: MapAccess<'de>>(map: A) -> Result<Result<T, Value>, A::Error> {
        let mut value = T::default();
        read_object(&mut Entries::new(map), &mut value)?;
        Ok(Ok(value))
    }
    fn map_boxed<'de, A: MapAccess<'de>>(map: A) -> Result<Result<Box<T>, Value>, A::Error> {
        let mut value = Box::<T>::default();
        read_object(&mut Entries::new(map), &mut *value)?;
        Ok(Ok(value))
    }
}

/// Writes a struct straight to the serializer's map: `@odata.type` first, then
/// the documented properties that are present in the struct's order, then the
/// additional properties in their order.
pub struct ObjectWriter<'a, M: SerializeMap> {
    map: M,
    additional: Option<&'a Properties>,
    /// `key_bit` of every additional property: a documented property is
    /// looked for among them only when its bit is set.
    keys: u64,
    /// Additional properties hidden by a documented one of the same name.
    shadowed: Vec<&'a str>,
    /// The first error of the serializer: nothing more is written after it, and
    /// [`finish`](Self::finish) returns it (so that a struct's code needs no `?`
    /// per property).
    error: Option<M::Error>,
}

impl<'a, M: SerializeMap> ObjectWriter<'a, M> {
    fn new(map: M) -> Self {
        ObjectWriter {
            map,
            additional: None,
            keys: 0,
            shadowed: Vec::new(),
            error: None,
        }
    }

    /// Writes the `@odata.type`, and takes the additional properties that
    /// [`finish`](Self::finish) writes.
    pub fn start(&mut self, odata_type: &'a Option<ArcStr>, additional: &'a Properties) {
        self.additional = Some(additional);
        self.keys = additional.keys().fold(0, |keys, key| keys | key_bit(key));
        if let Some(tag) = odata_type {
            self.entry(ODATA_TYPE, tag.as_str());
        }
    }

    fn entry<T: Serialize + ?Sized>(&mut self, name: &'a str, value: &T) {
        if self.error.is_some() {
            return;
        }
        if self.keys & key_bit(name) != 0 {
            if let Some(additional) = self.additional {
                if additional.contains_key(name) {
                    self.shadowed.push(name);
                }
            }
        }
        if let Err(error) = self.map.serialize_entry(name, value) {
            self.error = Some(error);
        }
    }

    /// Writes a present property (`null` for [`Field::Null`]).
    pub fn field<T: Serialize>(&mut self, name: &'a str, value: &Field<T>) {
        match value {
            Field::Absent => {}
            Field::Null => self.entry(name, &()),
            Field::Value(value) => self.entry(name, value),
        }
    }

    /// Writes a present collection property, with the elements [`read_list`] kept
    /// apart back at their positions.
    pub fn list<T: Serialize>(&mut self, name: &'a str, value: &Field<ThinVec<T>>) {
        let rejected = self
            .additional
            .filter(|_| self.keys & key_bit(name) != 0)
            .and_then(|a| a.get(name))
            .and_then(Value::as_object);
        match (value, rejected) {
            (Field::Value(items), Some(rejected)) => {
                let merged = Merged { items, rejected };
                self.entry(name, &merged)
            }
            // As a slice: `ThinVec`'s own `Serialize` is behind a feature of
            // its crate.
            _ => self.field(name, &value.as_ref().map(ThinVec::as_slice)),
        }
    }

    /// Writes the additional properties but those a documented property hid;
    /// the first error of all the writing, if any.
    pub fn finish(&mut self) -> Result<(), M::Error> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let Some(additional) = self.additional else {
            return Ok(());
        };
        for (name, value) in additional {
            if !self.shadowed.contains(&name) {
                self.map.serialize_entry(name, value)?;
            }
        }
        Ok(())
    }
}

/// One of 64 bits for a key, from its length and last byte (the additional
/// properties Graph sends are mostly `@odata.` annotations, alike at the start).
fn key_bit(key: &str) -> u64 {
    let last = key.as_bytes().last().copied().unwrap_or(0);
    1 << ((key.len().wrapping_mul(7) ^ usize::from(last)) & 63)
}

/// A list's typed elements with the rejected ones at their positions; rejected
/// elements whose position is past the end (the list was shortened) or not a
/// number come last.
struct Merged<'a, T> {
    items: &'a [T],
    rejected: &'a Map<String, Value>,
}

impl<T: Serialize> Serialize for Merged<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut rejected: Vec<(usize, &Value)> = self
            .rejected
            .iter()
            .map(|(index, value)| (index.parse().unwrap_or(usize::MAX), value))
            .collect();
        rejected.sort_by_key(|(index, _)| *index);
        let mut seq = serializer.serialize_seq(Some(self.items.len() + rejected.len()))?;
        let mut items = self.items.iter();
        let mut position = 0usize;
        for (index, value) in rejected {
            while position < index {
                let Some(item) = items.next() else { break };
                seq.serialize_element(item)?;
                position += 1;
            }
            seq.serialize_element(value)?;
            position += 1;
        }
        for item in items {
            seq.serialize_element(item)?;
        }
        seq.end()
    }
}

/// `Serialize` of a generated struct.
pub fn serialize_object<T: Object, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut writer = ObjectWriter::new(serializer.serialize_map(None)?);
    value.write(&mut writer)?;
    writer.map.end()
}

/// `Serialize` of `$name` through `$serialize(&value, serializer)` of this module.
// Each macro is unused in a crate built with features that have no such type.
#[allow(unused_macros)]
macro_rules! serde_serialize {
    ($name:ident, $serialize:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::runtime::$serialize(self, serializer)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use serde_serialize;

/// `Deserialize` of `$name` through `$deserialize(deserializer)` of this module.
#[allow(unused_macros)]
macro_rules! serde_deserialize {
    ($name:ident, $deserialize:ident) => {
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
pub(crate) use serde_deserialize;

/// [`Lenient`] of `$name`, a JSON object read by `$read(map)` of this module.
#[allow(unused_macros)]
macro_rules! lenient_map {
    ($name:ident, $read:ident) => {
        impl $crate::runtime::Lenient for $name {
            fn map<'de, A: ::serde::de::MapAccess<'de>>(
                map: A,
            ) -> ::core::result::Result<::core::result::Result<Self, ::serde_json::Value>, A::Error>
            {
                $crate::runtime::$read(map)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use lenient_map;

/// `serde_object!(Name);`: serde's traits for a generated struct, through its
/// [`Object`] impl ([`serialize_object`], [`deserialize_object`]).
#[allow(unused_macros)]
macro_rules! serde_object {
    ($name:ident) => {
        $crate::runtime::serde_serialize!($name, serialize_object);
        $crate::runtime::serde_deserialize!($name, deserialize_object);
    };
}
#[allow(unused_imports)]
pub(crate) use serde_object;

/// `serde_str_enum!(Name);`: serde's traits and [`Lenient`] for a generated
/// string enum, through its [`StrEnum`] impl ([`serialize_str_enum`],
/// [`deserialize_str_enum`]).
#[allow(unused_macros)]
macro_rules! serde_str_enum {
    ($name:ident) => {
        $crate::runtime::serde_serialize!($name, serialize_str_enum);
        $crate::runtime::serde_deserialize!($name, deserialize_str_enum);
        impl $crate::runtime::Lenient for $name {
            fn str(value: &str) -> ::core::result::Result<Self, ::serde_json::Value> {
                ::core::result::Result::Ok($crate::runtime::StrEnum::from_str(value))
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use serde_str_enum;

/// `serde_poly!(AnyName);`: `Deserialize` and [`Lenient`] for a generated
/// `Any…` enum, through its [`Poly`] impl ([`deserialize_poly`], [`lenient_poly`]).
#[allow(unused_macros)]
macro_rules! serde_poly {
    ($name:ident) => {
        $crate::runtime::serde_deserialize!($name, deserialize_poly);
        $crate::runtime::lenient_map!($name, lenient_poly);
    };
}
#[allow(unused_imports)]
pub(crate) use serde_poly;

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
    deserializer.deserialize_str(StrEnumVisitor(PhantomData))
}

/// Reads a string enum from the text as it is, without a `String` of its own.
struct StrEnumVisitor<E>(PhantomData<E>);

impl<E: StrEnum> Visitor<'_> for StrEnumVisitor<E> {
    type Value = E;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<Er: de::Error>(self, value: &str) -> Result<E, Er> {
        Ok(E::from_str(value))
    }
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

/// What the generated `Any…` enums implement: the variant an `@odata.type`
/// names, read from a [`Source`]. Tags are compared without their leading `#`
/// and in lower case (Graph writes `#microsoft.graph.user`, and type names
/// compare case-insensitively).
pub trait Poly: Sized {
    /// The base type: what a value without a tag, or with the tag of the base
    /// type or of a type this crate does not know, is read as.
    type Base: Object;
    /// The value of the base type as the enum.
    fn base(value: Self::Base) -> Self;
    /// The derived type `tag` names, read from `source`; `None` (with `source`
    /// untouched) when `tag` names no derived type.
    fn read_tagged<S: Source>(tag: &str, source: &mut S) -> Option<Result<Self, S::Error>>;
}

/// Where the variant of a polymorphic value is read from, once its tag is known.
pub trait Source {
    type Error;
    fn read<T: Object>(&mut self) -> Result<T, Self::Error>;
}

/// The rest of the JSON object, when `@odata.type` was its first key: read
/// straight into the variant, nothing buffered.
struct Streamed<'m, 'de, A> {
    tag: Option<ArcStr>,
    map: &'m mut Entries<A>,
    input: PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> Source for Streamed<'_, 'de, A> {
    type Error = A::Error;
    fn read<T: Object>(&mut self) -> Result<T, A::Error> {
        let mut value = T::default();
        *value.parts().0 = self.tag.take();
        read_object(self.map, &mut value)?;
        Ok(value)
    }
}

/// A tag that came after other keys, which were read into the base type: those
/// are written back into a list of entries with the rest of the object, in
/// order, and the variant is read from that list.
struct Late<'m, 'de, B, A> {
    base: &'m mut B,
    tag: Option<ArcStr>,
    map: &'m mut Entries<A>,
    input: PhantomData<&'de ()>,
}

impl<'de, B: Object, A: MapAccess<'de>> Source for Late<'_, 'de, B, A> {
    type Error = A::Error;
    fn read<T: Object>(&mut self) -> Result<T, A::Error> {
        self.map.settle(self.base.parts().1);
        let mut writer = ObjectWriter::new(Pairs::default());
        let written = self.base.write(&mut writer);
        let mut pairs = writer.map.pairs;
        // Unreachable: a struct's keys are strings and `Value` takes any value.
        written.map_err(de::Error::custom)?;
        if let Some(tag) = self.tag.take() {
            pairs.push((ODATA_TYPE.to_owned(), Value::String(tag.to_string())));
        }
        while let Some(entry) = self.map.map.next_entry::<String, Value>()? {
            pairs.push(entry);
        }
        let entries = MapDeserializer::<_, serde_json::Error>::new(pairs.into_iter());
        deserialize_object(entries).map_err(de::Error::custom)
    }
}

/// The entries of an object written as `Value`s, in order (for [`Late`]).
#[derive(Default)]
struct Pairs {
    pairs: Vec<(String, Value)>,
    key: Option<String>,
}

impl SerializeMap for Pairs {
    type Ok = ();
    type Error = serde_json::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Self::Error> {
        match serde_json::to_value(key)? {
            Value::String(key) => {
                self.key = Some(key);
                Ok(())
            }
            _ => Err(serde::ser::Error::custom("a key that is not a string")),
        }
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Self::Error> {
        let key = self.key.take().unwrap_or_default();
        self.pairs.push((key, serde_json::to_value(value)?));
        Ok(())
    }
    fn end(self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// `tag` as [`Poly::read_tagged`] compares it, copied into `buffer` when it fits.
fn tag_key<'b>(tag: &str, buffer: &'b mut [u8; 128]) -> Cow<'b, str> {
    let tag = tag.strip_prefix('#').unwrap_or(tag);
    let Some(slot) = buffer.get_mut(..tag.len()) else {
        return Cow::Owned(tag.to_ascii_lowercase());
    };
    slot.copy_from_slice(tag.as_bytes());
    slot.make_ascii_lowercase();
    // Lower-casing ASCII letters keeps the bytes valid UTF-8.
    match std::str::from_utf8(slot) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(tag.to_ascii_lowercase()),
    }
}

/// Reads a polymorphic value from a JSON object, in one pass: the keys are read
/// into the base type until an `@odata.type` names a derived type. When that tag
/// is the first key (as Graph writes it), the rest of the object is read straight
/// into the variant; a tag further down has the keys read so far written back,
/// in order, with the rest of the object, and the variant read from them.
/// Of two tags the first one chooses.
fn read_poly<'de, T: Poly, A: MapAccess<'de>>(map: &mut Entries<A>) -> Result<T, A::Error> {
    let mut base = T::Base::default();
    let mut first = true;
    while let Some(key) = map.map.next_key_seed(KeySeed)? {
        if *key.0 != *ODATA_TYPE.as_bytes() || base.parts().0.is_some() {
            base.read_field(&key.0, map)?;
            first = false;
            continue;
        }
        let tag = match map.map.next_value_seed(Seed::<ArcStr>(PhantomData))? {
            Ok(tag) => tag,
            Err(json) => {
                // Not a string: kept, and the value stays of the base type.
                map.keep(base.parts().1, ODATA_TYPE, json);
                first = false;
                continue;
            }
        };
        let mut bytes = [0u8; 128];
        let lower = tag_key(&tag, &mut bytes);
        let chosen = if first {
            let mut source = Streamed {
                tag: Some(tag),
                map: &mut *map,
                input: PhantomData,
            };
            match T::read_tagged(&lower, &mut source) {
                Some(value) => return value,
                None => source.tag,
            }
        } else {
            let mut source = Late {
                base: &mut base,
                tag: Some(tag),
                map: &mut *map,
                input: PhantomData,
            };
            match T::read_tagged(&lower, &mut source) {
                Some(value) => return value,
                None => source.tag,
            }
        };
        *base.parts().0 = chosen;
        first = false;
    }
    map.settle(base.parts().1);
    Ok(T::base(base))
}

struct PolyVisitor<T>(PhantomData<T>);

impl<'de, T: Poly> Visitor<'de> for PolyVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        read_poly(&mut Entries::new(map))
    }
}

/// `Deserialize` of a generated `Any…` enum: any JSON object.
pub fn deserialize_poly<'de, T: Poly, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(PolyVisitor(PhantomData))
}

/// [`Lenient::map`] of a generated `Any…` enum.
pub fn lenient_poly<'de, T: Poly, A: MapAccess<'de>>(map: A) -> Result<Result<T, Value>, A::Error> {
    read_poly(&mut Entries::new(map)).map(Ok)
}

// The impls of the primitives are `#[inline]`: without it a call of a few
// instructions could not be inlined into the crate that reads, where every
// property is read.
impl Lenient for String {
    #[inline]
    fn str(value: &str) -> Result<Self, Value> {
        Ok(value.to_owned())
    }
    #[inline]
    fn string(value: String) -> Result<Self, Value> {
        Ok(value)
    }
}

/// What an `@odata.type` is kept as (see [`ArcStr`]).
impl Lenient for ArcStr {
    fn str(value: &str) -> Result<Self, Value> {
        Ok(ArcStr::from(value))
    }
}

impl Lenient for bool {
    #[inline]
    fn bool(value: bool) -> Result<Self, Value> {
        Ok(value)
    }
}

/// Integers: a number out of the type's range, or with a fraction, is kept as it is.
macro_rules! lenient_integers {
    ($($ty:ty),*) => {$(
        impl Lenient for $ty {
            #[inline]
            fn i64(value: i64) -> Result<Self, Value> {
                <$ty>::try_from(value).map_err(|_| Value::from(value))
            }
            #[inline]
            fn u64(value: u64) -> Result<Self, Value> {
                <$ty>::try_from(value).map_err(|_| Value::from(value))
            }
        }
    )*};
}
lenient_integers!(i8, i16, i32, i64, u8);

/// Floating-point and decimal values keep the number as read (`1024` stays `1024`).
impl Lenient for serde_json::Number {
    fn i64(value: i64) -> Result<Self, Value> {
        Ok(value.into())
    }
    fn u64(value: u64) -> Result<Self, Value> {
        Ok(value.into())
    }
    fn f64(value: f64) -> Result<Self, Value> {
        serde_json::Number::from_f64(value).ok_or(Value::Null)
    }
}

/// Any JSON value fits (through [`Lenient::read`] as a list element; kind by
/// kind as a property, whose `null` [`Field`] takes first).
impl Lenient for Value {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Result<Self, Value>, D::Error> {
        Value::deserialize(deserializer).map(Ok)
    }
    fn null() -> Result<Self, Value> {
        Ok(Value::Null)
    }
    fn bool(value: bool) -> Result<Self, Value> {
        Ok(Value::Bool(value))
    }
    fn i64(value: i64) -> Result<Self, Value> {
        Ok(Value::from(value))
    }
    fn u64(value: u64) -> Result<Self, Value> {
        Ok(Value::from(value))
    }
    fn f64(value: f64) -> Result<Self, Value> {
        Ok(Value::from(value))
    }
    fn str(value: &str) -> Result<Self, Value> {
        Ok(Value::from(value))
    }
    fn string(value: String) -> Result<Self, Value> {
        Ok(Value::String(value))
    }
    fn map<'de, A: MapAccess<'de>>(map: A) -> Result<Result<Self, Value>, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Ok)
    }
    fn seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<Result<Self, Value>, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Ok)
    }
}

impl<E: StrEnum> Lenient for Flags<E> {
    fn str(text: &str) -> Result<Self, Value> {
        Self::string(text.to_owned())
    }
    fn string(text: String) -> Result<Self, Value> {
        Ok(Flags {
            values: Self::parse(&text),
            text: Some(text),
        })
    }
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
        Unknown(ArcStr),
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
                other => Access::Unknown(ArcStr::from(other)),
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
        odata_type: Option<ArcStr>,
        name: Field<String>,
        count: Field<i32>,
        additional_properties: Properties,
    }

    impl Object for Thing {
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &[u8],
            map: &mut Entries<A>,
        ) -> Result<(), A::Error> {
            let rest = &mut self.additional_properties;
            match key {
                b"@odata.type" => read_tag(map, &mut self.odata_type, rest),
                b"name" => read_value(map, "name", &mut self.name, rest),
                b"count" => read_value(map, "count", &mut self.count, rest),
                _ => read_other(map, key, rest),
            }
        }
        fn write<'a, M: SerializeMap>(
            &'a self,
            writer: &mut ObjectWriter<'a, M>,
        ) -> Result<(), M::Error> {
            writer.start(&self.odata_type, &self.additional_properties);
            writer.field("name", &self.name);
            writer.field("count", &self.count);
            writer.finish()
        }
        fn parts(&mut self) -> (&mut Option<ArcStr>, &mut Properties) {
            (&mut self.odata_type, &mut self.additional_properties)
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

    #[test]
    fn references_and_primitive_answers_keep_what_else_they_hold() {
        let reference =
            Reference::under("https://graph.microsoft.com/v1.0/", "/directoryObjects/1");
        let json = serde_json::to_value(&reference).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/1"})
        );
        assert_eq!(serde_json::to_string(&Reference::default()).unwrap(), "{}");
        let shown = serde_json::json!({"name": "x", "@odata.id": "u"});
        let read: Reference = serde_json::from_value(shown.clone()).unwrap();
        assert_eq!(
            (read.odata_id.as_deref(), read.additional_properties.len()),
            (Some("u"), 1)
        );
        assert_eq!(serde_json::to_value(&read).unwrap(), shown);
        let text = r#"{"@odata.context":"$metadata#Edm.Int32","value":1024}"#;
        let answer: Primitive<i32> = serde_json::from_str(text).unwrap();
        assert_eq!(answer.value, 1024);
        let back = serde_json::to_value(&answer).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(text).unwrap());
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

    // ---- The edge cases of reading and writing: nothing is lost. ----

    /// A struct with a field of each shape the generator emits.
    #[derive(Debug, Default, PartialEq)]
    struct Outer {
        odata_type: Option<ArcStr>,
        inner: Field<Box<Thing>>,
        things: Field<ThinVec<Thing>>,
        tags: Field<ThinVec<String>>,
        big: Field<i64>,
        ratio: Field<serde_json::Number>,
        flag: Field<bool>,
        access: Field<Access>,
        shape: Field<Box<AnyShape>>,
        shapes: Field<ThinVec<AnyShape>>,
        untyped: Field<Value>,
        additional_properties: Properties,
    }

    impl Object for Outer {
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &[u8],
            map: &mut Entries<A>,
        ) -> Result<(), A::Error> {
            let rest = &mut self.additional_properties;
            match key {
                b"@odata.type" => read_tag(map, &mut self.odata_type, rest),
                b"inner" => read_boxed(map, "inner", &mut self.inner, rest),
                b"things" => read_list(map, "things", &mut self.things, rest),
                b"tags" => read_list(map, "tags", &mut self.tags, rest),
                b"big" => read_value(map, "big", &mut self.big, rest),
                b"ratio" => read_value(map, "ratio", &mut self.ratio, rest),
                b"flag" => read_value(map, "flag", &mut self.flag, rest),
                b"access" => read_value(map, "access", &mut self.access, rest),
                b"shape" => read_boxed(map, "shape", &mut self.shape, rest),
                b"shapes" => read_list(map, "shapes", &mut self.shapes, rest),
                b"untyped" => read_value(map, "untyped", &mut self.untyped, rest),
                _ => read_other(map, key, rest),
            }
        }
        fn write<'a, M: SerializeMap>(
            &'a self,
            writer: &mut ObjectWriter<'a, M>,
        ) -> Result<(), M::Error> {
            writer.start(&self.odata_type, &self.additional_properties);
            writer.field("inner", &self.inner);
            writer.list("things", &self.things);
            writer.list("tags", &self.tags);
            writer.field("big", &self.big);
            writer.field("ratio", &self.ratio);
            writer.field("flag", &self.flag);
            writer.field("access", &self.access);
            writer.field("shape", &self.shape);
            writer.list("shapes", &self.shapes);
            writer.field("untyped", &self.untyped);
            writer.finish()
        }
        fn parts(&mut self) -> (&mut Option<ArcStr>, &mut Properties) {
            (&mut self.odata_type, &mut self.additional_properties)
        }
    }

    /// A base type `x.shape` and its derived type `x.circle`.
    #[derive(Debug, Default, PartialEq)]
    struct Shape {
        odata_type: Option<ArcStr>,
        name: Field<String>,
        additional_properties: Properties,
    }

    #[derive(Debug, Default, PartialEq)]
    struct Circle {
        odata_type: Option<ArcStr>,
        name: Field<String>,
        radius: Field<i32>,
        additional_properties: Properties,
    }

    impl Object for Shape {
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &[u8],
            map: &mut Entries<A>,
        ) -> Result<(), A::Error> {
            let rest = &mut self.additional_properties;
            match key {
                b"@odata.type" => read_tag(map, &mut self.odata_type, rest),
                b"name" => read_value(map, "name", &mut self.name, rest),
                _ => read_other(map, key, rest),
            }
        }
        fn write<'a, M: SerializeMap>(
            &'a self,
            writer: &mut ObjectWriter<'a, M>,
        ) -> Result<(), M::Error> {
            writer.start(&self.odata_type, &self.additional_properties);
            writer.field("name", &self.name);
            writer.finish()
        }
        fn parts(&mut self) -> (&mut Option<ArcStr>, &mut Properties) {
            (&mut self.odata_type, &mut self.additional_properties)
        }
    }

    impl Object for Circle {
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &[u8],
            map: &mut Entries<A>,
        ) -> Result<(), A::Error> {
            let rest = &mut self.additional_properties;
            match key {
                b"@odata.type" => read_tag(map, &mut self.odata_type, rest),
                b"name" => read_value(map, "name", &mut self.name, rest),
                b"radius" => read_value(map, "radius", &mut self.radius, rest),
                _ => read_other(map, key, rest),
            }
        }
        fn write<'a, M: SerializeMap>(
            &'a self,
            writer: &mut ObjectWriter<'a, M>,
        ) -> Result<(), M::Error> {
            writer.start(&self.odata_type, &self.additional_properties);
            writer.field("name", &self.name);
            writer.field("radius", &self.radius);
            writer.finish()
        }
        fn parts(&mut self) -> (&mut Option<ArcStr>, &mut Properties) {
            (&mut self.odata_type, &mut self.additional_properties)
        }
    }

    #[derive(Debug, PartialEq)]
    enum AnyShape {
        Shape(Shape),
        Circle(Circle),
    }

    impl Poly for AnyShape {
        type Base = Shape;
        fn base(value: Shape) -> Self {
            AnyShape::Shape(value)
        }
        fn read_tagged<S: Source>(tag: &str, source: &mut S) -> Option<Result<Self, S::Error>> {
            match tag {
                "x.circle" => Some(source.read().map(AnyShape::Circle)),
                _ => None,
            }
        }
    }

    impl Serialize for AnyShape {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                AnyShape::Shape(value) => value.serialize(serializer),
                AnyShape::Circle(value) => value.serialize(serializer),
            }
        }
    }

    /// What `serde_object!` and `serde_poly!` write in a generated crate (whose
    /// `$crate::runtime` this crate does not have).
    macro_rules! object_impls {
        ($($name:ident),*) => {$(
            impl<'de> Deserialize<'de> for $name {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    deserialize_object(deserializer)
                }
            }
            impl Serialize for $name {
                fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serialize_object(self, serializer)
                }
            }
        )*};
    }
    object_impls!(Outer, Shape, Circle);

    impl<'de> Deserialize<'de> for AnyShape {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_poly(deserializer)
        }
    }
    impl Lenient for AnyShape {
        fn map<'de, A: MapAccess<'de>>(map: A) -> Result<Result<Self, Value>, A::Error> {
            lenient_poly(map)
        }
    }

    impl Serialize for Access {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize_str_enum(self, serializer)
        }
    }
    impl<'de> Deserialize<'de> for Access {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_str_enum(deserializer)
        }
    }
    impl Lenient for Access {
        fn str(value: &str) -> Result<Self, Value> {
            Ok(StrEnum::from_str(value))
        }
    }

    /// Reads `json` as `T` from text and from a `Value` (the two kinds of
    /// deserializer), checks that both write back the same JSON value, and gives
    /// the one read from text.
    fn lossless<T: DeserializeOwned + Serialize + PartialEq + fmt::Debug>(json: &str) -> T {
        let value: Value = serde_json::from_str(json).unwrap();
        let from_text: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        let from_value: T = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(from_text, from_value, "{json}");
        assert_eq!(serde_json::to_value(&from_text).unwrap(), value, "{json}");
        let text = serde_json::to_string(&from_text).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            value,
            "{json}"
        );
        from_text
    }

    /// Every kind of JSON value, nested ones included.
    const KINDS: &[&str] = &[
        "null",
        "true",
        "false",
        "0",
        "-1",
        "7",
        "1.5",
        "-2.5e-3",
        "9223372036854775807",
        "18446744073709551615",
        "-9223372036854775808",
        "\"\"",
        "\"text\"",
        "\"#x.circle\"",
        "[]",
        "[null]",
        "[1,\"a\",{}]",
        "{}",
        "{\"name\":1}",
        "{\"@odata.type\":\"#x.circle\",\"radius\":\"r\"}",
        "{\"a\":{\"b\":[{\"c\":null}]}}",
    ];

    #[test]
    fn null_absent_and_value_are_three_states_at_every_level() {
        let outer: Outer = lossless("{}");
        assert_eq!(outer, Outer::default());
        let outer: Outer =
            lossless(r#"{"inner":null,"things":null,"tags":null,"shape":null,"untyped":null}"#);
        assert!(outer.inner.is_null() && outer.things.is_null() && outer.tags.is_null());
        assert!(outer.shape.is_null() && outer.untyped.is_null());
        assert!(outer.additional_properties.is_empty());
        let outer: Outer = lossless(r#"{"inner":{"name":null},"things":[{},{"count":null}]}"#);
        assert!(outer.inner.get().unwrap().name.is_null());
        assert!(outer.inner.get().unwrap().count.is_absent());
        let things = outer.things.get().unwrap();
        assert!(things[0].count.is_absent() && things[1].count.is_null());
        assert_eq!(
            serde_json::to_string(&outer).unwrap(),
            r#"{"inner":{"name":null},"things":[{},{"count":null}]}"#
        );
    }

    #[test]
    fn a_value_of_any_other_kind_is_kept_at_every_level() {
        for property in [
            "inner",
            "things",
            "tags",
            "big",
            "ratio",
            "flag",
            "access",
            "shape",
            "shapes",
            "untyped",
            "@odata.type",
        ] {
            for kind in KINDS {
                let json = format!(r#"{{"{property}":{kind}}}"#);
                let outer: Outer = lossless(&json);
                // In a nested struct, in a list element, in a polymorphic value.
                let nested = format!(r#"{{"inner":{{"count":{kind},"name":{kind}}}}}"#);
                let _: Outer = lossless(&nested);
                let element = format!(r#"{{"things":[{{"count":{kind}}},{kind},{{}}]}}"#);
                let _: Outer = lossless(&element);
                let poly =
                    format!(r##"{{"shape":{{"@odata.type":"#x.circle","radius":{kind}}}}}"##);
                let _: Outer = lossless(&poly);
                let late = format!(
                    r##"{{"shapes":[{{"radius":{kind},"@odata.type":"#X.Circle"}},{kind}]}}"##
                );
                let _: Outer = lossless(&late);
                if property == "untyped" {
                    assert!(outer.additional_properties.is_empty(), "{json}");
                }
            }
        }
    }

    #[test]
    fn a_list_keeps_the_elements_that_fit() {
        let outer: Outer = lossless(r#"{"tags":[1,"a",null,"b",{"c":2},"d",[]]}"#);
        assert_eq!(outer.tags.get().unwrap(), &["a", "b", "d"]);
        assert_eq!(
            outer.additional_properties["tags"],
            serde_json::json!({"0": 1, "2": null, "4": {"c": 2}, "6": []})
        );
        assert_eq!(
            serde_json::to_string(&outer).unwrap(),
            r#"{"tags":[1,"a",null,"b",{"c":2},"d",[]]}"#
        );
        // Of twelve elements, the bad ones at positions 10 and 11 (not sorted as text).
        let outer: Outer = lossless(r#"{"tags":["0","1","2","3","4","5","6","7","8","9",10,11]}"#);
        assert_eq!(outer.tags.get().unwrap().len(), 10);
        let outer: Outer = lossless(r#"{"things":[{"name":"a"},7,{"count":"x"}]}"#);
        let things = outer.things.get().unwrap();
        assert_eq!(things.len(), 2);
        assert_eq!(things[1].additional_properties["count"], "x");
        // Shortened by the caller: the kept elements come last.
        let mut outer: Outer = lossless(r#"{"tags":["a","b",3]}"#);
        outer.tags = vec!["a".to_string()].into();
        assert_eq!(
            serde_json::to_string(&outer).unwrap(),
            r#"{"tags":["a",3]}"#
        );
        // A non-list stays whole, the field absent.
        let outer: Outer = lossless(r#"{"tags":{"0":"a"}}"#);
        assert!(outer.tags.is_absent());
    }

    #[test]
    fn polymorphic_values_by_tag_first_late_unknown_or_wrong() {
        let outer: Outer =
            lossless(r##"{"shape":{"@odata.type":"#x.circle","name":"c","radius":2}}"##);
        let Some(AnyShape::Circle(circle)) = outer.shape.get().map(|b| &**b) else {
            panic!("{outer:?}")
        };
        assert_eq!(
            (circle.radius.get(), circle.odata_type.as_deref()),
            (Some(&2), Some("#x.circle"))
        );
        // Late and in another case: still the derived type, nothing lost.
        let outer: Outer = lossless(
            r##"{"shape":{"name":"c","zz":1,"radius":2,"@odata.type":"#X.CIRCLE","after":[1]}}"##,
        );
        let Some(AnyShape::Circle(circle)) = outer.shape.get().map(|b| &**b) else {
            panic!("{outer:?}")
        };
        assert_eq!(circle.radius.get(), Some(&2));
        let kept: Vec<&str> = circle.additional_properties.keys().collect();
        assert_eq!(kept, ["zz", "after"], "in the order they came");
        // Unknown, the base type's own, absent, not a string: the base type.
        for json in [
            r##"{"@odata.type":"#x.square","name":"s","radius":3}"##,
            r##"{"name":"s","@odata.type":"#x.shape"}"##,
            r##"{"name":"s"}"##,
            r##"{"@odata.type":7,"name":"s"}"##,
            r##"{"@odata.type":null}"##,
            r##"{}"##,
        ] {
            let shape: AnyShape = lossless(json);
            assert!(matches!(shape, AnyShape::Shape(_)), "{json}");
        }
        let shape: AnyShape = lossless(r##"{"@odata.type":"#x.square","radius":3}"##);
        let AnyShape::Shape(shape) = shape else {
            panic!()
        };
        assert_eq!(shape.odata_type.as_deref(), Some("#x.square"));
        assert_eq!(shape.additional_properties["radius"], 3);
        // The first of two tags chooses; the last is the one kept.
        let shape: AnyShape =
            serde_json::from_str(r##"{"@odata.type":"#x.circle","@odata.type":"#x.shape"}"##)
                .unwrap();
        assert!(
            matches!(&shape, AnyShape::Circle(c) if c.odata_type.as_deref() == Some("#x.shape"))
        );
        // A tag longer than the stack buffer.
        let long = format!(r##"{{"@odata.type":"#{}","name":"n"}}"##, "x".repeat(300));
        let _: AnyShape = lossless(&long);
        assert!(
            serde_json::from_str::<AnyShape>("[1]").is_err(),
            "not an object"
        );
    }

    #[test]
    fn numbers_are_kept_exactly_in_range_or_as_read() {
        let outer: Outer = lossless(r#"{"big":9223372036854775807,"ratio":1024}"#);
        assert_eq!(outer.big.get(), Some(&i64::MAX));
        assert_eq!(
            serde_json::to_string(&outer).unwrap(),
            r#"{"big":9223372036854775807,"ratio":1024}"#
        );
        // Out of range of the field: kept, exactly.
        let outer: Outer = lossless(r#"{"big":18446744073709551615}"#);
        assert!(outer.big.is_absent());
        assert_eq!(outer.additional_properties["big"], u64::MAX);
        let thing: Thing = lossless(r#"{"count":2147483648}"#);
        assert_eq!(thing.additional_properties["count"], 2147483648u64);
        let thing: Thing = lossless(r#"{"count":-2147483649}"#);
        assert_eq!(thing.additional_properties["count"], -2147483649i64);
        let thing: Thing = lossless(r#"{"count":2.0}"#);
        assert!(thing.count.is_absent(), "a float is not an integer");
        for ratio in ["1.5", "-0.0", "1e300", "5e-324", "-9223372036854775808"] {
            let json = format!(r#"{{"ratio":{ratio}}}"#);
            let outer: Outer = lossless(&json);
            assert!(outer.ratio.is_value(), "{json}");
        }
        // Beyond u64, serde_json reads an integer as a float (any serde_json reader,
        // `Value` included, without its arbitrary_precision feature): written back as
        // that float, the same value as `Value` reads.
        let _: Outer = lossless(r#"{"big":18446744073709551616,"ratio":1e21}"#);
    }

    #[test]
    fn of_duplicate_keys_the_last_wins() {
        let thing: Thing = serde_json::from_str(r#"{"name":"a","name":"b"}"#).unwrap();
        assert_eq!(thing.name.as_deref(), Some("b"));
        let thing: Thing = serde_json::from_str(r#"{"count":"x","count":1}"#).unwrap();
        assert_eq!(
            (thing.count.get(), thing.additional_properties.len()),
            (Some(&1), 0)
        );
        let thing: Thing = serde_json::from_str(r#"{"count":1,"count":"x"}"#).unwrap();
        assert!(thing.count.is_absent());
        assert_eq!(thing.additional_properties["count"], "x");
        let thing: Thing = serde_json::from_str(r#"{"x":1,"x":2,"count":null,"count":3}"#).unwrap();
        assert_eq!(thing.additional_properties["x"], 2);
        assert_eq!(thing.count.get(), Some(&3));
        let outer: Outer = serde_json::from_str(r#"{"tags":["a",1],"tags":["b"]}"#).unwrap();
        assert!(outer.additional_properties.is_empty(), "{outer:?}");
        assert_eq!(serde_json::to_string(&outer).unwrap(), r#"{"tags":["b"]}"#);
    }

    /// Every struct has one, mostly empty: its size is paid per object read.
    #[test]
    fn properties_are_one_pointer() {
        let word = std::mem::size_of::<usize>();
        assert_eq!(std::mem::size_of::<Properties>(), word);
        let mut props = Properties::new();
        props.insert("@odata.etag", Value::from("W/1"));
        props.insert("x", Value::from(1));
        assert_eq!(props.len(), 2, "an allocated list still reads as one");
    }

    #[test]
    fn tags_and_unlisted_enum_values_are_one_pointer() {
        let word = std::mem::size_of::<usize>();
        assert_eq!(std::mem::size_of::<Option<ArcStr>>(), word);
        // The enum's tag fits beside the pointer, and so does the field's.
        assert_eq!(std::mem::size_of::<Access>(), 2 * word);
        assert_eq!(std::mem::size_of::<Field<Access>>(), 2 * word);
        for known in &KNOWN_NAMES {
            assert!(ArcStr::is_static(&name(known)), "{known}");
        }
        assert!(!ArcStr::is_static(&name("@odata.other")));
    }

    #[test]
    fn properties_are_a_map_that_keeps_its_order() {
        let mut props = Properties::new();
        assert!(props.is_empty() && props.get("a").is_none());
        assert_eq!(props["a"], Value::Null, "a missing name indexes as null");
        assert_eq!(props[&"a".to_string()], Value::Null);
        assert_eq!(props.insert("b", Value::from(1)), None);
        assert_eq!(props.insert("a", Value::from(2)), None);
        assert_eq!(props.insert("c".to_string(), Value::from(3)), None);
        assert_eq!(props.insert("b", Value::from(4)), Some(Value::from(1)));
        let keys: Vec<&str> = props.keys().collect();
        assert_eq!(keys, ["b", "a", "c"], "replaced in place");
        assert_eq!((props.len(), props["b"].clone()), (3, Value::from(4)));
        assert!(props.contains_key("a") && !props.contains_key("z"));
        *props.get_mut("a").unwrap() = Value::from("x");
        props["d"] = Value::Bool(true);
        for (_, value) in &mut props {
            if value == &Value::from(3) {
                *value = Value::from(30);
            }
        }
        assert_eq!(
            serde_json::to_string(&props).unwrap(),
            r#"{"b":4,"a":"x","c":30,"d":true}"#
        );
        assert_eq!(
            format!("{props:?}"),
            r#"{"b": Number(4), "a": String("x"), "c": Number(30), "d": Bool(true)}"#
        );
        assert_eq!(props.remove("a"), Some(Value::from("x")));
        assert_eq!(props.remove("a"), None);
        let values: Vec<&Value> = props.values().collect();
        assert_eq!(
            values,
            [&Value::from(4), &Value::from(30), &Value::Bool(true)]
        );
        props.retain(|name, _| name != "c");
        let pairs: Vec<(String, Value)> = props.clone().into_iter().collect();
        assert_eq!(
            pairs,
            [
                ("b".to_string(), Value::from(4)),
                ("d".to_string(), Value::Bool(true))
            ]
        );
        // Compared as maps: the order does not matter.
        let reversed: Properties = pairs.into_iter().rev().collect();
        assert_eq!(props, reversed);
        assert_ne!(props, Properties::new());
        let mut other = reversed.clone();
        other.insert("b", Value::from(5));
        assert_ne!(props, other);
        // Of a name given twice the last value wins, at the place of the first.
        let collected: Properties = [("x", 1), ("y", 2), ("x", 3)]
            .into_iter()
            .map(|(name, value)| (name.to_string(), Value::from(value)))
            .collect();
        assert_eq!(
            serde_json::to_string(&collected).unwrap(),
            r#"{"x":3,"y":2}"#
        );
        let mut extended = collected.clone();
        extended.extend([
            ("y".to_string(), Value::Null),
            ("z".to_string(), Value::Null),
        ]);
        assert_eq!(
            serde_json::to_string(&extended).unwrap(),
            r#"{"x":3,"y":null,"z":null}"#
        );
        // To and from serde_json's map and value.
        let map: Map<String, Value> = extended.clone().into();
        assert_eq!(Properties::from(map), extended);
        assert_eq!(
            Value::from(extended),
            serde_json::json!({"x": 3, "y": null, "z": null})
        );
        let read: Properties = serde_json::from_str(r#"{"k":1,"j":2,"k":[3]}"#).unwrap();
        assert_eq!(serde_json::to_string(&read).unwrap(), r#"{"k":[3],"j":2}"#);
        assert!(serde_json::from_str::<Properties>("[]").is_err());
    }

    /// The additional properties an object's keys leave, read with what `Entries`
    /// does written out plainly: every key looked up, a documented one removed
    /// from the additional properties when its value fits.
    fn expected_rest(keys: &[(String, Value)]) -> (Field<i32>, Vec<(String, Value)>) {
        let mut count = Field::Absent;
        let mut rest: Vec<(String, Value)> = Vec::new();
        for (key, value) in keys {
            let fits = key == "count" && (value.is_null() || value.as_i64().is_some());
            if fits {
                count = match value.as_i64() {
                    Some(n) => Field::Value(n as i32),
                    None => Field::Null,
                };
                rest.retain(|(name, _)| name != key);
                continue;
            }
            if key == "count" {
                count = Field::Absent;
            }
            match rest.iter_mut().find(|(name, _)| name == key) {
                Some(slot) => slot.1 = value.clone(),
                None => rest.push((key.clone(), value.clone())),
            }
        }
        (count, rest)
    }

    #[test]
    fn many_additional_properties_keep_the_last_value_in_the_first_place() {
        // A fixed pseudo-random sequence: objects of up to 3 000 keys drawn from
        // pools of a few to thousands of names, `count` fitting or not among them.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % below
        };
        for (len, pool) in [
            (3, 2),
            (20, 5),
            (40, 40),
            (200, 30),
            (3000, 2500),
            (3000, 20),
        ] {
            for _ in 0..4 {
                let keys: Vec<(String, Value)> = (0..len)
                    .map(|i| {
                        let key = match next(8) {
                            0 => "count".to_string(),
                            _ => format!("k{}", next(pool)),
                        };
                        let value = match next(3) {
                            0 => Value::from(i),
                            1 => Value::Null,
                            _ => Value::from(format!("v{i}")),
                        };
                        (key, value)
                    })
                    .collect();
                let mut json = String::from("{");
                for (i, (key, value)) in keys.iter().enumerate() {
                    if i > 0 {
                        json.push(',');
                    }
                    json.push_str(&format!("{:?}:{value}", key));
                }
                json.push('}');
                let thing: Thing = serde_json::from_str(&json).unwrap();
                let (count, rest) = expected_rest(&keys);
                assert_eq!(thing.count, count, "{len} keys of {pool}");
                let got: Vec<(String, Value)> = thing.additional_properties.into_iter().collect();
                assert_eq!(got, rest, "{len} keys of {pool}");
                let props: Properties = serde_json::from_str(&json).unwrap();
                let plain: Vec<(String, Value)> = props.into_iter().collect();
                let all = expected_rest(
                    &keys
                        .iter()
                        .map(|(k, v)| (format!("_{k}"), v.clone()))
                        .collect::<Vec<_>>(),
                )
                .1;
                let all: Vec<(String, Value)> = all
                    .into_iter()
                    .map(|(k, v)| (k[1..].to_string(), v))
                    .collect();
                assert_eq!(plain, all, "{len} keys of {pool}");
            }
        }
        // Many distinct keys, read in time `n log n` (a quadratic reader would
        // take minutes here; nothing is timed).
        let many: String = (0..200_000)
            .map(|i| format!("\"k{i}\":{i}"))
            .collect::<Vec<_>>()
            .join(",");
        let thing: Thing =
            serde_json::from_str(&format!("{{\"count\":\"x\",{many},\"count\":1}}")).unwrap();
        assert_eq!(thing.additional_properties.len(), 200_000);
        assert_eq!(thing.count.get(), Some(&1));
        assert_eq!(thing.additional_properties["k199999"], 199_999);
    }

    #[test]
    fn keys_are_written_in_the_structs_order_then_the_additional_ones() {
        let json = r##"{"@odata.type":"#x","zeta":1,"count":2,"alpha":3,"name":"n"}"##;
        let thing: Thing = lossless(json);
        let text = serde_json::to_string(&thing).unwrap();
        // The additional properties in the order they came, whatever serde_json's
        // features.
        let expected = r##"{"@odata.type":"#x","name":"n","count":2,"zeta":1,"alpha":3}"##;
        assert_eq!(text, expected);
        // A documented property set over an additional one of the same name wins,
        // and the key is written once.
        let mut thing: Thing = lossless(r#"{"count":"many"}"#);
        thing.count = Field::Value(3);
        assert_eq!(serde_json::to_string(&thing).unwrap(), r#"{"count":3}"#);
    }

    #[test]
    fn keys_are_matched_as_bytes_and_checked_when_kept() {
        // From bytes: a property's key (escaped or not) matches its name, and a
        // key kept in the additional properties is checked to be UTF-8.
        let json = r#"{"name":"a","é":1,"n\u0061me":"b"}"#;
        let thing: Thing = serde_json::from_slice(json.as_bytes()).unwrap();
        assert_eq!(thing.name.as_deref(), Some("b"));
        assert_eq!(thing.additional_properties["é"], 1);
        let bad = serde_json::from_slice::<Thing>(b"{\"name\":\"a\",\"\xff\":1}").unwrap_err();
        assert!(bad.to_string().contains("not valid UTF-8"), "{bad}");
        let lone = serde_json::from_slice::<Thing>(br#"{"\ud800":1}"#);
        assert!(lone.is_err(), "{lone:?}");
        // serde_json reads a key as bytes without looking for control
        // characters: a raw one in a kept key is kept, as an escaped one is.
        let raw: Thing = serde_json::from_slice(b"{\"a\x01b\":1}").unwrap();
        assert_eq!(raw.additional_properties["a\u{1}b"], 1);
        // From a `Value`, whose keys are text: the same struct.
        let from_value: Thing =
            serde_json::from_value(serde_json::json!({"name":"b","é":1})).unwrap();
        assert_eq!(from_value, thing);
    }

    #[test]
    fn escaped_keys_and_pages_read_in_one_pass() {
        let thing: Thing = lossless(r#"{"n\u0061me":"a","\u00e9":1}"#);
        assert_eq!(thing.name.as_deref(), Some("a"));
        let page: Collection<Thing> = serde_json::from_str(
            r#"{"@odata.count":"x","value":[{"name":"a"}],"@odata.nextLink":"n","other":1}"#,
        )
        .unwrap();
        assert_eq!((page.value.len(), page.count), (1, None));
        assert_eq!(page.additional_properties["@odata.count"], "x");
        let back = serde_json::to_value(&page).unwrap();
        assert_eq!(
            back,
            serde_json::json!({"value":[{"name":"a"}],"@odata.nextLink":"n","@odata.count":"x","other":1})
        );
    }
}
