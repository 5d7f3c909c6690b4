//! What a caller of the service decides without doing I/O: whether and when to
//! retry an answer, where a redirect goes and whether credentials may follow it,
//! and how a large file goes up through an upload session. The client (cargo
//! feature `client`) is these functions around a transport; a caller with an HTTP
//! client of its own can use them as they are.
//!
//! This file is written by docbind and is the same in every generated crate.

use super::runtime::{find_header, Error, Method, Reply, Request};
use serde::Deserialize;
use serde_json::Value;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Statuses worth sending the same request again for: throttled (429), service
/// unavailable (503), gateway timeout (504).
pub const RETRY_STATUSES: [u16; 3] = [429, 503, 504];

/// How often and how long to wait before sending a request again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0: never retry).
    pub max_retries: u32,
    /// The wait before the first retry when the answer has no `Retry-After`;
    /// doubled for each retry after it.
    pub base_delay: Duration,
    /// The longest wait: backoff stops growing there, and a `Retry-After` longer
    /// than this is not waited for (the answer is returned as an error, with
    /// its `Retry-After`).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 4 retries, from 1 s, waiting at most 60 s.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 4,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn never() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }
}

/// Whether to ask the token provider for a new token and send the request again:
/// the service refused the token (`401`) and no new one was asked for this
/// request yet (a second `401` is the answer).
pub fn ask_for_new_token(status: u16, already_refreshed: bool) -> bool {
    status == 401 && !already_refreshed
}

/// How long to wait before sending a request again, or `None` not to: the
/// answer's status is one of [`RETRY_STATUSES`], the body can be sent again
/// (`replayable`), fewer than `policy.max_retries` retries were made (`retries`),
/// and the wait is `Retry-After` (seconds or an HTTP date, relative to `now`)
/// when the answer has one, else the [`backoff`] of this retry. `jitter` is a
/// number in `[0, 1)` that spreads the backoff of many clients apart.
pub fn retry_decision(
    policy: &RetryPolicy,
    retries: u32,
    status: u16,
    headers: &[(String, String)],
    now: SystemTime,
    replayable: bool,
    jitter: f64,
) -> Option<Duration> {
    if !RETRY_STATUSES.contains(&status) || !replayable || retries >= policy.max_retries {
        return None;
    }
    let after = find_header(headers, "retry-after").and_then(|value| retry_after(value, now));
    match after {
        Some(after) => (after <= policy.max_delay).then_some(after),
        None => Some(backoff(policy, retries, jitter)),
    }
}

/// How long to wait before sending a request again after the transport failed
/// (no answer: a connection refused or reset, a timeout), or `None` not to: only
/// an idempotent method (`GET`, `HEAD`, `OPTIONS`, `PUT`, `DELETE`) is sent
/// again, since a `POST` or `PATCH` may have been carried out before the
/// connection broke; fewer than `policy.max_retries` retries were made; the
/// wait is the [`backoff`] of this retry.
pub fn retry_after_transport_error(
    policy: &RetryPolicy,
    retries: u32,
    method: Method,
    jitter: f64,
) -> Option<Duration> {
    let idempotent = matches!(
        method,
        Method::Get | Method::Head | Method::Options | Method::Put | Method::Delete
    );
    (idempotent && retries < policy.max_retries).then(|| backoff(policy, retries, jitter))
}

/// The wait before retry number `retries + 1` without `Retry-After`: `base_delay`
/// doubled `retries` times, at most `max_delay`, of which the second half is
/// scaled by `jitter` (in `[0, 1)`, clamped).
pub fn backoff(policy: &RetryPolicy, retries: u32, jitter: f64) -> Duration {
    let factor = 1u32 << retries.min(20);
    let full = policy
        .base_delay
        .saturating_mul(factor)
        .min(policy.max_delay);
    let half = full / 2;
    half + half.mul_f64(jitter.clamp(0.0, 1.0))
}

/// A `Retry-After` value as a wait from `now`: a number of seconds, or an HTTP
/// date (a date in the past is no wait). `None` for anything else.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse().ok().map(Duration::from_secs);
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// An HTTP date (RFC 9110): `Sun, 06 Nov 1994 08:49:37 GMT`, or one of the two
/// obsolete forms `Sunday, 06-Nov-94 08:49:37 GMT` and `Sun Nov  6 08:49:37 1994`.
pub fn parse_http_date(text: &str) -> Option<SystemTime> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let tokens = text
        .split([' ', ',', '-'])
        .filter(|t| !t.is_empty())
        .map(str::to_ascii_lowercase);
    let (mut month, mut time, mut numbers, mut words) = (None, None, Vec::new(), 0);
    for token in tokens {
        if let Some(m) = MONTHS.iter().position(|m| *m == token) {
            month = month.xor(Some(m as u64 + 1));
        } else if token.contains(':') {
            time = time.xor(Some(token));
        } else if token.bytes().all(|b| b.is_ascii_digit()) {
            numbers.push(token.parse::<u64>().ok()?);
        } else if token != "gmt" {
            words += 1; // the day of the week
        }
    }
    let (month, time) = (month?, time?);
    let [day, year] = numbers[..] else {
        return None;
    };
    if words > 1 || !(1..=31).contains(&day) {
        return None;
    }
    let year = match year {
        0..=69 => year + 2000,
        70..=99 => year + 1900,
        _ => year,
    };
    let mut hms = time.split(':').map(|part| part.parse::<u64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if hms.next().is_some() || h > 23 || m > 59 || s > 60 || year < 1970 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(UNIX_EPOCH + Duration::from_secs(days * 86_400 + h * 3600 + m * 60 + s))
}

/// Days from 1970-01-01 to a date of the Gregorian calendar, from 1970 on.
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    // Howard Hinnant's algorithm, in years that start in March.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Scheme, host and port of a URL: what "the same host" means for credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// In lower case.
    pub scheme: String,
    /// In lower case, without brackets for IPv6.
    pub host: String,
    /// The port, or the scheme's default (443, 80).
    pub port: u16,
}

/// The origin of an absolute `http(s)` URL, `None` for anything else.
pub fn origin(url: &str) -> Option<Origin> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => 443,
        "http" => 80,
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']')?;
            (host, after.strip_prefix(':'))
        }
        None => match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        },
    };
    let port = match port {
        Some(port) => port.parse().ok()?,
        None => default_port,
    };
    (!host.is_empty()).then(|| Origin {
        scheme,
        host: host.to_ascii_lowercase(),
        port,
    })
}

/// Whether two URLs have the same scheme, host and port.
pub fn same_origin(a: &str, b: &str) -> bool {
    matches!((origin(a), origin(b)), (Some(a), Some(b)) if a == b)
}

/// `location` (from a `Location` header) as an absolute URL, relative to `base`.
pub fn resolve(base: &str, location: &str) -> Option<String> {
    let location = location.trim();
    if origin(location).is_some() {
        return Some(location.to_string());
    }
    let (scheme, rest) = base.split_once("://")?;
    if let Some(other) = location.strip_prefix("//") {
        return Some(format!("{scheme}://{other}"));
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    if location.starts_with('/') {
        return Some(format!("{scheme}://{authority}{location}"));
    }
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let dir = path.rfind('/').map_or("/", |at| &path[..=at]);
    Some(format!("{scheme}://{authority}{dir}{location}"))
}

/// Statuses that send the caller elsewhere, with a `Location`.
pub const REDIRECT_STATUSES: [u16; 5] = [301, 302, 303, 307, 308];

/// Where an answer sends the request, and what goes with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// The absolute URL to send the request to.
    pub url: String,
    /// `GET` after a 303 (and after a 301 or 302 to a `POST`), else the same.
    pub method: Method,
    /// Whether the body goes again (the method did not change).
    pub keep_body: bool,
    /// Whether the `Authorization` header may go: only to the same scheme, host and
    /// port as `from`.
    pub keep_authorization: bool,
}

/// The redirect an answer to `method` on `from` (an absolute URL) asks for:
/// `None` when `status` is not one of [`REDIRECT_STATUSES`], an error when its
/// `Location` is missing or not a URL.
pub fn redirect(
    method: Method,
    status: u16,
    headers: &[(String, String)],
    from: &str,
) -> Option<Result<Redirect, Error>> {
    if !REDIRECT_STATUSES.contains(&status) {
        return None;
    }
    let Some(location) = find_header(headers, "location") else {
        return Some(Err(Error::Invalid(format!(
            "{method} {from} answered {status} without a Location"
        ))));
    };
    let Some(url) = resolve(from, location).filter(|url| origin(url).is_some()) else {
        return Some(Err(Error::Invalid(format!(
            "{method} {from} answered {status} with a Location that is not an http(s) URL: {location}"
        ))));
    };
    let to_get = match status {
        303 => method != Method::Head,
        301 | 302 => method == Method::Post,
        _ => false,
    };
    let method = if to_get { Method::Get } else { method };
    Some(Ok(Redirect {
        keep_authorization: same_origin(from, &url),
        url,
        method,
        keep_body: !to_get,
    }))
}

/// The answer to creating an upload session, to a chunk (202) and to a GET of
/// the upload URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct UploadSession {
    /// Where the chunks go: pre-authenticated, so no token is sent there.
    #[serde(rename = "uploadUrl", default)]
    pub upload_url: Option<String>,
    #[serde(rename = "expirationDateTime", default)]
    pub expiration_date_time: Option<String>,
    /// What the service still needs, e.g. `["0-"]`, `["327680-655359", "700000-"]`.
    #[serde(rename = "nextExpectedRanges", default)]
    pub next_expected_ranges: Vec<String>,
}

/// Chunks must be a multiple of 320 KiB (but the last).
pub const UPLOAD_CHUNK_UNIT: u64 = 327_680;

/// A chunk size the service accepts for `wanted` bytes: a multiple of
/// [`UPLOAD_CHUNK_UNIT`], at least one unit and at most 180 units (below the
/// service's limit of 60 MiB per request).
pub fn upload_chunk_size(wanted: u64) -> u64 {
    (wanted / UPLOAD_CHUNK_UNIT).clamp(1, 180) * UPLOAD_CHUNK_UNIT
}

/// The `nextExpectedRanges` of a session as `[start, end)` byte ranges of a file
/// of `total` bytes (`"0-"` is the whole file); ranges that do not parse or lie
/// outside the file are left out.
pub fn expected_ranges(next_expected_ranges: &[String], total: u64) -> Vec<(u64, u64)> {
    next_expected_ranges
        .iter()
        .filter_map(|range| {
            let (start, end) = range.trim().split_once('-')?;
            let start: u64 = start.trim().parse().ok()?;
            let end = match end.trim() {
                "" => total,
                end => end.parse::<u64>().ok()?.saturating_add(1).min(total),
            };
            (start < end).then_some((start, end))
        })
        .collect()
}

/// The next chunk to send: the start of the first expected range, at most
/// `chunk_size` bytes long.
pub fn next_chunk(ranges: &[(u64, u64)], chunk_size: u64) -> Option<(u64, u64)> {
    let &(start, end) = ranges.first()?;
    Some((start, end.min(start.saturating_add(chunk_size.max(1)))))
}

/// The PUT of bytes `[start, end)` of a file of `total` bytes to a session's
/// upload URL, with their `Content-Range` and without the caller's credentials.
/// Read the answer with [`Request::parse_reply`] and [`upload_progress`].
pub fn upload_chunk_request(
    upload_url: &str,
    start: u64,
    total: u64,
    bytes: Vec<u8>,
) -> Request<Value> {
    let end = start + bytes.len() as u64;
    let range = format!("bytes {start}-{}/{total}", end.saturating_sub(1));
    Request::new(Method::Put, upload_url, 202)
        .with_bytes("application/octet-stream", bytes)
        .set_header("Content-Range", range)
        .without_authorization()
}

/// The GET of a session's upload URL: what the service still needs (to resume
/// after a failure), without the caller's credentials.
pub fn upload_status_request(upload_url: &str) -> Request<UploadSession> {
    Request::new(Method::Get, upload_url, 200).without_authorization()
}

/// The DELETE of a session's upload URL, which cancels it.
pub fn upload_cancel_request(upload_url: &str) -> Request<()> {
    Request::new(Method::Delete, upload_url, 204).without_authorization()
}

/// The GET of the monitor URL of a long-running action (`Reply::monitor_url`
/// of its `202 Accepted`): its status, e.g. `{"status": "inProgress",
/// "percentageComplete": 40}`, then the resource made. The URL is
/// pre-authenticated: no credentials go there.
pub fn monitor_request(monitor_url: &str) -> Request<Value> {
    Request::new(Method::Get, monitor_url, 202).without_authorization()
}

/// Where an upload stands after a chunk.
#[derive(Clone, Debug, PartialEq)]
pub enum UploadProgress {
    /// `202 Accepted`: the byte ranges the service still needs.
    More(Vec<(u64, u64)>),
    /// `200` or `201`: the upload is complete, and this is the item made.
    Done(Value),
}

/// Reads the answer to a chunk of a file of `total` bytes.
pub fn upload_progress(reply: Reply<Value>, total: u64) -> Result<UploadProgress, Error> {
    if reply.status != 202 {
        return Ok(UploadProgress::Done(reply.value));
    }
    let session: UploadSession =
        serde_json::from_value(reply.value).map_err(|source| Error::Decode {
            status: 202,
            source,
        })?;
    Ok(UploadProgress::More(expected_ranges(
        &session.next_expected_ranges,
        total,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_idempotent_requests_are_sent_again_after_a_broken_connection() {
        let policy = RetryPolicy::default();
        let wait = |method, retries| retry_after_transport_error(&policy, retries, method, 0.0);
        assert_eq!(wait(Method::Get, 0), Some(backoff(&policy, 0, 0.0)));
        assert_eq!(wait(Method::Delete, 1), Some(backoff(&policy, 1, 0.0)));
        assert_eq!(wait(Method::Put, 0), Some(backoff(&policy, 0, 0.0)));
        assert_eq!(wait(Method::Post, 0), None);
        assert_eq!(wait(Method::Patch, 0), None);
        assert_eq!(wait(Method::Get, policy.max_retries), None);
    }

    #[test]
    fn a_refused_token_is_renewed_once() {
        assert!(ask_for_new_token(401, false));
        assert!(!ask_for_new_token(401, true));
        assert!(!ask_for_new_token(403, false));
        assert!(!ask_for_new_token(200, false));
    }

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn http_dates_in_all_three_forms() {
        // 1994-11-06T08:49:37Z
        let expected = at(784_111_777);
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(expected)
        );
        assert_eq!(
            parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(expected)
        );
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Some(expected));
        assert_eq!(
            parse_http_date("Tue, 01 Dec 2026 10:42:26 GMT"),
            Some(at(1_796_121_746))
        );
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(at(1_709_164_800))
        );
        for bad in [
            "",
            "soon",
            "Sun, 06 Nov 1994",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:00:00 GMT",
            "06 Nov Dec 1994 08:49:37",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = at(1_000_000);
        assert_eq!(retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(retry_after(" 0 ", now), Some(Duration::ZERO));
        let date = "Mon, 12 Jan 1970 13:46:50 GMT"; // 1_000_010
        assert_eq!(retry_after(date, now), Some(Duration::from_secs(10)));
        assert_eq!(
            retry_after(date, at(2_000_000)),
            Some(Duration::ZERO),
            "in the past"
        );
        assert_eq!(retry_after("-1", now), None);
        assert_eq!(retry_after("1.5", now), None);
    }

    #[test]
    fn retries_only_what_can_be_retried() {
        let policy = RetryPolicy::default();
        let now = at(0);
        let none = headers(&[]);
        let decide = |retries, status, h: &[(String, String)], replayable| {
            retry_decision(&policy, retries, status, h, now, replayable, 0.0)
        };
        for status in [200, 400, 401, 404, 500, 502] {
            assert_eq!(decide(0, status, &none, true), None, "{status}");
        }
        for status in RETRY_STATUSES {
            assert_eq!(
                decide(0, status, &none, true),
                Some(Duration::from_millis(500))
            );
        }
        assert_eq!(
            decide(0, 429, &none, false),
            None,
            "a body that cannot go again"
        );
        assert_eq!(decide(4, 429, &none, true), None, "retries used up");
        let after = headers(&[("Retry-After", "3")]);
        assert_eq!(decide(3, 429, &after, true), Some(Duration::from_secs(3)));
        let too_long = headers(&[("retry-after", "61")]);
        assert_eq!(
            decide(0, 503, &too_long, true),
            None,
            "longer than max_delay"
        );
        let date = headers(&[("Retry-After", "Thu, 01 Jan 1970 00:00:02 GMT")]);
        assert_eq!(decide(0, 504, &date, true), Some(Duration::from_secs(2)));
        let junk = headers(&[("Retry-After", "later")]);
        assert_eq!(
            decide(1, 429, &junk, true),
            Some(Duration::from_secs(1)),
            "backoff"
        );
        assert_eq!(
            retry_decision(&RetryPolicy::never(), 0, 429, &none, now, true, 0.0),
            None
        );
    }

    #[test]
    fn backoff_is_exponential_bounded_and_jittered() {
        let policy = RetryPolicy::default();
        let secs = |retries, jitter| backoff(&policy, retries, jitter).as_secs_f64();
        assert_eq!(secs(0, 0.0), 0.5);
        assert_eq!(secs(0, 0.999_999), 0.999_999_5);
        assert_eq!(secs(1, 0.0), 1.0);
        assert_eq!(secs(3, 0.5), 6.0);
        assert_eq!(secs(6, 0.0), 30.0, "64 s capped at 60");
        assert_eq!(secs(40, 1.0), 60.0);
        assert_eq!(secs(40, 7.0), 60.0, "jitter clamped");
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let o = origin("HTTPS://User@Graph.Microsoft.com/v1.0/me?x=1").unwrap();
        assert_eq!(
            (o.scheme.as_str(), o.host.as_str(), o.port),
            ("https", "graph.microsoft.com", 443)
        );
        assert_eq!(origin("http://[::1]:8080/x").unwrap().host, "::1");
        assert_eq!(origin("http://127.0.0.1:8080").unwrap().port, 8080);
        assert!(origin("ftp://x/").is_none() && origin("/v1.0/me").is_none());
        assert!(origin("http://x:port/").is_none());
        assert!(same_origin(
            "https://graph.microsoft.com/v1.0/a",
            "https://GRAPH.microsoft.com:443/beta"
        ));
        assert!(!same_origin(
            "https://graph.microsoft.com/",
            "http://graph.microsoft.com/"
        ));
        assert!(!same_origin(
            "https://graph.microsoft.com/",
            "https://graph.microsoft.com.evil/"
        ));
        assert!(!same_origin("http://127.0.0.1:1/", "http://127.0.0.1:2/"));
        assert!(!same_origin("https://a/", "not a url"));
    }

    #[test]
    fn locations_resolve_against_the_request() {
        let base = "https://graph.microsoft.com/v1.0/me/drive/items/1/content?x=1";
        assert_eq!(
            resolve(base, "https://dl.example/f").unwrap(),
            "https://dl.example/f"
        );
        assert_eq!(
            resolve(base, "//dl.example/f").unwrap(),
            "https://dl.example/f"
        );
        assert_eq!(
            resolve(base, "/beta/x").unwrap(),
            "https://graph.microsoft.com/beta/x"
        );
        assert_eq!(
            resolve(base, "other?y").unwrap(),
            "https://graph.microsoft.com/v1.0/me/drive/items/1/other?y"
        );
        assert_eq!(resolve("http://h:1", "a").unwrap(), "http://h:1/a");
    }

    #[test]
    fn redirects_drop_credentials_for_another_host() {
        let from = "https://graph.microsoft.com/v1.0/me/drive/items/1/content";
        let to = |location: &str| headers(&[("Location", location)]);
        let r = redirect(Method::Get, 302, &to("https://files.example/f"), from)
            .unwrap()
            .unwrap();
        assert_eq!(r.url, "https://files.example/f");
        assert_eq!(
            (r.method, r.keep_body, r.keep_authorization),
            (Method::Get, true, false)
        );
        let r = redirect(Method::Get, 301, &to("/v1.0/other"), from)
            .unwrap()
            .unwrap();
        assert!(r.keep_authorization, "same host");
        let r = redirect(Method::Post, 302, &to("/x"), from)
            .unwrap()
            .unwrap();
        assert_eq!((r.method, r.keep_body), (Method::Get, false));
        let r = redirect(Method::Put, 303, &to("/x"), from)
            .unwrap()
            .unwrap();
        assert_eq!((r.method, r.keep_body), (Method::Get, false));
        let r = redirect(Method::Post, 307, &to("/x"), from)
            .unwrap()
            .unwrap();
        assert_eq!((r.method, r.keep_body), (Method::Post, true));
        let r = redirect(
            Method::Patch,
            308,
            &to("http://graph.microsoft.com/x"),
            from,
        )
        .unwrap()
        .unwrap();
        assert!(!r.keep_authorization, "https to http");
        assert!(redirect(Method::Get, 200, &to("/x"), from).is_none());
        assert!(matches!(
            redirect(Method::Get, 302, &[], from),
            Some(Err(Error::Invalid(_)))
        ));
        assert!(matches!(
            redirect(Method::Get, 302, &to("mailto:x"), "mailto:y"),
            Some(Err(_))
        ));
    }

    #[test]
    fn upload_ranges_and_chunks() {
        let ranges = |r: &[&str], total| {
            let r: Vec<String> = r.iter().map(|s| s.to_string()).collect();
            expected_ranges(&r, total)
        };
        assert_eq!(ranges(&["0-"], 10), [(0, 10)]);
        assert_eq!(ranges(&["2-4", "7-"], 10), [(2, 5), (7, 10)]);
        assert_eq!(ranges(&["2-40"], 10), [(2, 10)], "clipped to the file");
        assert_eq!(ranges(&["x-", "9-3", "12-"], 10), []);
        assert_eq!(next_chunk(&[(2, 5), (7, 10)], 2), Some((2, 4)));
        assert_eq!(next_chunk(&[(7, 10)], 100), Some((7, 10)));
        assert_eq!(next_chunk(&[], 100), None);
        assert_eq!(upload_chunk_size(0), UPLOAD_CHUNK_UNIT);
        assert_eq!(
            upload_chunk_size(UPLOAD_CHUNK_UNIT * 3 + 5),
            UPLOAD_CHUNK_UNIT * 3
        );
        assert_eq!(upload_chunk_size(u64::MAX), UPLOAD_CHUNK_UNIT * 180);
    }

    #[test]
    fn upload_chunks_go_without_credentials() {
        let chunk = upload_chunk_request("https://up.example/s?t=1", 4, 10, vec![0; 3]);
        assert_eq!(chunk.method, Method::Put);
        assert_eq!(
            chunk.url("https://graph.microsoft.com/v1.0"),
            "https://up.example/s?t=1"
        );
        assert_eq!(chunk.header_value("content-range"), Some("bytes 4-6/10"));
        assert_eq!(
            chunk.header_value("content-type"),
            Some("application/octet-stream")
        );
        assert!(!chunk.sends_authorization());
        assert!(!upload_status_request("https://up.example/s").sends_authorization());
        assert!(!upload_cancel_request("https://up.example/s").sends_authorization());
        assert!(!monitor_request("https://m.example/1").sends_authorization());
        let more = Reply {
            status: 202,
            headers: Vec::new(),
            value: serde_json::json!({"nextExpectedRanges": ["7-"]}),
        };
        assert_eq!(
            upload_progress(more, 10).unwrap(),
            UploadProgress::More(vec![(7, 10)])
        );
        let done = Reply {
            status: 201,
            headers: Vec::new(),
            value: serde_json::json!({"id": "1"}),
        };
        assert!(
            matches!(upload_progress(done, 10).unwrap(), UploadProgress::Done(v) if v["id"] == "1")
        );
    }
}
