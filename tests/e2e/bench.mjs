// Times the built page in headless Chromium, as a reader's browser runs it:
// how soon the page shows, how long the worker takes to train the ten
// networks (the default shots and the paper's 40), and how long one drawing
// takes through all ten networks. A benchmark, not a test: it prints what
// it measured and asserts nothing. `make bench-page` builds dist/ and runs it.
//
//   node tests/e2e/bench.mjs [--runs N] [--drawings N]

import { parseArgs } from "node:util";
import { serve, launch, open } from "./harness.mjs";
import { zero, one, seven, drawWithMouse, answer } from "./digits.mjs";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    drawings: { type: "string", default: "24" },
  },
});
const runs = Number(values.runs);
const drawings = Number(values.drawings);
if (!(runs >= 1 && drawings >= 1)) {
  console.error("--runs and --drawings take whole numbers of at least 1");
  process.exit(2);
}

const DESKTOP = { viewport: { width: 1280, height: 900 } };

function summary(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)];
  return `median ${median.toFixed(1)}, min ${s[0].toFixed(1)}, max ${s.at(-1).toFixed(1)} (${s.length} runs)`;
}

/** Opens the page with `query`; milliseconds until the pad shows and the
 * worker's own training time. */
async function openAndTrain(browser, server, query) {
  const { context, page } = await open(browser, DESKTOP);
  const started = Date.now();
  await page.goto(server.url + query);
  await page.waitForSelector("#pad", { state: "visible" });
  const shown = Date.now() - started;
  await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
  const trained = Number(await page.getAttribute("body", "data-trained-ms"));
  return { context, page, shown, trained };
}

const server = await serve();
const browser = await launch();
try {
  const shown = [];
  const trainedDefault = [];
  const trained40 = [];
  let last;
  for (let r = 0; r < runs; r++) {
    const run = await openAndTrain(browser, server, "");
    shown.push(run.shown);
    trainedDefault.push(run.trained);
    if (last) await last.context.close();
    last = run;
    const paper = await openAndTrain(browser, server, "?shots=40");
    trained40.push(paper.trained);
    await paper.context.close();
  }

  // Drawings of three digits at three sizes and places, as in the tests.
  const shapes = [
    zero({ x: 0.35, y: 0.3, size: 0.28 }),
    one({ x: 0.08, y: 0.06, size: 0.88 }),
    seven({ x: 0.55, y: 0.5, size: 0.4 }),
    zero({ x: 0.1, y: 0.1, size: 0.8 }),
    seven({ x: 0.05, y: 0.05, size: 0.5 }),
    one({ x: 0.6, y: 0.3, size: 0.35 }),
  ];
  const inference = [];
  const { page } = last;
  for (let k = 0; k < drawings; k++) {
    await page.click("#clear");
    await drawWithMouse(page, shapes[k % shapes.length]);
    await answer(page);
    inference.push(Number(await page.getAttribute("#timing", "data-ms")));
  }
  await last.context.close();

  console.log(`page shown after (ms):                      ${summary(shown)}`);
  console.log(`training, default shots, in the worker (ms): ${summary(trainedDefault)}`);
  console.log(`training, 40 shots per class (ms):           ${summary(trained40)}`);
  console.log(`one drawing through all ten networks (ms):   ${summary(inference)}`);
} finally {
  await browser.close();
  await server.close();
}
