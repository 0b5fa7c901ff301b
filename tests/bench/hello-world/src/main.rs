//! Bare Tauri 2 hello-world for `make bench`. The page calls `painted` after its first painted
//! frame; the command prints `first-paint-ms=<ms since main() started>` to stdout, the same line
//! Gateway Studio prints under `GATEWAY_STUDIO_BENCH=1`. Command-line arguments are ignored.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();
static REPORTED: AtomicBool = AtomicBool::new(false);

#[tauri::command]
fn painted() -> f64 {
    let ms = START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0;
    if !REPORTED.swap(true, Ordering::SeqCst) {
        println!("first-paint-ms={ms:.1}");
    }
    ms
}

fn main() {
    START.get_or_init(Instant::now);
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![painted])
        .run(tauri::generate_context!())
        .expect("error while running the hello-world window");
}
