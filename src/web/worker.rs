//! The Web Worker: trains and runs the model, off the page's thread.
//!
//! Loaded by `www/worker-loader.js`, which imports Trunk's no-modules
//! `worker.js` and instantiates `worker_bg.wasm`; [`start`] then installs
//! the message handler and announces [`Reply::Ready`].
//!
//! Predictions are answered at once. Training and validation are jobs that
//! yield to the event loop after each class (or chunk of digits), so that
//! predictions with the networks trained so far and a cancel are handled
//! while they run. One job runs at a time; a new one supersedes it.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::describe;
use crate::data::curated::curated_shots;
use crate::data::{Digits, Image, pack};
use crate::evaluation::Evaluation;
use crate::model::network::{self, Network};
use crate::model::{Classifier, FirstLayer, Workspace};
use crate::protocol::{
    Bytes, Channel, DRAWING_INDEX, Field, Reply, Request, Sample, Settings, SpikeRaster, Task,
    VERSION, quantise_channel,
};

/// Where the validation set is served, relative to the worker's script.
const VALIDATION_URL: &str = "data/validation.digits";

/// Validation digits scored between two yields: about 0.2 s of work, so a
/// prediction waits at most that long while validation runs.
const VALIDATION_CHUNK: usize = 40;

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global()
        .dyn_into()
        .expect("the worker binary runs in a DedicatedWorkerGlobalScope")
}

/// Milliseconds on the worker's clock.
fn now() -> f64 {
    scope()
        .performance()
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// Posts a reply to the page. Serialising our own enum cannot fail.
fn post(reply: &Reply) {
    let value = serde_wasm_bindgen::to_value(reply).expect("replies serialise");
    if let Err(e) = scope().post_message(&value) {
        web_sys::console::error_2(&"worker: postMessage failed".into(), &e);
    }
}

fn post_error(id: u32, field: Option<Field>, message: String) {
    post(&Reply::Error {
        id: Some(id),
        field: field.map(|f| f.key().to_string()),
        message,
    });
}

/// Lets the event loop run queued messages before the job goes on.
async fn yield_to_messages() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        // A 0 ms timeout is queued behind messages already waiting.
        if scope()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .is_err()
        {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    // The promise only ever resolves.
    let _ = JsFuture::from(promise).await;
}

/// The trained networks and what they were trained with.
struct Trained {
    classifier: Rc<Classifier>,
    settings: Settings,
    /// The curated digits the networks learned from (`settings.shots` of
    /// each class), kept to retrain one network.
    curated: Rc<Digits>,
}

/// Everything the worker keeps between messages.
#[derive(Default)]
struct State {
    trained: Option<Trained>,
    work: Workspace,
    /// The running job's request id; a job stops when this changes.
    job: Option<u32>,
    /// The validation set, once fetched.
    validation: Option<Rc<Digits>>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

fn with_state<T>(f: impl FnOnce(&mut State) -> T) -> T {
    STATE.with(|s| f(&mut s.borrow_mut()))
}

/// Whether job `id` is still the one to run.
fn current(id: u32) -> bool {
    with_state(|s| s.job == Some(id))
}

/// Marks job `id` as the one to run; the job it replaces stops at its
/// next yield.
fn begin(id: u32) {
    with_state(|s| s.job = Some(id));
}

fn finish(id: u32) {
    with_state(|s| {
        if s.job == Some(id) {
            s.job = None;
        }
    });
}

/// The digits a network learns from: its curated digits, then the
/// reader's samples of that digit.
fn samples_of<'a>(curated: &'a Digits, taught: &'a [(u8, Image)], digit: u8) -> Vec<&'a Image> {
    curated
        .of_class(digit)
        .chain(taught.iter().filter(|(d, _)| *d == digit).map(|(_, i)| i))
        .collect()
}

/// The reader's samples as images; `None` if one is not 28×28.
fn images(taught: &[Sample]) -> Option<Vec<(u8, Image)>> {
    taught
        .iter()
        .map(|s| Some((s.digit, s.pixels()?)).filter(|(d, _)| *d < 10))
        .collect()
}

/// A network's channel, ready to send.
fn channel(network: &Network, samples: usize) -> Channel {
    Channel {
        digit: network.digit,
        first: network.first as u32,
        second: network.second as u32,
        synapses: network.synapses() as u32,
        samples: samples as u32,
        weights: Bytes(quantise_channel(&network.channel)),
    }
}

/// Trains all ten networks, yielding after each.
async fn train(id: u32, settings: Settings, taught: Vec<Sample>) {
    let started = now();
    let params = match settings.params() {
        Ok(p) => p,
        Err(e) => return post_error(id, Field::from_param(e.name), e.message),
    };
    let Some(taught) = images(&taught) else {
        return post_error(id, None, "a taught sample is not a 28×28 digit".into());
    };
    let curated = match curated_shots(settings.shots) {
        Ok(d) => Rc::new(d),
        Err(e) => return post_error(id, Some(Field::Shots), e.to_string()),
    };
    begin(id);
    let layer = FirstLayer::new(&params);
    let seed = u64::from(settings.seed);
    let mut networks = Vec::with_capacity(10);
    let mut channels = Vec::with_capacity(10);
    for digit in 0..10u8 {
        post(&Reply::Progress {
            id,
            task: Task::Training,
            done: digit as u32,
            total: 10,
        });
        yield_to_messages().await;
        if !current(id) {
            return post(&Reply::Cancelled { id });
        }
        let samples = samples_of(&curated, &taught, digit);
        let network = network::train(&params, &layer, digit, &samples, seed);
        channels.push(channel(&network, samples.len()));
        networks.push(network);
    }
    let classifier = Rc::new(Classifier::from_networks(&params, seed, networks));
    let millis = now() - started;
    web_sys::console::log_1(&format!("worker: trained ten networks in {millis:.0} ms").into());
    install(
        id,
        Trained {
            classifier,
            settings,
            curated,
        },
        channels,
        millis,
    );
}

/// Retrains the network of `digit` with the reader's samples of it.
async fn relearn(id: u32, digit: u8, taught: Vec<Sample>) {
    let started = now();
    let Some(trained) = with_state(|s| {
        s.trained
            .as_ref()
            .map(|t| (t.classifier.clone(), t.settings.clone(), t.curated.clone()))
    }) else {
        return post_error(id, None, "the networks are not trained yet".into());
    };
    let (classifier, settings, curated) = trained;
    let Some(taught) = images(&taught).filter(|_| digit < 10) else {
        return post_error(id, None, "a taught sample is not a 28×28 digit".into());
    };
    begin(id);
    post(&Reply::Progress {
        id,
        task: Task::Training,
        done: 0,
        total: 1,
    });
    yield_to_messages().await;
    if !current(id) {
        return post(&Reply::Cancelled { id });
    }
    let params = classifier.params();
    let samples = samples_of(&curated, &taught, digit);
    let network = network::train(
        params,
        classifier.first_layer(),
        digit,
        &samples,
        classifier.seed(),
    );
    let channels = vec![channel(&network, samples.len())];
    let mut networks = classifier.networks().to_vec();
    networks[digit as usize] = network;
    let classifier = Rc::new(Classifier::from_networks(
        params,
        classifier.seed(),
        networks,
    ));
    install(
        id,
        Trained {
            classifier,
            settings,
            curated,
        },
        channels,
        now() - started,
    );
}

/// Makes `trained` the networks that predictions use, ends job `id`, and
/// tells the page, with the `channels` that changed.
fn install(id: u32, trained: Trained, channels: Vec<Channel>, millis: f64) {
    let settings = trained.settings.clone();
    with_state(|s| s.trained = Some(trained));
    finish(id);
    post(&Reply::Trained {
        id,
        settings,
        channels,
        millis,
    });
}

/// Fetches and decodes the validation set.
async fn fetch_validation() -> Result<Digits, String> {
    let fail = |e: JsValue| describe(&e);
    let response: web_sys::Response = JsFuture::from(scope().fetch_with_str(VALIDATION_URL))
        .await
        .map_err(fail)?
        .dyn_into()
        .map_err(fail)?;
    if !response.ok() {
        return Err(format!("the server answered {}", response.status()));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(fail)?)
        .await
        .map_err(fail)?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    pack::decode_named(&bytes, VALIDATION_URL).map_err(|e| e.to_string())
}

/// Scores the current networks on the validation set, in chunks.
async fn validate(id: u32) {
    let Some(classifier) = with_state(|s| s.trained.as_ref().map(|t| t.classifier.clone())) else {
        return post_error(id, None, "the networks are not trained yet".into());
    };
    begin(id);
    let digits = match with_state(|s| s.validation.clone()) {
        Some(d) => d,
        None => match fetch_validation().await {
            Ok(d) => {
                let d = Rc::new(d);
                with_state(|s| s.validation = Some(d.clone()));
                d
            }
            Err(e) => {
                finish(id);
                return post_error(
                    id,
                    None,
                    format!("The validation digits could not be loaded ({e}). Try again later."),
                );
            }
        },
    };
    let started = now();
    let mut evaluation = Evaluation::default();
    let mut work = Workspace::default();
    let total = digits.len();
    for from in (0..total).step_by(VALIDATION_CHUNK) {
        post(&Reply::Progress {
            id,
            task: Task::Validating,
            done: from as u32,
            total: total as u32,
        });
        yield_to_messages().await;
        if !current(id) {
            return post(&Reply::Cancelled { id });
        }
        for k in from..(from + VALIDATION_CHUNK).min(total) {
            let (decision, _) = classifier.classify(&digits.images[k], k as u64, &mut work);
            evaluation.record(digits.labels[k], &decision);
        }
    }
    let millis = now() - started;
    web_sys::console::log_1(
        &format!("worker: validation finished in {:.1} s", millis / 1e3).into(),
    );
    finish(id);
    post(&Reply::Validation {
        id,
        evaluation: Box::new(evaluation),
        millis,
    });
}

/// Classifies one image with the networks trained so far.
pub fn predict(classifier: &Classifier, work: &mut Workspace, id: u32, image: &Image) -> Reply {
    let started = now();
    let (decision, response) = classifier.classify(image, DRAWING_INDEX, work);
    let millis = now() - started;
    Reply::Prediction {
        id,
        decision,
        response,
        raster: SpikeRaster::from_raster(&work.raster),
        millis,
    }
}

fn on_request(request: Request) {
    match request {
        Request::Train {
            id,
            settings,
            taught,
        } => spawn_local(train(id, settings, taught)),
        Request::Relearn { id, digit, taught } => spawn_local(relearn(id, digit, taught)),
        Request::Validate { id } => spawn_local(validate(id)),
        Request::Cancel { job, .. } => finish(job),
        Request::Predict { id, image } => {
            let Ok(image) = Image::try_from(image.0.as_slice()) else {
                return post_error(id, None, "the image is not 28×28".into());
            };
            let reply = with_state(|s| {
                let State { trained, work, .. } = s;
                trained
                    .as_ref()
                    .map(|t| predict(&t.classifier, work, id, &image))
            });
            match reply {
                Some(reply) => post(&reply),
                None => post_error(id, None, "the networks are not trained yet".into()),
            }
        }
    }
}

fn on_message(event: MessageEvent) {
    match serde_wasm_bindgen::from_value::<Request>(event.data()) {
        Ok(request) => on_request(request),
        Err(e) => post(&Reply::Error {
            id: None,
            field: None,
            message: format!("the worker could not read a request: {e}"),
        }),
    }
}

/// Reports a panic to the page as [`Reply::Crashed`] as well as to the
/// console, so that the page can say so and restart the worker.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        post(&Reply::Crashed {
            message: info.to_string(),
        });
    }));
}

/// The worker's entry point.
pub fn start() {
    install_panic_hook();
    let handler = Closure::<dyn Fn(MessageEvent)>::new(on_message);
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    handler.forget();
    web_sys::console::log_1(&"worker ready".into());
    post(&Reply::Ready {
        version: VERSION.into(),
    });
}
