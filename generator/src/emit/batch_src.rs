//! JSON batching: many requests in one `POST /$batch`, at most
//! [`MAX_BATCH_STEPS`] each, a step waiting for others with `dependsOn`, and an
//! answer per step. A [`Batch`] is built from request values; [`Batch::requests`]
//! splits it into as many `$batch` requests as it takes (steps that depend on one
//! another stay in the same one), and [`BatchResults`] reads each step's answer
//! as its request's type. [`steps_to_retry`] says which throttled steps to send
//! again, and when. No I/O: the client (feature `client`) sends them.
//!
//! This file is written by docbind and is the same in every generated crate.

use super::protocol::{retry_decision, RetryPolicy, RETRY_STATUSES};
use super::runtime::{
    find_header, is_absolute, Body, Error, FromResponse, Method, Request, ServiceError,
};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, SystemTime};

/// The most requests Graph takes in one batch.
pub const MAX_BATCH_STEPS: usize = 20;

/// One request of a batch.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub id: String,
    pub method: Method,
    /// Path and query, relative to the service root (`/users/1?$select=id`).
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// Steps that must succeed before this one runs.
    pub depends_on: Vec<String>,
}

impl Step {
    /// The step as Graph's batch format has it.
    pub fn to_json(&self) -> Value {
        let mut step = Map::new();
        step.insert("id".into(), Value::from(self.id.clone()));
        step.insert("method".into(), Value::from(self.method.as_str()));
        step.insert("url".into(), Value::from(self.url.clone()));
        if !self.depends_on.is_empty() {
            step.insert("dependsOn".into(), Value::from(self.depends_on.clone()));
        }
        if !self.headers.is_empty() {
            let headers = self.headers.iter();
            let headers = headers.map(|(n, v)| (n.clone(), Value::from(v.clone())));
            step.insert("headers".into(), Value::Object(headers.collect()));
        }
        match &self.body {
            Body::Empty => {}
            Body::Json(json) => {
                step.insert("body".into(), json.clone());
            }
            // Bytes travel base64-encoded, told apart by their Content-Type.
            Body::Bytes(bytes) => {
                step.insert("body".into(), Value::from(base64_encode(bytes)));
            }
        }
        Value::Object(step)
    }
}

/// The id of a step added to a batch, typed by what its answer reads as.
pub struct StepId<R> {
    id: String,
    response: PhantomData<fn() -> R>,
}

impl<R> StepId<R> {
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl<R> Clone for StepId<R> {
    fn clone(&self) -> Self {
        StepId {
            id: self.id.clone(),
            response: PhantomData,
        }
    }
}

impl<R> fmt::Debug for StepId<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StepId").field(&self.id).finish()
    }
}

/// Requests to send together.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    steps: Vec<Step>,
}

impl Batch {
    pub fn new() -> Self {
        Batch::default()
    }

    /// Adds `request` as the next step (ids are `1`, `2`, ...). Its path must be
    /// relative to the service root, as the request functions make them.
    pub fn add<R, O>(&mut self, request: &Request<R, O>) -> Result<StepId<R>, Error> {
        self.add_after(request, &[])
    }

    /// Adds `request` as a step that runs after the steps `depends_on` (added
    /// before) succeeded.
    pub fn add_after<R, O>(
        &mut self,
        request: &Request<R, O>,
        depends_on: &[&str],
    ) -> Result<StepId<R>, Error> {
        if is_absolute(&request.path) {
            return Err(Error::Invalid(format!(
                "a batch step is a path relative to the service root, not {}",
                request.path
            )));
        }
        for id in depends_on {
            if !self.steps.iter().any(|step| step.id == *id) {
                return Err(Error::Invalid(format!(
                    "a batch step depends on step {id}, which is not in the batch"
                )));
            }
        }
        let id = (self.steps.len() + 1).to_string();
        self.steps.push(Step {
            id: id.clone(),
            method: request.method,
            url: request.path_and_query(),
            headers: request.headers.clone(),
            body: request.body.clone(),
            depends_on: depends_on.iter().map(|id| id.to_string()).collect(),
        });
        Ok(StepId {
            id,
            response: PhantomData,
        })
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The steps in groups of at most [`MAX_BATCH_STEPS`], in order, a step in
    /// the same group as the steps it depends on (a group of dependent steps
    /// larger than that is an error).
    pub fn chunks(&self) -> Result<Vec<Vec<&Step>>, Error> {
        // The group of each step: the lowest index among the steps it is linked to.
        let index: BTreeMap<&str, usize> = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| (step.id.as_str(), i))
            .collect();
        let mut group: Vec<usize> = (0..self.steps.len()).collect();
        fn root(group: &mut [usize], mut i: usize) -> usize {
            while group[i] != i {
                group[i] = group[group[i]];
                i = group[i];
            }
            i
        }
        for (i, step) in self.steps.iter().enumerate() {
            for dep in &step.depends_on {
                if let Some(&j) = index.get(dep.as_str()) {
                    let (a, b) = (root(&mut group, i), root(&mut group, j));
                    group[a.max(b)] = a.min(b);
                }
            }
        }
        let mut members: BTreeMap<usize, Vec<&Step>> = BTreeMap::new();
        for (i, step) in self.steps.iter().enumerate() {
            let g = root(&mut group, i);
            members.entry(g).or_default().push(step);
        }
        let mut chunks: Vec<Vec<&Step>> = Vec::new();
        for (_, steps) in members {
            if steps.len() > MAX_BATCH_STEPS {
                return Err(Error::Invalid(format!(
                    "{} batch steps depend on one another, more than the {MAX_BATCH_STEPS} of one batch",
                    steps.len()
                )));
            }
            match chunks.last_mut() {
                Some(last) if last.len() + steps.len() <= MAX_BATCH_STEPS => last.extend(steps),
                _ => chunks.push(steps),
            }
        }
        Ok(chunks)
    }

    /// The `POST /$batch` requests that send every step.
    pub fn requests(&self) -> Result<Vec<Request<BatchResponse>>, Error> {
        let chunks = self.chunks()?;
        Ok(chunks
            .into_iter()
            .map(|steps| {
                let requests: Vec<Value> = steps.iter().map(|step| step.to_json()).collect();
                let body = serde_json::json!({ "requests": requests });
                Request::new(Method::Post, "/$batch", 200).with_json(&body)
            })
            .collect())
    }

    /// The batch of the steps `ids` only, keeping their dependencies among them.
    pub fn subset(&self, ids: &BTreeSet<String>) -> Batch {
        let steps = self.steps.iter().filter(|step| ids.contains(&step.id));
        let steps = steps.map(|step| Step {
            depends_on: step
                .depends_on
                .iter()
                .filter(|dep| ids.contains(*dep))
                .cloned()
                .collect(),
            ..step.clone()
        });
        Batch {
            steps: steps.collect(),
        }
    }
}

/// The answer to a `$batch` request.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct BatchResponse {
    #[serde(default)]
    pub responses: Vec<StepResponse>,
}

/// The answer to one step.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct StepResponse {
    pub id: String,
    pub status: u16,
    #[serde(default, deserialize_with = "header_pairs")]
    pub headers: Vec<(String, String)>,
    #[serde(default)]
    pub body: Option<Value>,
}

fn header_pairs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
    let map = Option::<Map<String, Value>>::deserialize(d)?.unwrap_or_default();
    Ok(map
        .into_iter()
        .map(|(name, value)| {
            let value = match value {
                Value::String(text) => text,
                other => other.to_string(),
            };
            (name, value)
        })
        .collect())
}

impl StepResponse {
    /// The body as bytes: JSON written out, or the base64-decoded text of a body
    /// whose `Content-Type` is not JSON (how the service sends bytes in a batch).
    pub fn body_bytes(&self) -> Vec<u8> {
        let is_json = match find_header(&self.headers, "content-type") {
            Some(content_type) => content_type.to_ascii_lowercase().contains("json"),
            None => true,
        };
        match &self.body {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(text)) if !is_json => {
                base64_decode(text).unwrap_or_else(|| text.clone().into_bytes())
            }
            Some(json) => serde_json::to_vec(json).unwrap_or_default(),
        }
    }
}

/// The answers to the steps of a batch, by step id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchResults {
    pub responses: BTreeMap<String, StepResponse>,
    /// Method and URL of each step, for errors.
    steps: BTreeMap<String, (Method, String)>,
}

impl BatchResults {
    /// No answers yet to the steps of `batch`.
    pub fn new(batch: &Batch) -> Self {
        let steps = batch.steps.iter();
        BatchResults {
            responses: BTreeMap::new(),
            steps: steps
                .map(|s| (s.id.clone(), (s.method, s.url.clone())))
                .collect(),
        }
    }

    /// Adds the answers of one `$batch` request (replacing earlier answers to the
    /// same steps, e.g. a throttled one that was retried).
    pub fn add(&mut self, response: BatchResponse) {
        for step in response.responses {
            self.responses.insert(step.id.clone(), step);
        }
    }

    /// The answer to step `id`, as it came.
    pub fn response(&self, id: &str) -> Option<&StepResponse> {
        self.responses.get(id)
    }

    /// The answer to a step as its request's type, or the service's error.
    pub fn get<R: FromResponse>(&self, step: &StepId<R>) -> Result<R, Error> {
        let Some(response) = self.responses.get(&step.id) else {
            return Err(Error::Invalid(format!(
                "no answer to batch step {}",
                step.id
            )));
        };
        let body = response.body_bytes();
        if (200..300).contains(&response.status) {
            return R::from_response(response.status, &response.headers, &body);
        }
        let mut error = ServiceError::read(response.status, &response.headers, &body);
        if let Some((method, url)) = self.steps.get(&step.id) {
            error.method = method.as_str().to_string();
            error.url = url.clone();
        }
        Err(Error::Service(Box::new(error)))
    }
}

/// The steps of `batch` to send again after `results`, and how long to wait
/// first: those answered with a retryable status (429, 503, 504) while `policy`
/// allows another retry (`retries` made so far), with the steps that failed
/// (424) because they depend on them. The wait is the longest any of them asks
/// for ([`retry_decision`]); `None` when nothing is to be retried.
pub fn steps_to_retry(
    batch: &Batch,
    results: &BatchResults,
    policy: &RetryPolicy,
    retries: u32,
    now: SystemTime,
    jitter: f64,
) -> Option<(Duration, Batch)> {
    let mut wait = Duration::ZERO;
    let mut ids = BTreeSet::new();
    for step in &batch.steps {
        let Some(response) = results.responses.get(&step.id) else {
            continue;
        };
        if !RETRY_STATUSES.contains(&response.status) {
            continue;
        }
        let decision = retry_decision(
            policy,
            retries,
            response.status,
            &response.headers,
            now,
            true,
            jitter,
        );
        if let Some(after) = decision {
            wait = wait.max(after);
            ids.insert(step.id.clone());
        }
    }
    if ids.is_empty() {
        return None;
    }
    // Steps that failed for want of one of those, in order (a step depends on
    // earlier steps only).
    for step in &batch.steps {
        let failed = results.responses.get(&step.id).map(|r| r.status) == Some(424);
        if failed && step.depends_on.iter().any(|dep| ids.contains(dep)) {
            ids.insert(step.id.clone());
        }
    }
    Some((wait, batch.subset(&ids)))
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64, with padding.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 (padding optional, whitespace ignored); `None` when it is not.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let digits = digits
        .strip_suffix(b"==")
        .or_else(|| digits.strip_suffix(b"="))
        .unwrap_or(&digits);
    if digits.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut n = 0u32;
        for &d in chunk {
            let v = BASE64.iter().position(|&c| c == d)? as u32;
            n = (n << 6) | v;
        }
        n <<= 6 * (4 - chunk.len() as u32);
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len() - 1]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn get(path: &str) -> Request<Value> {
        Request::new(Method::Get, path, 200)
    }

    #[test]
    fn steps_are_written_as_graph_reads_them() {
        let mut batch = Batch::new();
        let user = batch
            .add(&get("/users/a%20b").query("$select", "id"))
            .unwrap();
        let post: Request<()> =
            Request::new(Method::Post, "/groups", 201).with_json(&json!({"displayName": "x"}));
        let group = batch.add_after(&post, &[user.id()]).unwrap();
        let photo: Request<()> = Request::new(Method::Put, "/me/photo/$value", 204)
            .with_bytes("image/png", vec![1, 2, 3]);
        batch.add(&photo).unwrap();
        assert_eq!((user.id(), group.id()), ("1", "2"));
        let requests = batch.requests().unwrap();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].path, "/$batch");
        assert_eq!(requests[0].method, Method::Post);
        assert_eq!(
            requests[0].body.as_json().unwrap(),
            &json!({"requests": [
                {"id": "1", "method": "GET", "url": "/users/a%20b?$select=id"},
                {"id": "2", "method": "POST", "url": "/groups", "dependsOn": ["1"],
                 "headers": {"Content-Type": "application/json"}, "body": {"displayName": "x"}},
                {"id": "3", "method": "PUT", "url": "/me/photo/$value",
                 "headers": {"Content-Type": "image/png"}, "body": "AQID"},
            ]})
        );
        assert!(batch.add_after(&get("/x"), &["9"]).is_err(), "unknown step");
        assert!(
            batch
                .add(&get("https://graph.microsoft.com/v1.0/x"))
                .is_err(),
            "absolute"
        );
    }

    #[test]
    fn batches_split_at_twenty_keeping_dependent_steps_together() {
        let mut batch = Batch::new();
        for _ in 0..19 {
            batch.add(&get("/a")).unwrap();
        }
        // 20 and 21 depend on 1: the three go to the first request, then 2..=18 fill it.
        batch.add_after(&get("/b"), &["1"]).unwrap();
        batch.add_after(&get("/c"), &["20"]).unwrap();
        for _ in 0..5 {
            batch.add(&get("/d")).unwrap();
        }
        let chunks = batch.chunks().unwrap();
        let ids: Vec<Vec<&str>> = chunks
            .iter()
            .map(|c| c.iter().map(|s| s.id.as_str()).collect())
            .collect();
        assert_eq!(ids[0][..3], ["1", "20", "21"]);
        assert_eq!(ids[0].len(), MAX_BATCH_STEPS);
        assert_eq!(ids[1], ["19", "22", "23", "24", "25", "26"]);
        assert!(chunks.iter().all(|c| c.len() <= MAX_BATCH_STEPS));
        assert_eq!(chunks.iter().map(Vec::len).sum::<usize>(), 26);
        assert_eq!(batch.requests().unwrap().len(), 2);
        let mut chain = Batch::new();
        chain.add(&get("/0")).unwrap();
        for i in 1..=MAX_BATCH_STEPS {
            chain.add_after(&get("/n"), &[&i.to_string()]).unwrap();
        }
        assert!(
            matches!(chain.requests(), Err(Error::Invalid(_))),
            "21 linked steps"
        );
    }

    fn answer(json: Value) -> BatchResponse {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn answers_read_as_each_step_type() {
        let mut batch = Batch::new();
        let user = batch.add(&get("/users/1")).unwrap();
        let missing = batch.add(&get("/users/2")).unwrap();
        let photo: Request<super::super::runtime::Download> =
            Request::new(Method::Get, "/me/photo/$value", 200);
        let photo = batch.add(&photo).unwrap();
        let mut results = BatchResults::new(&batch);
        results.add(answer(json!({"responses": [
            {"id": "1", "status": 200, "headers": {"Content-Type": "application/json"}, "body": {"id": "1"}},
            {"id": "2", "status": 404, "body": {"error": {"code": "Request_ResourceNotFound", "message": "No.", "innerError": {"request-id": "r"}}}},
            {"id": "3", "status": 200, "headers": {"Content-Type": "image/png"}, "body": "AQID"},
        ]})));
        assert_eq!(results.get(&user).unwrap(), json!({"id": "1"}));
        let error = results.get(&missing).unwrap_err();
        assert_eq!(
            error.to_string(),
            "GET /users/2 answered 404 (Request_ResourceNotFound): No. [request-id r]"
        );
        let photo = results.get(&photo).unwrap();
        assert_eq!(
            (photo.content_type.as_deref(), photo.bytes),
            (Some("image/png"), vec![1, 2, 3])
        );
        let unanswered = StepId::<Value> {
            id: "9".into(),
            response: PhantomData,
        };
        assert!(matches!(results.get(&unanswered), Err(Error::Invalid(_))));
    }

    #[test]
    fn throttled_steps_and_their_dependents_are_retried() {
        let mut batch = Batch::new();
        batch.add(&get("/a")).unwrap();
        batch.add(&get("/b")).unwrap();
        batch.add_after(&get("/c"), &["2"]).unwrap();
        batch.add(&get("/d")).unwrap();
        let mut results = BatchResults::new(&batch);
        results.add(answer(json!({"responses": [
            {"id": "1", "status": 200, "body": {}},
            {"id": "2", "status": 429, "headers": {"Retry-After": "2"}},
            {"id": "3", "status": 424},
            {"id": "4", "status": 503, "headers": {"Retry-After": "1"}},
        ]})));
        let policy = RetryPolicy::default();
        let now = SystemTime::UNIX_EPOCH;
        let (wait, again) = steps_to_retry(&batch, &results, &policy, 0, now, 0.0).unwrap();
        assert_eq!(wait, Duration::from_secs(2), "the longest Retry-After");
        let ids: Vec<&str> = again.steps().iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["2", "3", "4"]);
        assert_eq!(again.steps()[1].depends_on, ["2"]);
        assert!(
            steps_to_retry(&batch, &results, &policy, 4, now, 0.0).is_none(),
            "retries used up"
        );
        results.add(answer(json!({"responses": [
            {"id": "2", "status": 200}, {"id": "3", "status": 200}, {"id": "4", "status": 200},
        ]})));
        assert!(steps_to_retry(&batch, &results, &policy, 1, now, 0.0).is_none());
    }

    #[test]
    fn base64_round_trips() {
        for bytes in [
            &b""[..],
            b"f",
            b"fo",
            b"foo",
            b"foob",
            b"fooba",
            b"foobar",
            &[0, 255, 128],
        ] {
            let text = base64_encode(bytes);
            assert_eq!(base64_decode(&text).as_deref(), Some(bytes), "{text}");
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_decode("Zm8").unwrap(), b"fo");
        assert_eq!(base64_decode("Zm9v\nYmFy").unwrap(), b"foobar");
        assert!(base64_decode("Z").is_none() && base64_decode("Zm9*").is_none());
    }
}
