//! An incremental `text/event-stream` parser: fed chunks as they arrive, so each event keeps
//! the time its last line came in (a streaming gateway that buffers shows up as events with
//! the same `at_ms`).

use super::SseEvent;

#[derive(Debug, Default)]
pub(crate) struct SseParser {
    /// Bytes of a line not yet terminated.
    partial: Vec<u8>,
    event: Option<String>,
    /// `None` until a `data` field is seen: an event without one is not dispatched.
    data: Option<String>,
    started: bool,
    events: Vec<SseEvent>,
}

impl SseParser {
    /// Feeds one chunk that arrived `at_ms` after the exchange started.
    pub(crate) fn feed(&mut self, chunk: &[u8], at_ms: u64) {
        let mut rest = chunk;
        while let Some(newline) = rest.iter().position(|&b| b == b'\n') {
            let (line, after) = rest.split_at(newline);
            rest = after.get(1..).unwrap_or_default();
            if self.partial.is_empty() {
                self.line(line, at_ms);
            } else {
                let mut whole = std::mem::take(&mut self.partial);
                whole.extend_from_slice(line);
                self.line(&whole, at_ms);
            }
        }
        self.partial.extend_from_slice(rest);
    }

    /// The events completed so far.
    pub(crate) fn events(&self) -> &[SseEvent] {
        &self.events
    }

    /// The events completed so far. An event not ended by a blank line is dropped, as the
    /// EventSource spec does at end of stream.
    pub(crate) fn finish(self) -> Vec<SseEvent> {
        self.events
    }

    fn line(&mut self, line: &[u8], at_ms: u64) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut line = String::from_utf8_lossy(line);
        if !self.started {
            self.started = true;
            if let Some(stripped) = line.strip_prefix('\u{feff}') {
                line = stripped.to_owned().into();
            }
        }
        if line.is_empty() {
            self.dispatch(at_ms);
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            "event" => self.event = Some(value.to_owned()),
            _ => {}
        }
    }

    fn dispatch(&mut self, at_ms: u64) {
        let event = self.event.take();
        if let Some(data) = self.data.take() {
            self.events.push(SseEvent { at_ms, event, data });
        }
    }
}
