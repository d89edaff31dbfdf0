// Starts the worker's wasm. Trunk builds `worker.js` (no-modules style) and
// `worker_bg.wasm`; `main` in the wasm installs the message handler and posts
// a "Ready" message, so the page sends nothing before that.
importScripts("./worker.js");
wasm_bindgen("./worker_bg.wasm").catch((error) => {
  postMessage({ type: "Crashed", message: "the worker's wasm did not load: " + error });
});
