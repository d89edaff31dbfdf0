//! The page: draw a digit and watch the network decide.
//!
//! The page starts the worker ([`super::worker`]), asks it to train the ten
//! networks, and from then on sends it the drawing as an MNIST-style image
//! while the reader draws. It shows what comes back: the first layer's
//! spikes, the information channels the spikes travel through, and the
//! output neurons' vote.
//!
//! State lives in one [`App`]; events change it and mark what needs
//! redrawing, and one animation-frame callback ([`App::frame`]) converts
//! the drawing, sends a prediction when one is due, and draws.
//!
//! Failures are shown in the page (`#status`, `<body data-state="error">`);
//! a crashed worker is restarted and retrained with the same settings.

mod controls;
mod dom;
mod pad;
mod pictures;

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use web_sys::{
    ErrorEvent, HtmlButtonElement, HtmlCanvasElement, HtmlElement, MessageEvent, Worker,
    WorkerOptions, WorkerType,
};

use super::describe;
use crate::data::Image;
use crate::drawing::to_mnist;
use crate::evaluation::Evaluation;
use crate::model::{Decision, Geometry, Params, Response};
use crate::protocol::{
    Bytes, Channel, Reply, Request, Sample, Settings, SpikeRaster, Task, is_embed,
};
use dom::{by_id, document, listen, now, set_attr, set_hidden, set_text};
use pad::Pad;

/// The script that loads the worker's wasm (copied by Trunk from `www/`).
const WORKER_LOADER: &str = "./worker-loader.js";

/// Crashes in a row, without a successful training between them, after
/// which the page stops restarting the worker and offers a button instead.
const MAX_RESTARTS: u32 = 3;

/// The shortest time between two predictions while a stroke is drawn, in
/// ms: up to 20 a second, leaving the worker's core room to spare.
const PREDICT_EVERY_MS: f64 = 50.0;

/// Sets `<body data-state>`: `loading`, `training`, `ready` or `error`.
fn set_state(state: &str) {
    if let Some(body) = document().body() {
        set_attr(&body, "data-state", state);
    }
}

/// Shows a fault in words and marks the page as failed.
fn show_error(text: &str) {
    set_text("status", text);
    set_state("error");
}

/// Marks the answer as out of date (`aria-busy`) while a prediction for
/// the current drawing is due or on its way.
fn set_busy_answer(busy: bool) {
    let prediction = by_id::<HtmlElement>("prediction");
    set_attr(
        &prediction,
        "aria-busy",
        if busy { "true" } else { "false" },
    );
}

/// What the last prediction showed.
struct Shown {
    decision: Decision,
    response: Response,
    raster: SpikeRaster,
    /// Each first-layer neuron's spike count over the highest (0 to 1).
    drive: Vec<f32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JobKind {
    Train,
    Relearn(u8),
    Validate,
}

/// The worker's current long job, as the page asked for it.
#[derive(Debug, Clone, Copy)]
struct Job {
    id: u32,
    kind: JobKind,
}

/// Pictures to redraw at the next frame.
#[derive(Debug, Default)]
struct Dirty {
    pad: bool,
    input: bool,
    first_layer: bool,
    channels: bool,
    outputs: bool,
}

impl Dirty {
    fn all() -> Self {
        Dirty {
            pad: true,
            input: true,
            first_layer: true,
            channels: true,
            outputs: true,
        }
    }
}

/// The page's canvases.
struct Canvases {
    pad: HtmlCanvasElement,
    input: HtmlCanvasElement,
    segments: HtmlCanvasElement,
    raster: HtmlCanvasElement,
    outputs: HtmlCanvasElement,
    channels: Vec<HtmlCanvasElement>,
    channel_large: HtmlCanvasElement,
}

/// Everything the page knows.
pub struct App {
    // ---- the worker ------------------------------------------------------
    worker: Option<Worker>,
    /// The worker has said [`Reply::Ready`].
    ready: bool,
    next_id: u32,
    /// Crashes since the last successful training.
    failures: u32,

    // ---- settings --------------------------------------------------------
    embed: bool,
    /// The settings of the networks shown (once trained).
    settings: Settings,
    /// The settings last asked for; a restarted worker trains these.
    requested: Settings,
    params: Params,
    geometry: Geometry,

    // ---- the drawing and its prediction ----------------------------------
    pad: Pad,
    image: Option<Image>,
    /// The pad's version that `image` was made from.
    image_version: u64,
    /// The pad's version last sent for prediction.
    sent_version: Option<u64>,
    /// The prediction request the worker is working on.
    in_flight: Option<u32>,
    /// The only prediction reply still wanted; older ones are stale.
    wanted: Option<u32>,
    /// A stroke ended: predict without waiting for the throttle.
    urgent: bool,
    last_sent: f64,
    shown: Option<Shown>,

    // ---- training --------------------------------------------------------
    /// The worker holds trained networks.
    trained: bool,
    job: Option<Job>,
    channels: Vec<Option<Channel>>,
    /// The channel shown large, if the reader picked one; otherwise the
    /// winner's.
    selected: Option<usize>,
    /// The reader's own samples ("teach it").
    taught: Vec<Sample>,
    /// The reader asked for the accuracy: measure it after each training.
    want_accuracy: bool,

    // ---- drawing ---------------------------------------------------------
    dirty: Dirty,
    frame_requested: bool,
    canvases: Canvases,
}

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
}

/// Runs `f` on the page's state; `None` before it exists.
fn with_app<T>(f: impl FnOnce(&mut App) -> T) -> Option<T> {
    APP.with(|app| app.borrow_mut().as_mut().map(f))
}

impl App {
    // ---- the worker ------------------------------------------------------

    fn spawn(&mut self) -> Result<(), JsValue> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Classic);
        let worker = Worker::new_with_options(WORKER_LOADER, &options)?;

        let on_message = Closure::<dyn Fn(MessageEvent)>::new(|event: MessageEvent| {
            with_app(|app| app.on_reply(event.data()));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();

        let on_error = Closure::<dyn Fn(ErrorEvent)>::new(|event: ErrorEvent| {
            event.prevent_default();
            let why = format!("it failed: {}", event.message());
            with_app(|app| app.restart(&why));
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();

        self.worker = Some(worker);
        self.ready = false;
        set_state("loading");
        set_text("status", "Starting the network in the background…");
        Ok(())
    }

    /// Ends the current worker and starts a new one, unless it has failed
    /// too often in a row.
    fn restart(&mut self, why: &str) {
        if let Some(worker) = self.worker.take() {
            worker.terminate();
        }
        web_sys::console::error_1(&format!("worker stopped: {why}").into());
        self.ready = false;
        self.trained = false;
        self.in_flight = None;
        self.wanted = None;
        self.sent_version = None;
        self.job = None;
        self.failures += 1;
        controls::show_progress(None);
        if self.failures > MAX_RESTARTS {
            show_error(&format!(
                "The network's background worker stopped ({why}) and failed again \
                 each time it was restarted. Press “Start again” to retry with \
                 the default settings."
            ));
            set_hidden("restart", false);
            return;
        }
        if let Err(e) = self.spawn() {
            show_error(&format!(
                "The network's background worker could not be started: {}",
                describe(&e)
            ));
            set_hidden("restart", false);
            return;
        }
        set_text(
            "status",
            &format!("The network's background worker stopped ({why}); restarting it…"),
        );
    }

    /// The reader's way out of a crash loop: default settings, new worker.
    fn start_again(&mut self) {
        set_hidden("restart", true);
        self.failures = 0;
        self.requested = Settings::default();
        controls::fill_form(&self.requested);
        if let Err(e) = self.spawn() {
            show_error(&format!(
                "The network's background worker could not be started: {}",
                describe(&e)
            ));
            set_hidden("restart", false);
        }
    }

    /// Sends a request made with a fresh id; `None` if there is no worker
    /// ready to take it.
    fn send(&mut self, make: impl FnOnce(u32) -> Request) -> Option<u32> {
        let worker = self.worker.as_ref().filter(|_| self.ready)?;
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        let value = serde_wasm_bindgen::to_value(&make(id)).expect("requests serialise");
        if let Err(e) = worker.post_message(&value) {
            self.restart(&format!("a message could not be posted: {}", describe(&e)));
            return None;
        }
        Some(id)
    }

    fn on_reply(&mut self, data: JsValue) {
        let reply: Reply = match serde_wasm_bindgen::from_value(data) {
            Ok(reply) => reply,
            Err(e) => return self.restart(&format!("it sent something unreadable: {e}")),
        };
        match reply {
            Reply::Ready { version } => {
                web_sys::console::log_1(&format!("worker {version} ready").into());
                set_text("version", &version);
                self.ready = true;
                self.start_training(self.requested.clone());
            }
            Reply::Progress {
                id,
                task,
                done,
                total,
            } => self.on_progress(id, task, done, total),
            Reply::Trained {
                id,
                settings,
                channels,
                millis,
            } => self.on_trained(id, settings, channels, millis),
            Reply::Prediction {
                id,
                decision,
                response,
                raster,
                millis,
            } => self.on_prediction(id, decision, response, raster, millis),
            Reply::Validation {
                id,
                evaluation,
                millis,
            } => self.on_validation(id, &evaluation, millis),
            Reply::Cancelled { id } => self.on_cancelled(id),
            Reply::Error { id, field, message } => self.on_error(id, field, &message),
            Reply::Crashed { message } => self.restart(&format!("it crashed: {message}")),
        }
    }

    fn job_is(&self, id: u32) -> Option<JobKind> {
        self.job.filter(|j| j.id == id).map(|j| j.kind)
    }

    // ---- training --------------------------------------------------------

    fn start_training(&mut self, settings: Settings) {
        self.requested = settings.clone();
        let taught = self.taught.clone();
        let Some(id) = self.send(|id| Request::Train {
            id,
            settings,
            taught,
        }) else {
            return;
        };
        self.job = Some(Job {
            id,
            kind: JobKind::Train,
        });
        set_state("training");
        controls::show_progress(Some((0, 10, "Training")));
        // Cancelling keeps the networks trained before; the first training
        // has none to keep.
        set_hidden("cancel", !self.trained);
        controls::set_busy(true);
        self.update_note();
    }

    fn cancel(&mut self) {
        if let Some(Job {
            id,
            kind: JobKind::Train,
        }) = self.job
        {
            self.send(|cancel| Request::Cancel {
                id: cancel,
                job: id,
            });
        }
    }

    fn on_progress(&mut self, id: u32, task: Task, done: u32, total: u32) {
        let Some(kind) = self.job_is(id) else { return };
        let label = match (task, kind) {
            (Task::Training, JobKind::Relearn(d)) => format!("Retraining the network for {d}"),
            (Task::Training, _) => format!(
                "Training the network for digit {} ({} of {total})",
                done.min(total - 1),
                done + 1
            ),
            (Task::Validating, _) => {
                format!("Checking {total} held-out digits: {done} done")
            }
        };
        controls::show_progress(Some((done, total, &label)));
        if kind == JobKind::Validate {
            set_text("accuracy", &format!("{label}…"));
        }
        self.update_note();
    }

    fn on_trained(&mut self, id: u32, settings: Settings, channels: Vec<Channel>, millis: f64) {
        let Some(kind) = self.job_is(id) else { return };
        self.job = None;
        self.trained = true;
        self.failures = 0;
        for channel in channels {
            if let Some(slot) = self.channels.get_mut(channel.digit as usize) {
                *slot = Some(channel);
            }
        }
        let seconds = millis / 1e3;
        match kind {
            JobKind::Relearn(digit) => set_text(
                "status",
                &format!("The network for {digit} has relearned, in {seconds:.1} s."),
            ),
            _ => set_text(
                "status",
                &format!(
                    "Ten networks trained on {} digits per class in {seconds:.1} s.",
                    settings.shots
                ),
            ),
        }
        self.params = settings.params().unwrap_or_default();
        self.geometry = Geometry::new(self.params.regions, self.params.triangle_lines);
        self.settings = settings;
        self.requested = self.settings.clone();
        controls::fill_form(&self.settings);
        controls::set_url(&self.settings, self.embed);
        controls::show_progress(None);
        controls::set_busy(false);
        controls::show_taught(&self.taught);
        set_hidden("cancel", true);
        set_state("ready");
        // How long the training took, for the curious and for the tests.
        let body = document().body().expect("the page has a body");
        set_attr(&body, "data-trained-ms", &format!("{millis:.0}"));

        // The drawing deserves an answer from the new networks.
        self.sent_version = None;
        self.dirty.channels = true;
        if self.want_accuracy {
            self.start_validation();
        }
        self.update_note();
        self.schedule();
    }

    fn on_cancelled(&mut self, id: u32) {
        let Some(kind) = self.job_is(id) else { return };
        self.job = None;
        controls::show_progress(None);
        controls::set_busy(false);
        set_hidden("cancel", true);
        if kind == JobKind::Train {
            set_text(
                "status",
                "Training cancelled: the networks trained before are still in use.",
            );
            controls::fill_form(&self.settings);
        }
        set_state(if self.trained { "ready" } else { "loading" });
        self.update_note();
    }

    fn on_error(&mut self, id: Option<u32>, field: Option<String>, message: &str) {
        let kind = id.and_then(|id| self.job_is(id));
        if let Some(field) = field.as_deref().and_then(crate::protocol::Field::from_key) {
            controls::show_field_error(field, Some(message));
        }
        if let Some(id) = id
            && self.in_flight == Some(id)
        {
            self.in_flight = None;
        }
        match kind {
            Some(JobKind::Validate) => {
                self.job = None;
                controls::show_progress(None);
                set_text("accuracy", message);
            }
            Some(_) => {
                self.job = None;
                controls::show_progress(None);
                controls::set_busy(false);
                set_hidden("cancel", true);
                set_text(
                    "status",
                    &format!("The networks could not be trained: {message}"),
                );
                if self.trained {
                    set_state("ready");
                } else {
                    show_error(&format!("The networks could not be trained: {message}"));
                }
            }
            None => set_text("status", message),
        }
    }

    // ---- teaching --------------------------------------------------------

    fn teach(&mut self, digit: u8) {
        // The last pointer move may not have reached a frame yet.
        self.update_image();
        let Some(image) = self.image else {
            set_text("teach-status", "Draw the digit on the pad first.");
            return;
        };
        if self.job.is_some_and(|j| j.kind != JobKind::Validate) || !self.trained {
            set_text("teach-status", "Wait until the training has finished.");
            return;
        }
        self.taught.push(Sample {
            digit,
            image: Bytes(image.to_vec()),
        });
        self.relearn(digit);
    }

    fn untaught(&mut self) {
        if self.job.is_some_and(|j| j.kind != JobKind::Validate) || !self.trained {
            set_text("teach-status", "Wait until the training has finished.");
            return;
        }
        let Some(last) = self.taught.pop() else {
            set_text("teach-status", "There is nothing to undo.");
            return;
        };
        self.relearn(last.digit);
    }

    fn relearn(&mut self, digit: u8) {
        let taught: Vec<Sample> = self
            .taught
            .iter()
            .filter(|s| s.digit == digit)
            .cloned()
            .collect();
        let Some(id) = self.send(|id| Request::Relearn { id, digit, taught }) else {
            return;
        };
        self.job = Some(Job {
            id,
            kind: JobKind::Relearn(digit),
        });
        set_state("training");
        controls::set_busy(true);
        controls::show_progress(Some((0, 1, &format!("Retraining the network for {digit}"))));
        set_text(
            "teach-status",
            &format!("Retraining the network for {digit}…"),
        );
    }

    // ---- accuracy --------------------------------------------------------

    fn ask_accuracy(&mut self) {
        self.want_accuracy = true;
        if self.trained && self.job.is_none() {
            self.start_validation();
        } else {
            set_text(
                "accuracy",
                "The accuracy is measured once training has finished.",
            );
        }
    }

    fn start_validation(&mut self) {
        let Some(id) = self.send(|id| Request::Validate { id }) else {
            return;
        };
        self.job = Some(Job {
            id,
            kind: JobKind::Validate,
        });
        set_text("accuracy", "Loading the held-out digits…");
        controls::show_progress(Some((0, 1, "Loading the held-out digits")));
    }

    fn on_validation(&mut self, id: u32, evaluation: &Evaluation, millis: f64) {
        if self.job_is(id) != Some(JobKind::Validate) {
            return;
        }
        self.job = None;
        controls::show_progress(None);
        controls::show_accuracy(evaluation, millis, &self.settings);
    }

    // ---- the drawing -----------------------------------------------------

    fn pad_begin(&mut self, pointer: i32, at: (f32, f32)) -> bool {
        let started = self.pad.begin(pointer, at);
        if started {
            self.drawing_changed();
        }
        started
    }

    fn pad_extend(&mut self, pointer: i32, points: Vec<(f32, f32)>) {
        if self.pad.extend(pointer, points) {
            self.drawing_changed();
        }
    }

    fn pad_end(&mut self, pointer: i32, at: Option<(f32, f32)>) {
        if let Some(at) = at {
            self.pad.extend(pointer, [at]);
        }
        if self.pad.end(pointer) {
            // The stroke's last state gets its prediction at once.
            self.urgent = true;
            self.drawing_changed();
        }
    }

    fn clear(&mut self) {
        self.pad.clear();
        self.drawing_changed();
    }

    fn undo(&mut self) {
        self.pad.undo();
        self.drawing_changed();
    }

    fn drawing_changed(&mut self) {
        self.dirty.pad = true;
        // The answer shown is out of date until the next frame says more.
        set_busy_answer(true);
        self.schedule();
    }

    /// Converts the drawing into the model's input if it changed; an empty
    /// drawing drops the prediction shown.
    fn update_image(&mut self) {
        if self.image_version == self.pad.version() {
            return;
        }
        self.image_version = self.pad.version();
        self.image = to_mnist(&self.pad.drawing());
        self.dirty.input = true;
        if self.image.is_none() {
            // Nothing to predict: any reply on its way is stale.
            self.wanted = None;
            self.sent_version = None;
            self.shown = None;
            self.dirty.first_layer = true;
            self.dirty.channels = true;
            self.dirty.outputs = true;
            self.update_note();
        }
    }

    /// A prediction that should be sent but has not been.
    fn prediction_due(&self) -> bool {
        self.image.is_some()
            && self.trained
            && self.ready
            && self.sent_version != Some(self.image_version)
    }

    /// Sends the drawing for prediction if one is due: one request at a
    /// time, so that the worker never queues stale work, and at most one
    /// per [`PREDICT_EVERY_MS`] while a stroke goes on.
    fn maybe_predict(&mut self) {
        if !self.prediction_due() || self.in_flight.is_some() {
            return;
        }
        let t = now();
        if !self.urgent && t - self.last_sent < PREDICT_EVERY_MS {
            return;
        }
        let image = Bytes(self.image.expect("a due prediction has an image").to_vec());
        let Some(id) = self.send(|id| Request::Predict { id, image }) else {
            return;
        };
        self.urgent = false;
        self.in_flight = Some(id);
        self.wanted = Some(id);
        self.sent_version = Some(self.image_version);
        self.last_sent = t;
    }

    fn on_prediction(
        &mut self,
        id: u32,
        decision: Decision,
        response: Response,
        raster: SpikeRaster,
        millis: f64,
    ) {
        if self.in_flight == Some(id) {
            self.in_flight = None;
        }
        // A reply to anything but the latest request is stale.
        if self.wanted != Some(id) || self.image.is_none() {
            self.schedule();
            return;
        }
        let counts = raster.counts();
        let highest = counts.iter().copied().max().unwrap_or(0).max(1) as f32;
        let drive = counts.iter().map(|&c| c as f32 / highest).collect();
        controls::show_first_layer(&counts, raster.bins(), &self.params);
        set_text(
            "timing",
            &format!(
                "All ten networks ran {} time bins on this drawing in {millis:.1} ms, \
                 in the background worker.",
                controls::thousands(raster.bins())
            ),
        );
        set_attr(
            &by_id::<HtmlElement>("timing"),
            "data-ms",
            &format!("{millis:.2}"),
        );
        self.shown = Some(Shown {
            decision,
            response,
            raster,
            drive,
        });
        self.dirty.first_layer = true;
        self.dirty.channels = true;
        self.dirty.outputs = true;
        self.update_note();
        self.schedule();
    }

    /// The prediction's digit and the sentence under it.
    fn update_note(&self) {
        let prediction = by_id::<HtmlElement>("prediction");
        let digit = self
            .shown
            .as_ref()
            .filter(|_| self.image.is_some())
            .map(|s| s.decision.digit.to_string())
            .unwrap_or_default();
        set_attr(&prediction, "data-digit", &digit);
        set_text("prediction-mini", &digit);
        prediction.set_text_content(Some(if digit.is_empty() { "?" } else { &digit }));
        let note = match (&self.shown, self.image.is_some()) {
            (_, false) => "Draw a digit on the pad: the answer appears here as you draw.".into(),
            (None, true) if !self.trained => {
                "The networks are still learning; the answer appears as soon as they are done."
                    .into()
            }
            (None, true) => "Thinking…".into(),
            (Some(s), true) => controls::decision_sentence(&s.decision, &s.response),
        };
        set_text("prediction-note", &note);
    }

    // ---- the one render path ---------------------------------------------

    fn schedule(&mut self) {
        if self.frame_requested {
            return;
        }
        self.frame_requested = true;
        let callback = Closure::once_into_js(|| {
            with_app(App::frame);
        });
        if dom::window()
            .request_animation_frame(callback.unchecked_ref())
            .is_err()
        {
            self.frame_requested = false;
        }
    }

    /// Once per animation frame while anything changes: the drawing becomes
    /// the model's input, a prediction is sent if due, and every picture
    /// marked dirty is drawn again.
    fn frame(&mut self) {
        self.frame_requested = false;
        self.update_image();
        self.maybe_predict();

        let dirty = std::mem::take(&mut self.dirty);
        let c = &self.canvases;
        let shown = self.shown.as_ref();
        let drive = shown.map(|s| s.drive.as_slice());
        if dirty.pad {
            pictures::draw_pad(&c.pad, self.pad.strokes());
        }
        if dirty.input {
            pictures::draw_input(&c.input, self.image.as_ref());
        }
        if dirty.first_layer {
            let bin_ms = f64::from(self.params.neuron.dt) * 1e3;
            let neurons = self.geometry.neurons();
            pictures::draw_raster(&c.raster, neurons, shown.map(|s| &s.raster), bin_ms);
            pictures::draw_segments(&c.segments, &self.geometry, self.image.as_ref(), drive);
        }
        if dirty.channels {
            pictures::draw_channels(&c.channels, &self.channels, drive);
            let winner = shown.map(|s| s.decision.digit as usize);
            let large = self.selected.or(winner).unwrap_or(0);
            let channel = self.channels.get(large).and_then(|c| c.as_ref());
            pictures::draw_channel_large(&c.channel_large, channel, drive);
            // The compact layout shows the large picture only once picked.
            let figure: HtmlElement = by_id("channel-large-figure");
            match self.selected {
                Some(_) => set_attr(&figure, "data-picked", ""),
                None => {
                    let _ = figure.remove_attribute("data-picked");
                }
            }
            controls::show_channels(
                &self.channels,
                large,
                self.selected.is_some(),
                winner,
                drive,
            );
        }
        if dirty.outputs {
            pictures::draw_outputs(&c.outputs, shown.map(|s| (&s.response, &s.decision)));
            controls::describe_outputs(&c.outputs, shown.map(|s| &s.response));
        }

        // The answer is out of date while a prediction for the current
        // drawing is due or on its way (screen readers wait for it).
        set_busy_answer(
            self.image.is_some()
                && (!self.trained || self.prediction_due() || self.in_flight.is_some()),
        );

        // Keep going while a prediction waits for the throttle; a reply on
        // its way schedules the next frame itself.
        if self.prediction_due() && self.in_flight.is_none() {
            self.schedule();
        }
    }

    fn select_channel(&mut self, digit: usize) {
        self.selected = if self.selected == Some(digit) {
            None
        } else {
            Some(digit)
        };
        self.dirty.channels = true;
        self.schedule();
    }
}

/// Wires the page's buttons and form to the app.
fn install_controls() {
    let click = |id: &str, f: fn(&mut App)| {
        let button: HtmlButtonElement = by_id(id);
        listen(button.as_ref(), "click", move |_: web_sys::Event| {
            with_app(f);
        });
    };
    click("clear", App::clear);
    click("undo", App::undo);
    click("cancel", App::cancel);
    click("untaught", App::untaught);
    click("validate", App::ask_accuracy);
    click("restart", App::start_again);

    let teach: HtmlButtonElement = by_id("teach");
    listen(teach.as_ref(), "click", |_: web_sys::Event| {
        let digit = controls::teach_digit();
        with_app(|app| app.teach(digit));
    });

    let form: web_sys::HtmlFormElement = by_id("settings-form");
    listen(form.as_ref(), "submit", |event: web_sys::Event| {
        event.prevent_default();
        let base = with_app(|app| app.settings.clone()).unwrap_or_default();
        if let Some(settings) = controls::read_form(base) {
            with_app(|app| app.start_training(settings));
        }
    });
    controls::install_field_checks();

    for (digit, canvas) in controls::channel_buttons().into_iter().enumerate() {
        listen(canvas.as_ref(), "click", move |_: web_sys::Event| {
            with_app(|app| app.select_channel(digit));
        });
    }

    listen(dom::window().as_ref(), "resize", |_: web_sys::Event| {
        with_app(|app| {
            app.dirty = Dirty::all();
            app.schedule();
        });
    });
}

fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_error(&format!(
            "Something went wrong in the page ({info}). Reloading the page may \
             help; please report it."
        ));
    }));
}

/// The page's entry point.
pub fn start() {
    install_panic_hook();
    set_state("loading");

    let query = dom::window().location().search().unwrap_or_default();
    let embed = is_embed(&query);
    let (settings, refused) = Settings::from_query(&query);
    controls::prepare(embed, &refused, &settings);
    let params = settings.params().unwrap_or_default();

    let canvases = Canvases {
        pad: by_id("pad"),
        input: by_id("input"),
        segments: by_id("segments"),
        raster: by_id("raster"),
        outputs: by_id("outputs"),
        channels: controls::channel_canvases(),
        channel_large: by_id("channel-large"),
    };
    pad::install(&canvases.pad);

    let app = App {
        worker: None,
        ready: false,
        next_id: 1,
        failures: 0,
        embed,
        requested: settings.clone(),
        settings,
        geometry: Geometry::new(params.regions, params.triangle_lines),
        params,
        pad: Pad::default(),
        image: None,
        image_version: 0,
        sent_version: None,
        in_flight: None,
        wanted: None,
        urgent: false,
        last_sent: f64::NEG_INFINITY,
        shown: None,
        trained: false,
        job: None,
        channels: vec![None; 10],
        selected: None,
        taught: Vec::new(),
        want_accuracy: false,
        dirty: Dirty::all(),
        frame_requested: false,
        canvases,
    };
    APP.with(|cell| *cell.borrow_mut() = Some(app));
    install_controls();

    with_app(|app| {
        app.update_note();
        if let Err(e) = app.spawn() {
            show_error(&format!(
                "The network's background worker could not be started: {}",
                describe(&e)
            ));
            set_hidden("restart", false);
        }
        app.schedule();
    });
}
