//! Redaction: no secret value survives into a trace record, wherever it appeared.

use std::time::SystemTime;

use super::*;
use crate::gateway::{Header, HeaderValue};
use crate::net::{Failure, HttpRequest, Response, Timings};

fn exchange(response: Result<Response, Failure>) -> Exchange {
    Exchange {
        request: HttpRequest {
            method: "POST".into(),
            url: url::Url::parse("https://gw.example.com/v1/chat/completions?api-version=1&sig=SIGVALUE123").unwrap(),
            headers: vec![
                Header {
                    name: "x-custom-auth".into(),
                    value: HeaderValue::Secret(Sensitive::new("Bearer tok-abcdef-123456".into())),
                },
                Header {
                    name: "Api-Key".into(),
                    value: HeaderValue::Plain("plain-but-named-like-a-key".into()),
                },
                Header {
                    name: "x-team".into(),
                    value: HeaderValue::Plain("contoso".into()),
                },
            ],
            body: Some(
                b"grant_type=client_credentials&client_id=app&client_secret=cs%2Bsecret%2F42&scope=x".to_vec(),
            ),
        },
        via_proxy: None,
        outcome: response,
        timings: Timings {
            started_at: Some(SystemTime::now()),
            headers_ms: Some(5),
            first_byte_ms: Some(6),
            total_ms: 7,
        },
    }
}

fn response(body: &str) -> Response {
    Response {
        status: 200,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("set-cookie".into(), "session=abc".into()),
        ],
        body: body.as_bytes().to_vec(),
        received_bytes: body.len() as u64,
        declared_length: None,
        truncated: false,
        redirects: vec![],
        blocked_redirect: None,
        sse_events: vec![],
    }
}

#[test]
fn secrets_are_masked_everywhere() {
    let mut redactor = Redactor::new();
    redactor.add_secret(&Sensitive::new("cs+secret/42".to_string()));
    let body = r#"{"access_token":"eyJ-token-value","echo":"you sent tok-abcdef-123456","nested":{"client_secret":"cs+secret/42"}}"#;
    let record = TraceExchange::record(
        "run-1",
        "auth-token",
        TraceKind::Token,
        &exchange(Ok(response(body))),
        &redactor,
    );
    let json = serde_json::to_string(&record).unwrap();
    for secret in [
        "tok-abcdef-123456",
        "cs+secret/42",
        "cs%2Bsecret%2F42",
        "eyJ-token-value",
        "SIGVALUE123",
        "plain-but-named-like-a-key",
        "session=abc",
    ] {
        assert!(!json.contains(secret), "{secret} leaked: {json}");
    }
    // What users debug survives: the scheme, the harmless headers, the parameters' names.
    assert_eq!(record.request_headers[0].value, "Bearer <redacted>");
    assert_eq!(record.request_headers[2].value, "contoso");
    assert!(record.url.contains("api-version=1"));
    assert!(
        record
            .request_body
            .as_deref()
            .unwrap()
            .contains("client_id=app")
    );
    assert!(json.contains("you sent <redacted>"));
}

#[test]
fn failures_and_long_bodies_are_recorded_safely() {
    let mut redactor = Redactor::new();
    redactor.add_secret(&Sensitive::new("k-very-secret".to_string()));
    let failure = Failure {
        kind: crate::net::FailureKind::Timeout,
        phase: crate::net::Phase::Body,
        message: "no response from https://gw.example.com within 1 s (k-very-secret)".into(),
    };
    let record = TraceExchange::record(
        "run-1",
        "chat:a",
        TraceKind::Gateway,
        &exchange(Err(failure)),
        &redactor,
    );
    let error = record.error.unwrap();
    assert_eq!(error.kind, "timeout");
    assert!(!error.message.contains("k-very-secret"));

    let big = "x".repeat(STORED_BODY_LIMIT + 10);
    let record = TraceExchange::record(
        "run-1",
        "chat:a",
        TraceKind::Gateway,
        &exchange(Ok(response(&big))),
        &redactor,
    );
    let response = record.response.unwrap();
    assert!(response.body_cut);
    assert_eq!(response.body.len(), STORED_BODY_LIMIT);
    assert_eq!(response.body_size, big.len() as u64);
}

#[tokio::test]
async fn exchanges_round_trip_through_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite")).await.unwrap();
    let traces = Traces::new(&store);
    let record = TraceExchange::record(
        "run-9",
        "chat:a",
        TraceKind::Gateway,
        &exchange(Ok(response("{}"))),
        &Redactor::new(),
    );
    traces.insert(&record).await.unwrap();
    assert_eq!(traces.get(&record.id).await.unwrap().unwrap(), record);
    let listed = traces.list_run("run-9").await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].status, Some(200));
    assert!(traces.get("nope").await.unwrap().is_none());
}

/// A stored record with these facts (the rest as `exchange` has it).
fn stored(
    run: &str,
    kind: TraceKind,
    url: &str,
    status: Option<u16>,
    at_ms: u64,
    body: &str,
) -> TraceExchange {
    let mut record = TraceExchange::record(
        run,
        "chat:a",
        kind,
        &exchange(Ok(response(body))),
        &Redactor::new(),
    );
    record.url = url.to_string();
    record.started_at_ms = at_ms;
    match status {
        Some(status) => {
            if let Some(r) = record.response.as_mut() {
                r.status = status;
            }
        }
        None => {
            record.response = None;
            record.error = Some(TraceFailure {
                kind: "connect".into(),
                phase: Phase::Tcp,
                message: "refused".into(),
            });
        }
    }
    record
}

#[tokio::test]
async fn the_list_filters_pages_and_searches_and_a_purge_gives_space_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite")).await.unwrap();
    let traces = Traces::new(&store);
    let big = "lorem ipsum ".repeat(2000);
    for i in 0..60u64 {
        let (kind, url, status) = match i % 3 {
            0 => (
                TraceKind::Gateway,
                "https://gw.example.com/v1/chat/completions",
                Some(200),
            ),
            1 => (
                TraceKind::Arm,
                "https://management.azure.com/subscriptions?api-version=1",
                Some(404),
            ),
            _ => (TraceKind::Gateway, "http://127.0.0.1:47112/v1/models", None),
        };
        let body = if i == 42 {
            "a needle in the body"
        } else {
            big.as_str()
        };
        traces
            .insert(&stored(
                &format!("run-{}", i / 10),
                kind,
                url,
                status,
                1_000 + i,
                body,
            ))
            .await
            .unwrap();
    }

    // Newest first, in pages that neither skip nor repeat.
    let all = TraceFilter::default();
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = traces.query(&all, before.as_deref(), 25).await.unwrap();
        seen.extend(page.items.iter().map(|s| s.started_at_ms));
        match page.next {
            Some(next) => before = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, (1_000..1_060).rev().collect::<Vec<u64>>());

    let count = |filter: TraceFilter| {
        let traces = &traces;
        async move { traces.query(&filter, None, 500).await.unwrap().items.len() }
    };
    let filter = |f: fn(&mut TraceFilter)| {
        let mut filter = TraceFilter::default();
        f(&mut filter);
        filter
    };
    assert_eq!(count(filter(|f| f.kinds = vec![TraceKind::Arm])).await, 20);
    assert_eq!(
        count(filter(|f| f.host = Some("127.0.0.1:47112".into()))).await,
        20
    );
    assert_eq!(
        count(filter(|f| f.host = Some("GW.example.com".into()))).await,
        20
    );
    assert_eq!(
        count(filter(|f| f.status = Some(StatusClass::ClientError))).await,
        20
    );
    assert_eq!(
        count(filter(|f| f.status = Some(StatusClass::NoResponse))).await,
        20
    );
    assert_eq!(count(filter(|f| f.run_id = Some("run-3".into()))).await, 10);
    assert_eq!(
        count(filter(|f| f.text = Some("needle body".into()))).await,
        1
    );
    assert_eq!(
        count(filter(|f| f.text = Some("subscriptions".into()))).await,
        20
    );
    assert_eq!(
        count(filter(|f| f.text = Some("\"quoted\" (x) OR".into()))).await,
        0
    );
    let hosts = traces.hosts().await.unwrap();
    assert_eq!(hosts.len(), 3, "{hosts:?}");

    let stats = traces.stats().await.unwrap();
    assert_eq!(stats.exchanges, 60);
    assert_eq!(stats.oldest_at_ms, Some(1_000));

    // Keep the newest 10: the rest goes, with its text, and the file shrinks.
    let purged = traces
        .purge(
            &Retention {
                days: None,
                max_exchanges: Some(10),
            },
            2_000,
        )
        .await
        .unwrap();
    assert_eq!(purged.deleted, 50);
    assert!(purged.bytes_after < purged.bytes_before, "{purged:?}");
    let left = traces.query(&all, None, 500).await.unwrap().items;
    assert_eq!(left.len(), 10);
    assert_eq!(left.last().unwrap().started_at_ms, 1_050);
    assert_eq!(
        count(filter(|f| f.text = Some("needle".into()))).await,
        0,
        "the text went with its row"
    );
    // Older than a day (now is day 2): everything.
    let purged = traces
        .purge(
            &Retention {
                days: Some(1),
                max_exchanges: None,
            },
            2 * 86_400_000,
        )
        .await
        .unwrap();
    assert_eq!(purged.deleted, 10);
    assert_eq!(traces.stats().await.unwrap().exchanges, 0);
}
