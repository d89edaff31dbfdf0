//! The drawing pad: strokes from mouse, pen or finger (pointer events), in
//! pad units that do not depend on the pad's size on screen.

use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, PointerEvent};

use super::dom::listen;
use super::with_app;
use crate::drawing::{Drawing, Stroke};

/// Side of the pad in pad units. The canvas maps them onto whatever CSS
/// size the layout gives it, so strokes survive a resize or a rotation.
pub const PAD_UNITS: f32 = 280.0;

/// Pen diameter in pad units: a tenth of a 28-pixel digit's width, about
/// MNIST's stroke once the digit fills the pad.
pub const PEN_UNITS: f32 = 18.0;

/// The strokes drawn so far and the pointer drawing now, if any.
#[derive(Debug, Default)]
pub struct Pad {
    strokes: Vec<Stroke>,
    /// The pointer whose stroke is being drawn: one at a time, so that a
    /// palm or a second finger does not draw.
    active: Option<i32>,
    /// Counts changes, so that the page knows when to predict again.
    version: u64,
}

impl Pad {
    pub fn strokes(&self) -> &[Stroke] {
        &self.strokes
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// The strokes as the model's input takes them.
    pub fn drawing(&self) -> Drawing {
        Drawing {
            strokes: self.strokes.clone(),
            width: PAD_UNITS,
            height: PAD_UNITS,
            pen: PEN_UNITS,
        }
    }

    /// Starts a stroke; false if another pointer is drawing.
    pub fn begin(&mut self, pointer: i32, at: (f32, f32)) -> bool {
        if self.active.is_some() {
            return false;
        }
        self.active = Some(pointer);
        self.strokes.push(Stroke { points: vec![at] });
        self.version += 1;
        true
    }

    /// Adds points to the stroke of `pointer`; false if it is not drawing.
    pub fn extend(&mut self, pointer: i32, points: impl IntoIterator<Item = (f32, f32)>) -> bool {
        if self.active != Some(pointer) {
            return false;
        }
        let stroke = self
            .strokes
            .last_mut()
            .expect("an active pointer has a stroke");
        for p in points {
            if stroke.points.last() != Some(&p) {
                stroke.points.push(p);
                self.version += 1;
            }
        }
        true
    }

    /// Ends the stroke of `pointer`; false if it was not drawing.
    pub fn end(&mut self, pointer: i32) -> bool {
        if self.active != Some(pointer) {
            return false;
        }
        self.active = None;
        true
    }

    /// Removes the last stroke; false if there was none.
    pub fn undo(&mut self) -> bool {
        self.active = None;
        let undone = self.strokes.pop().is_some();
        self.version += 1;
        undone
    }

    pub fn clear(&mut self) {
        self.active = None;
        self.strokes.clear();
        self.version += 1;
    }
}

/// Where a pointer event lies on the pad, in pad units.
fn position(canvas: &HtmlCanvasElement, event: &PointerEvent) -> (f32, f32) {
    let rect = canvas.get_bounding_client_rect();
    let scale = |client: i32, origin: f64, size: f64| {
        ((f64::from(client) - origin) * f64::from(PAD_UNITS) / size.max(1.0)) as f32
    };
    (
        scale(event.client_x(), rect.left(), rect.width()),
        scale(event.client_y(), rect.top(), rect.height()),
    )
}

/// Whether the browser offers `getCoalescedEvents`.
///
/// NOTE: browsers offer it only in secure contexts (HTTPS or localhost): a
/// page served over plain HTTP, or framed by one, has to do without.
fn has_coalesced_events(event: &PointerEvent) -> bool {
    js_sys::Reflect::get(event, &"getCoalescedEvents".into()).is_ok_and(|f| f.is_function())
}

/// Listens to the pad's pointer events.
pub fn install(canvas: &HtmlCanvasElement) {
    let target: &web_sys::EventTarget = canvas.as_ref();

    let pad = canvas.clone();
    listen(target, "pointerdown", move |event: PointerEvent| {
        // Only the main mouse button draws; pens and fingers report 0 too.
        if event.button() != 0 {
            return;
        }
        event.prevent_default();
        let at = position(&pad, &event);
        let id = event.pointer_id();
        if with_app(|app| app.pad_begin(id, at)) == Some(true) {
            // Capture, so that a stroke leaving the pad still ends here.
            let _ = pad.set_pointer_capture(id);
        }
    });

    let pad = canvas.clone();
    listen(target, "pointermove", move |event: PointerEvent| {
        // Coalesced events keep the fine detail of fast strokes that the
        // browser reports only once per frame.
        let coalesced = if has_coalesced_events(&event) {
            event.get_coalesced_events()
        } else {
            js_sys::Array::new()
        };
        let points: Vec<(f32, f32)> = if coalesced.length() > 0 {
            coalesced
                .iter()
                .filter_map(|e| e.dyn_into::<PointerEvent>().ok())
                .map(|e| position(&pad, &e))
                .collect()
        } else {
            vec![position(&pad, &event)]
        };
        with_app(|app| app.pad_extend(event.pointer_id(), points));
    });

    let pad = canvas.clone();
    listen(target, "pointerup", move |event: PointerEvent| {
        let at = position(&pad, &event);
        with_app(|app| app.pad_end(event.pointer_id(), Some(at)));
    });

    // A long press on a touch screen would open a menu over the pad.
    listen(target, "contextmenu", |event: web_sys::Event| {
        event.prevent_default();
    });

    for name in ["pointercancel", "lostpointercapture"] {
        listen(target, name, move |event: PointerEvent| {
            with_app(|app| app.pad_end(event.pointer_id(), None));
        });
    }
}
