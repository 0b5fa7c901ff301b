// After the first painted frame (the second requestAnimationFrame callback runs once the first
// frame has been presented), tell the backend; it prints `first-paint-ms=...` to stdout.
requestAnimationFrame(() =>
  requestAnimationFrame(() => {
    const invoke = window.__TAURI__ ? window.__TAURI__.core.invoke : window.__TAURI_INTERNALS__.invoke;
    invoke('painted').catch((e) => console.error('painted failed', e));
  }),
);
