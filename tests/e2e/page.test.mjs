// The page as a person meets it, in headless Chromium.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, open, screenshot } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("the worker starts and its reply is shown", async () => {
  const { context, page, watch } = await open(browser);
  await page.goto(server.url);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
  const reply = await page.textContent("#worker-reply");
  assert.match(reply, /worker .* says hello to the page/);
  await screenshot(page, "skeleton-desktop");
  watch.check();
  await context.close();
});
