// Starts the worker's wasm. Trunk builds `worker.js` (no-modules style) and
// `worker_bg.wasm`; `main` in the wasm installs the message handler and posts
// a "Ready" message, so the page sends nothing before that. Both paths are
// relative to this script, so the page works from any folder of any host.
importScripts("./worker.js");
wasm_bindgen({ module_or_path: "./worker_bg.wasm" }).catch((error) => {
  // A `Reply::Crashed` (src/protocol.rs), so that the page restarts the worker.
  postMessage({ Crashed: { message: "the worker's wasm did not load: " + error } });
});
