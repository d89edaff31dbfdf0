//! Small helpers over `web-sys` for the page: elements by id, text,
//! listeners, and canvases sized for the screen's pixel density.

use wasm_bindgen::convert::FromWasmAbi;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, Document, EventTarget, HtmlCanvasElement, Window};

pub fn window() -> Window {
    web_sys::window().expect("the page runs in a window")
}

pub fn document() -> Document {
    window()
        .document()
        .expect("the page's window has a document")
}

/// The element `#id`, as type `T`.
///
/// # Panics
/// If `index.html` has no such element, or it is of another kind: the
/// page's markup and its code are out of step.
pub fn by_id<T: JsCast>(id: &str) -> T {
    document()
        .get_element_by_id(id)
        .unwrap_or_else(|| panic!("index.html should have #{id}"))
        .dyn_into()
        .unwrap_or_else(|_| panic!("#{id} should be a {}", std::any::type_name::<T>()))
}

/// Writes text into `#id`.
pub fn set_text(id: &str, text: &str) {
    by_id::<web_sys::Element>(id).set_text_content(Some(text));
}

/// Shows or hides `#id` (the `hidden` attribute).
pub fn set_hidden(id: &str, hidden: bool) {
    by_id::<web_sys::HtmlElement>(id).set_hidden(hidden);
}

/// Sets an attribute that cannot be refused (a plain name and value).
pub fn set_attr(element: &web_sys::Element, name: &str, value: &str) {
    element
        .set_attribute(name, value)
        .expect("a plain attribute can be set");
}

/// Calls `handler` on every `event` at `target`, for the page's lifetime.
pub fn listen<E: FromWasmAbi + 'static>(
    target: &EventTarget,
    event: &str,
    handler: impl FnMut(E) + 'static,
) {
    let closure = Closure::<dyn FnMut(E)>::new(handler);
    target
        .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())
        .expect("a listener can be added");
    // The page never removes its listeners.
    closure.forget();
}

/// Milliseconds on the page's clock.
pub fn now() -> f64 {
    window()
        .performance()
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// A canvas's 2D context, with the canvas's size in CSS pixels and the
/// device pixels per CSS pixel.
pub struct Surface {
    pub ctx: CanvasRenderingContext2d,
    /// Width in CSS pixels.
    pub width: f64,
    /// Height in CSS pixels.
    pub height: f64,
    /// Device pixels per CSS pixel.
    pub dpr: f64,
}

impl Surface {
    /// Width of the backing store, in device pixels.
    pub fn device_width(&self) -> u32 {
        (self.width * self.dpr).round() as u32
    }

    /// Height of the backing store, in device pixels.
    pub fn device_height(&self) -> u32 {
        (self.height * self.dpr).round() as u32
    }
}

/// Sizes `canvas`'s backing store to its CSS box at the screen's density,
/// so that lines and text stay crisp on high-DPI screens, and returns its
/// context scaled to CSS pixels. `None` while the canvas is not laid out
/// (hidden, or in a collapsed section).
pub fn surface(canvas: &HtmlCanvasElement) -> Option<Surface> {
    let width = f64::from(canvas.client_width());
    let height = f64::from(canvas.client_height());
    if width <= 0.0 || height <= 0.0 {
        return None;
    }
    let dpr = window().device_pixel_ratio().max(1.0);
    let (w, h) = ((width * dpr).round() as u32, (height * dpr).round() as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    let ctx = context(canvas);
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)
        .expect("a finite transform is accepted");
    Some(Surface {
        ctx,
        width,
        height,
        dpr,
    })
}

/// The 2D context of a canvas.
pub fn context(canvas: &HtmlCanvasElement) -> CanvasRenderingContext2d {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .expect("every canvas has a 2D context")
}
