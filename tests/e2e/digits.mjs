// Digits as a hand draws them: strokes of points in pad coordinates (0 to 1
// across the pad, y downwards), placed by a box { x, y, size } so that the
// same digit can be drawn small, large or off-centre. And the two ways to
// draw them on the page: a mouse (playwright) and a finger (touch events
// through the Chrome DevTools Protocol).

/** Points every `step` along the segment a–b, a included. */
function line([ax, ay], [bx, by], step = 0.02) {
  const n = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / step));
  return Array.from({ length: n }, (_, k) => [ax + ((bx - ax) * k) / n, ay + ((by - ay) * k) / n]);
}

/** Maps unit-square strokes into a box on the pad. */
function place(strokes, { x, y, size }) {
  return strokes.map((s) => s.map(([u, v]) => [x + u * size, y + v * size]));
}

/** A "0": an upright oval, closed, started at the top as most people do. */
export function zero(box) {
  const points = [];
  for (let k = 0; k <= 48; k++) {
    const a = -Math.PI / 2 - (2 * Math.PI * k) / 46;
    points.push([0.5 + 0.32 * Math.cos(a), 0.5 + 0.48 * Math.sin(a)]);
  }
  return place([points], box);
}

/** A "1": one stroke, slightly slanted. */
export function one(box) {
  return place([[...line([0.56, 0.0], [0.44, 1.0]), [0.44, 1.0]]], box);
}

/** A "7": a bar and a slanted stem in one stroke. */
export function seven(box) {
  return place([[...line([0.1, 0.0], [0.85, 0.0]), ...line([0.85, 0.0], [0.4, 1.0]), [0.4, 1.0]]], box);
}

/** Where a pad point lies on the screen, once the pad is in view. `frame`
 * is the page itself, or the frame of an <iframe> that holds the page. */
async function toScreen(frame) {
  const pad = frame.locator("#pad");
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  return ([u, v]) => [box.x + u * box.width, box.y + v * box.height];
}

/** Draws strokes with the mouse, a few pointer moves per frame. */
export async function drawWithMouse(page, strokes, frame = page) {
  const at = await toScreen(frame);
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (const p of stroke.slice(1)) await page.mouse.move(...at(p));
    await page.mouse.up();
  }
}

/** Draws strokes with a finger: touch events, as a phone sends them. */
export async function drawWithFinger(page, strokes) {
  const at = await toScreen(page);
  const cdp = await page.context().newCDPSession(page);
  const touch = (type, p) =>
    cdp.send("Input.dispatchTouchEvent", {
      type,
      touchPoints: p ? [{ x: p[0], y: p[1], id: 1, radiusX: 4, radiusY: 4, force: 1 }] : [],
    });
  for (const stroke of strokes) {
    await touch("touchStart", at(stroke[0]));
    for (const p of stroke.slice(1)) await touch("touchMove", at(p));
    await touch("touchEnd");
  }
  await cdp.detach();
}

/** Waits until the answer for the current drawing has arrived; its digit.
 * `frame` is a page, or the frame of an <iframe>. */
export async function answer(frame) {
  await frame.waitForFunction(
    () => document.querySelector("#prediction").getAttribute("aria-busy") === "false",
    null,
    { timeout: 60_000 },
  );
  return frame.getAttribute("#prediction", "data-digit");
}
