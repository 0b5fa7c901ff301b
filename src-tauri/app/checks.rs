//! The app's check runs in flight: one shared runner (so OAuth2 tokens stay cached between
//! runs) rebuilt when the network settings change, and a cancel token per running run.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use gateway_studio_core::checks::CheckRunner;
use gateway_studio_core::net::HttpClient;
use gateway_studio_core::settings::NetworkSettings;
use tokio_util::sync::CancellationToken;

#[derive(Clone, Default)]
pub struct CheckService {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    runner: Option<(NetworkSettings, CheckRunner)>,
    running: HashMap<String, CancellationToken>,
}

impl CheckService {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The runner for `network`; an unreadable CA bundle is an error naming the file.
    pub fn runner(&self, network: &NetworkSettings) -> Result<CheckRunner, String> {
        let mut inner = self.lock();
        if let Some((settings, runner)) = &inner.runner
            && settings == network
        {
            return Ok(runner.clone());
        }
        let options = network.network_options()?;
        let runner = CheckRunner::new(HttpClient::new(&options).map_err(|e| e.to_string())?);
        inner.runner = Some((network.clone(), runner.clone()));
        Ok(runner)
    }

    pub fn register(&self, run_id: &str) -> CancellationToken {
        let token = CancellationToken::new();
        self.lock()
            .running
            .insert(run_id.to_string(), token.clone());
        token
    }

    pub fn unregister(&self, run_id: &str) {
        self.lock().running.remove(run_id);
    }

    pub fn cancel(&self, run_id: &str) {
        if let Some(token) = self.lock().running.get(run_id) {
            token.cancel();
        }
    }
}
