//! Drives the real Gateway Studio window: tauri-driver (WebDriver for Tauri) in front of
//! WebKitWebDriver, the debug binary launched with a temporary data directory. Run under Xvfb
//! and a private D-Bus session (`make test-e2e` does both).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

pub use fantoccini;

/// How long any one UI expectation may take before the test fails.
pub const UI_TIMEOUT: Duration = Duration::from_secs(20);
/// Launching the app through the driver, and closing it.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(60);

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("tests/e2e sits two levels below the workspace root")
        .to_path_buf()
}

/// Where screenshots go: `target/e2e-artifacts/`.
pub fn artifacts_dir() -> PathBuf {
    let dir = workspace_root().join("target/e2e-artifacts");
    std::fs::create_dir_all(&dir).expect("create target/e2e-artifacts");
    dir
}

fn app_binary() -> PathBuf {
    let bin = workspace_root().join("target/debug/gateway-studio");
    assert!(
        bin.exists(),
        "{} is missing: build the app first (`make build`)",
        bin.display()
    );
    bin
}

fn tauri_driver() -> PathBuf {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin")));
    for dir in candidates {
        let candidate = dir.join("tauri-driver");
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!(
        "tauri-driver is not installed: run `make setup` (cargo install tauri-driver --version '^2' --locked)"
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("find a free loopback port")
}

/// One running app window with its driver. Dropping it ends both.
pub struct Session {
    pub client: Client,
    driver: Child,
    pub data_dir: PathBuf,
}

impl Session {
    /// Launches the app with `--data-dir data_dir` and waits for the shell to render.
    pub async fn launch(data_dir: &Path) -> Session {
        let port = free_port();
        let native_port = free_port();
        let mut cmd = Command::new(tauri_driver());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .env("GATEWAY_STUDIO_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let driver = cmd.spawn().expect("start tauri-driver");

        let deadline = Instant::now() + UI_TIMEOUT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on 127.0.0.1:{port} within {UI_TIMEOUT:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({
                "application": app_binary(),
                "args": ["--data-dir", data_dir],
            }),
        );
        // WebKitWebDriver can stall when the app fails to start; never wait forever.
        let client = tokio::time::timeout(
            LAUNCH_TIMEOUT,
            ClientBuilder::native()
                .capabilities(caps)
                .connect(&format!("http://127.0.0.1:{port}")),
        )
        .await
        .unwrap_or_else(|_| panic!("no WebDriver session within {LAUNCH_TIMEOUT:?}"))
        .expect("open a WebDriver session on the app window");
        let session = Session {
            client,
            driver,
            data_dir: data_dir.to_path_buf(),
        };
        session.wait_for("nav[aria-label='Main']").await;
        session
    }

    pub async fn wait_for(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(UI_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("`{css}` did not appear within {UI_TIMEOUT:?}: {e}"))
    }

    /// Waits until nothing matches `css`.
    pub async fn wait_gone(&self, css: &str) {
        let deadline = Instant::now() + UI_TIMEOUT;
        while !self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
            .is_empty()
        {
            assert!(
                Instant::now() < deadline,
                "`{css}` should have disappeared within {UI_TIMEOUT:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for `css` and clicks it.
    pub async fn click(&self, css: &str) {
        self.wait_for(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click `{css}`: {e}"));
    }

    /// Whether the first-run screen shows, once the window has decided (it asks the backend
    /// for the settings and the drafts first).
    pub async fn first_run(&self) -> bool {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            let state = self
                .eval("document.querySelector('.shell')?.dataset.firstRun ?? 'pending'")
                .await;
            match state.as_str() {
                Some("yes") => return true,
                Some("no") => return false,
                _ => {}
            }
            assert!(
                Instant::now() < deadline,
                "the window did not decide about the first-run screen within {UI_TIMEOUT:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the JavaScript expression `expression` is true; `what` says what was awaited.
    pub async fn wait_until(&self, expression: &str, what: &str) {
        let deadline = Instant::now() + UI_TIMEOUT;
        while self.eval(expression).await != serde_json::Value::Bool(true) {
            assert!(Instant::now() < deadline, "{what} (within {UI_TIMEOUT:?})");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Opens the Azure page's picker of `level` (`subscription`, `resource-group`, `account`,
    /// `project`) and chooses the option whose value is `value`.
    pub async fn pick_azure(&self, level: &str, value: &str) {
        let picker = format!("[data-testid='azure-picker-{level}']");
        self.wait_for(&format!("{picker}[data-state='ready']"))
            .await;
        self.click(&format!("{picker} button[aria-haspopup='listbox']"))
            .await;
        self.click(&format!("{picker} [role='option'][data-value='{value}']"))
            .await;
        self.wait_for(&format!("{picker}[data-value='{value}']"))
            .await;
    }

    /// On the Azure page, picks the sandbox's subscription, group, account and project.
    pub async fn pick_sandbox_project(&self) {
        self.pick_azure("subscription", "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b")
            .await;
        self.pick_azure("resource-group", "rg-gateway-sandbox")
            .await;
        self.pick_azure("account", "sandbox-foundry").await;
        self.pick_azure("project", "sandbox-project").await;
    }

    /// Answers the first-run screen of a fresh data dir with *Try the sandbox*, and waits
    /// until the emulators run and the screen is gone: where the sandbox tests start.
    pub async fn start_sandbox(&self) {
        assert!(
            self.first_run().await,
            "a fresh data dir should show the first-run screen"
        );
        self.click("[data-testid='welcome-sandbox']").await;
        self.wait_for("[data-testid='sandbox-banner'][data-state='running']")
            .await;
        self.wait_gone("[data-testid='welcome']").await;
    }

    /// Answers the first-run screen of a fresh data dir with Skip, as a returning user would
    /// have; tests about something else start from there.
    pub async fn skip_welcome(&self) {
        assert!(
            self.first_run().await,
            "a fresh data dir should show the first-run screen"
        );
        self.click("[data-testid='welcome-skip']").await;
        self.wait_gone("[data-testid='welcome']").await;
    }

    /// Waits until `css` exists and its text contains `needle`; returns the text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(needle) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "`{css}` should contain {needle:?}; it shows {text:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Evaluates a JavaScript expression in the page and returns its JSON value.
    pub async fn eval(&self, expression: &str) -> serde_json::Value {
        self.client
            .execute(&format!("return ({expression});"), vec![])
            .await
            .unwrap_or_else(|e| panic!("evaluate {expression}: {e}"))
    }

    /// Saves a PNG of the window to `target/e2e-artifacts/<name>.png` after the frame settles.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // A screenshot right after a DOM change can show the previous frame.
        tokio::time::sleep(Duration::from_millis(800)).await;
        let png = self.client.screenshot().await.expect("take a screenshot");
        assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
        let path = artifacts_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Ends the WebDriver session (closing the app) and the driver.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(LAUNCH_TIMEOUT, self.client.clone().close()).await;
        self.stop_driver();
    }

    fn stop_driver(&mut self) {
        // Only while the driver has not been reaped: after `wait` its pid may be reused.
        if matches!(self.driver.try_wait(), Ok(None)) {
            #[cfg(unix)]
            if let Ok(pgid) = i32::try_from(self.driver.id())
                && pgid > 1
            {
                // The driver's own process group (it was spawned as a group leader) holds
                // WebKitWebDriver and the app. A negative pid to kill(2) names that group; never
                // go through /bin/kill, whose option parser can read `-PID` as something else.
                // SAFETY: kill(2) has no memory-safety preconditions.
                unsafe {
                    libc::kill(-pgid, libc::SIGTERM);
                }
            }
            let _ = self.driver.kill();
        }
        let _ = self.driver.wait();
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop_driver();
    }
}
