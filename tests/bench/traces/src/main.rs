//! Fills a fresh store with `BENCH_TRACES` exchanges (default one million: gateway, ARM,
//! Foundry and token calls over several hosts, 2 % failed, 1 % with a distinctive word in the
//! body), then prints how long the Traces list takes: the first page, a filtered page and a
//! text search (median of 15, after one warm-up). Budget: the first page under 10 ms.

use std::time::{Duration, Instant};

use gateway_studio_core::store::Store;
use gateway_studio_core::trace::{
    StatusClass, TraceExchange, TraceFilter, TraceHeader, TraceKind, TraceResponse, Traces,
};

const BATCH: usize = 5_000;

fn exchange(i: usize) -> TraceExchange {
    let (kind, url) = match i % 4 {
        0 => (TraceKind::Gateway, format!("https://gw{}.contoso.com/v1/chat/completions", i % 7)),
        1 => (TraceKind::Arm, "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/a/projects/p/connections?api-version=2025-06-01".into()),
        2 => (TraceKind::Foundry, "https://a.services.ai.azure.com/api/projects/p/openai/v1/responses".into()),
        _ => (TraceKind::Token, "https://login.microsoftonline.com/t/oauth2/v2.0/token".into()),
    };
    let status = if i.is_multiple_of(50) { 503 } else { 200 };
    let word = if i % 100 == 7 { "zebracorn" } else { "hello" };
    TraceExchange {
        id: format!("x-{i}"),
        run_id: format!("run-{}", i / 8),
        label: "chat completions".into(),
        kind,
        method: "POST".into(),
        url,
        request_headers: vec![
            TraceHeader {
                name: "Authorization".into(),
                value: "Bearer <redacted>".into(),
            },
            TraceHeader {
                name: "Content-Type".into(),
                value: "application/json".into(),
            },
        ],
        request_body: Some(format!(
            r#"{{"messages":[{{"role":"user","content":"{word} {i}"}}]}}"#
        )),
        via_proxy: None,
        started_at_ms: 1_700_000_000_000 + i as u64 * 10,
        headers_ms: Some(40),
        first_byte_ms: Some(41),
        total_ms: 55,
        response: Some(TraceResponse {
            status,
            headers: vec![TraceHeader {
                name: "content-type".into(),
                value: "application/json".into(),
            }],
            body: r#"{"choices":[{"message":{"role":"assistant","content":"Echo"}}]}"#.into(),
            body_size: 64,
            declared_length: Some(64),
            cap_reached: false,
            body_cut: false,
            redirects: Vec::new(),
            blocked_redirect: None,
            sse_events: Vec::new(),
        }),
        error: None,
    }
}

async fn median(traces: &Traces<'_>, filter: &TraceFilter) -> (Duration, usize) {
    let mut times = Vec::new();
    let mut found = 0;
    for round in 0..16 {
        let started = Instant::now();
        let page = traces.query(filter, None, 50).await.expect("query");
        if round > 0 {
            times.push(started.elapsed());
        }
        found = page.items.len();
    }
    times.sort();
    (times[times.len() / 2], found)
}

#[tokio::main]
async fn main() {
    let total: usize = std::env::var("BENCH_TRACES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("bench.sqlite"))
        .await
        .expect("store");
    let traces = Traces::new(&store);
    let filling = Instant::now();
    let mut batch = Vec::with_capacity(BATCH);
    for i in 0..total {
        batch.push(exchange(i));
        if batch.len() == BATCH || i + 1 == total {
            traces.insert_all(&batch).await.expect("insert");
            batch.clear();
        }
    }
    println!(
        "traces: filled {total} exchanges in {:.1} s ({} MB on disk)",
        filling.elapsed().as_secs_f64(),
        store.size_on_disk() / 1_000_000
    );
    let cases = [
        ("first page (50 newest)", TraceFilter::default()),
        (
            "filtered page (gateway, 5xx)",
            TraceFilter {
                kinds: vec![TraceKind::Gateway],
                status: Some(StatusClass::ServerError),
                ..TraceFilter::default()
            },
        ),
        (
            "text search (1 % of rows)",
            TraceFilter {
                text: Some("zebracorn".into()),
                ..TraceFilter::default()
            },
        ),
    ];
    for (name, filter) in cases {
        let (time, found) = median(&traces, &filter).await;
        println!(
            "traces: {name:<30} {:>7.2} ms  ({found} rows){}",
            time.as_secs_f64() * 1000.0,
            if name.starts_with("first") {
                "  budget 10 ms"
            } else {
                ""
            }
        );
    }
}
