// Shared set-up for the end-to-end tests: a static server for dist/ on
// 127.0.0.1, Debian's Chromium driven by playwright-core, and a watch on
// console errors and on any request that leaves 127.0.0.1.

import { createServer } from "node:http";
import { readFile, stat, mkdir } from "node:fs/promises";
import { extname, join, normalize, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, "../..");
export const dist = join(root, "dist");
export const artifacts = join(here, "artifacts");

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".digits": "application/octet-stream",
};

/** Serves dist/ on 127.0.0.1 at a free port; resolves to { url, close }.
 * The same files are also served under /nested/folder/, to check that the
 * page works from any folder of a static host. */
export async function serve() {
  await stat(join(dist, "index.html")).catch(() => {
    throw new Error("dist/index.html is missing: run `make build` first");
  });
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname).replace(
      /^\/nested\/folder\//,
      "/",
    );
    const file = normalize(join(dist, path.endsWith("/") ? path + "index.html" : path));
    if (!file.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** Starts headless Chromium; flags keep it off the network. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Opens a page that records console errors, uncaught exceptions, and
 * requests to any host but 127.0.0.1. `watch.check()` throws if any were seen.
 */
export async function open(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const watch = { errors: [], offsite: [] };
  page.on("console", (m) => {
    if (m.type() === "error") watch.errors.push(m.text());
  });
  page.on("pageerror", (e) => watch.errors.push(String(e)));
  context.on("request", (r) => {
    const url = new URL(r.url());
    if (!["127.0.0.1", ""].includes(url.hostname) && !url.protocol.startsWith("data") && !url.protocol.startsWith("blob")) {
      watch.offsite.push(r.url());
    }
  });
  watch.check = () => {
    if (watch.errors.length) throw new Error("console errors:\n" + watch.errors.join("\n"));
    if (watch.offsite.length) throw new Error("requests left 127.0.0.1:\n" + watch.offsite.join("\n"));
  };
  return { context, page, watch };
}

/** Saves a screenshot under tests/e2e/artifacts/ for a person to look at. */
export async function screenshot(page, name) {
  await mkdir(artifacts, { recursive: true });
  const path = join(artifacts, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Saves a screenshot of one element (a Locator) under tests/e2e/artifacts/. */
export async function screenshotOf(locator, name) {
  await mkdir(artifacts, { recursive: true });
  const path = join(artifacts, `${name}.png`);
  await locator.screenshot({ path });
  return path;
}
