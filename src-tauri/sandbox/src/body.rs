//! Response bodies produced over time: SSE streams, trickled bodies and huge bodies.
//!
//! A producer task pushes chunks into a channel and the response body drains it, so the client
//! sees the chunks arrive as they are sent (and a client that hangs up stops the producer).

use std::convert::Infallible;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use http_body::Frame;
use tokio::sync::mpsc;

/// A body fed by a channel; it ends when the sender is dropped.
struct ChannelBody {
    chunks: mpsc::Receiver<Bytes>,
}

impl HttpBody for ChannelBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.chunks
            .poll_recv(cx)
            .map(|chunk| chunk.map(|bytes| Ok(Frame::data(bytes))))
    }
}

/// A channel-fed body and its sender. Capacity 1 keeps the producer in step with the client;
/// more lets a producer run ahead (the data plane's event stream).
pub(crate) fn channel(capacity: usize) -> (mpsc::Sender<Bytes>, Body) {
    let (sender, chunks) = mpsc::channel(capacity);
    (sender, Body::new(ChannelBody { chunks }))
}

/// Server-sent events: each payload becomes `data: <payload>\n\n`, with `gap` before each
/// event after the first (streamed chat completions arrive piece by piece).
pub(crate) fn server_sent_events(payloads: Vec<String>, gap: Duration) -> Body {
    let (sender, body) = channel(1);
    tokio::spawn(async move {
        for (index, payload) in payloads.into_iter().enumerate() {
            if index > 0 && !gap.is_zero() {
                tokio::time::sleep(gap).await;
            }
            let event = Bytes::from(format!("data: {payload}\n\n"));
            if sender.send(event).await.is_err() {
                return;
            }
        }
    });
    body
}

/// Re-sends `body` at most `bytes_per_tick` bytes per `tick` (a slow link or a stalling proxy).
pub(crate) fn trickle(mut body: Body, bytes_per_tick: usize, tick: Duration) -> Body {
    let bytes_per_tick = bytes_per_tick.max(1);
    let (sender, trickled) = channel(1);
    tokio::spawn(async move {
        let mut first = true;
        while let Some(Ok(frame)) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            let Ok(mut data) = frame.into_data() else {
                continue;
            };
            while !data.is_empty() {
                if !first {
                    tokio::time::sleep(tick).await;
                }
                first = false;
                let piece = data.split_to(bytes_per_tick.min(data.len()));
                if sender.send(piece).await.is_err() {
                    return;
                }
            }
        }
    });
    trickled
}

/// Size of the pieces a huge body is sent in.
const HUGE_PIECE: usize = 64 * 1024;

/// A valid JSON document of exactly `size` bytes (at least the 29-byte wrapper), streamed so
/// that huge sizes cost no memory: `{"object":"padding","data":"aaaa…"}`.
pub(crate) fn huge_json(size: usize) -> Body {
    const HEAD: &str = r#"{"object":"padding","data":""#;
    const TAIL: &str = r#""}"#;
    let padding = size.saturating_sub(HEAD.len() + TAIL.len());
    let (sender, body) = channel(1);
    tokio::spawn(async move {
        if sender
            .send(Bytes::from_static(HEAD.as_bytes()))
            .await
            .is_err()
        {
            return;
        }
        let piece = Bytes::from(vec![b'a'; HUGE_PIECE.min(padding)]);
        let mut left = padding;
        while left > 0 {
            let take = left.min(HUGE_PIECE);
            if sender.send(piece.slice(..take)).await.is_err() {
                return;
            }
            left -= take;
        }
        let _ = sender.send(Bytes::from_static(TAIL.as_bytes())).await;
    });
    body
}

/// Length of the body [`huge_json`] produces for `size`.
pub(crate) fn huge_json_len(size: usize) -> usize {
    size.max(r#"{"object":"padding","data":""}"#.len())
}
