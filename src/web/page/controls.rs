//! The page's words and controls: the settings form and the URL, progress,
//! captions that put numbers into sentences, "teach it", and the accuracy
//! with its confusion matrix.

use wasm_bindgen::JsCast;
use web_sys::{
    Element, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement,
    HtmlProgressElement, HtmlSelectElement,
};

use super::dom::{by_id, document, listen, set_attr, set_hidden, set_text, window};
use crate::data::CLASSES;
use crate::evaluation::Evaluation;
use crate::model::{Decision, Params, Response};
use crate::protocol::{Channel, Field, Refusal, Sample, Settings, rates_hz, taught_counts};

/// Groups digits of a count by thousands: 33600 → "33,600".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn input(field: Field) -> HtmlInputElement {
    by_id(&format!("set-{}", field.key()))
}

fn create(tag: &str) -> Element {
    document()
        .create_element(tag)
        .expect("standard elements can be created")
}

/// Sets up the page before the worker starts: the layout, the note on
/// settings refused from the URL, the form's values, and the elements that
/// are repeated (channel buttons, confusion matrix).
pub fn prepare(embed: bool, refused: &[Refusal], settings: &Settings) {
    let body = document().body().expect("the page has a body");
    if embed {
        body.class_list()
            .add_1("embed")
            .expect("a class name can be added");
        let link: HtmlElement = by_id("full-link");
        set_attr(&link, "href", &format!("./{}", settings.to_query(false)));
    }
    if !refused.is_empty() {
        let list: Vec<String> = refused.iter().map(Refusal::to_string).collect();
        set_text(
            "notes",
            &format!(
                "Some settings in this page's address could not be used, so the \
                 defaults are used instead: {}.",
                list.join("; ")
            ),
        );
        set_hidden("notes", false);
    }
    fill_form(settings);

    let container: Element = by_id("channels");
    for digit in 0..CLASSES {
        let button = create("button");
        set_attr(&button, "type", "button");
        set_attr(&button, "class", "channel");
        set_attr(&button, "id", &format!("channel-{digit}"));
        set_attr(&button, "aria-pressed", "false");
        let canvas = create("canvas");
        set_attr(&canvas, "aria-hidden", "true");
        let label = create("span");
        label.set_text_content(Some(&digit.to_string()));
        button
            .append_child(&canvas)
            .and_then(|_| button.append_child(&label))
            .and_then(|_| container.append_child(&button))
            .expect("new elements can be appended");
    }

    let table: Element = by_id("confusion");
    let mut html = String::from(
        "<caption>Rows: the digit it was. Columns: the digit the network said. \
         The diagonal counts right answers.</caption><thead><tr><th scope=\"col\">\
         <span class=\"visually-hidden\">was</span></th>",
    );
    for d in 0..CLASSES {
        html.push_str(&format!("<th scope=\"col\">{d}</th>"));
    }
    html.push_str("</tr></thead><tbody>");
    for row in 0..CLASSES {
        html.push_str(&format!("<tr><th scope=\"row\">{row}</th>"));
        for col in 0..CLASSES {
            let class = if row == col {
                " class=\"diagonal\""
            } else {
                ""
            };
            html.push_str(&format!("<td id=\"cm-{row}-{col}\"{class}></td>"));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody>");
    table.set_inner_html(&html);
}

/// The buttons of the ten small channel pictures.
pub fn channel_buttons() -> Vec<HtmlButtonElement> {
    (0..CLASSES)
        .map(|d| by_id(&format!("channel-{d}")))
        .collect()
}

/// The canvases inside the channel buttons.
pub fn channel_canvases() -> Vec<HtmlCanvasElement> {
    channel_buttons()
        .iter()
        .map(|b| {
            b.query_selector("canvas")
                .ok()
                .flatten()
                .and_then(|c| c.dyn_into().ok())
                .expect("each channel button holds a canvas")
        })
        .collect()
}

// ---- settings ------------------------------------------------------------

/// Shows `settings` in the form and clears its messages.
pub fn fill_form(settings: &Settings) {
    for field in Field::ALL {
        input(field).set_value(&settings.text(field));
        show_field_error(field, None);
    }
}

/// Shows (or clears) the message at a control.
pub fn show_field_error(field: Field, message: Option<&str>) {
    let control = input(field);
    let slot = format!("err-{}", field.key());
    match message {
        Some(m) => {
            set_text(&slot, m);
            set_attr(&control, "aria-invalid", "true");
        }
        None => {
            set_text(&slot, "");
            let _ = control.remove_attribute("aria-invalid");
        }
    }
    set_hidden(&slot, message.is_none());
}

/// The settings in the form, starting from `base`; `None` after showing a
/// message at every control whose value is refused (and moving the focus
/// to the first).
pub fn read_form(base: Settings) -> Option<Settings> {
    let mut settings = base;
    let mut first_bad = None;
    for field in Field::ALL {
        match settings.set(field, &input(field).value()) {
            Ok(()) => show_field_error(field, None),
            Err(message) => {
                show_field_error(field, Some(&message));
                first_bad.get_or_insert(field);
            }
        }
    }
    match first_bad {
        None => Some(settings),
        Some(field) => {
            let _ = input(field).focus();
            None
        }
    }
}

/// Checks each control when the reader leaves it, and clears its message
/// while they type.
pub fn install_field_checks() {
    for field in Field::ALL {
        let control = input(field);
        listen(control.as_ref(), "change", move |_: web_sys::Event| {
            let mut probe = Settings::default();
            let message = probe.set(field, &input(field).value()).err();
            show_field_error(field, message.as_deref());
        });
        listen(control.as_ref(), "input", move |_: web_sys::Event| {
            show_field_error(field, None);
        });
    }
}

/// Writes the settings into the page's address, so that it can be shared.
pub fn set_url(settings: &Settings, embed: bool) {
    let location = window().location();
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let url = format!("{path}{}{hash}", settings.to_query(embed));
    if let Ok(history) = window().history() {
        // Refused only for a cross-origin URL, which this is not.
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
    if embed {
        let link: HtmlElement = by_id("full-link");
        set_attr(
            &link,
            "href",
            &format!("{path}{}", settings.to_query(false)),
        );
    }
}

/// Disables the buttons that start a training while one runs.
pub fn set_busy(busy: bool) {
    for id in ["train", "teach", "untaught"] {
        by_id::<HtmlButtonElement>(id).set_disabled(busy);
    }
}

/// Shows a job's progress (`done` of `total`, and what it is), or hides
/// the bar.
pub fn show_progress(progress: Option<(u32, u32, &str)>) {
    let bar: HtmlProgressElement = by_id("progress");
    match progress {
        Some((done, total, label)) => {
            bar.set_max(f64::from(total.max(1)));
            bar.set_value(f64::from(done));
            set_text("progress-label", label);
            set_hidden("progress-row", false);
        }
        None => set_hidden("progress-row", true),
    }
}

// ---- captions ------------------------------------------------------------

/// The sentence under the predicted digit.
pub fn decision_sentence(decision: &Decision, response: &Response) -> String {
    let d = decision.digit as usize;
    let spikes = response.output.get(d).copied().unwrap_or(0);
    if decision.silent {
        return format!(
            "No output neuron fired, so the answer goes to network {d}, whose \
             third layer was the busiest."
        );
    }
    if decision.tied {
        let tied: Vec<String> = (0..response.output.len())
            .filter(|&k| response.output[k] == spikes)
            .map(|k| k.to_string())
            .collect();
        return format!(
            "Networks {} tied at {spikes} output spikes; the tie goes to {d}, whose \
             third layer fired most.",
            tied.join(", ")
        );
    }
    let runner_up = (0..response.output.len())
        .filter(|&k| k != d)
        .max_by_key(|&k| (response.output[k], std::cmp::Reverse(k)));
    match runner_up {
        Some(k) => format!(
            "Network {d}'s output neuron fired {spikes} times, more than any other \
             (next: network {k}, {} times).",
            response.output[k]
        ),
        None => format!("Network {d}'s output neuron fired {spikes} times."),
    }
}

/// The caption of the first layer's pictures.
pub fn show_first_layer(counts: &[u32], bins: usize, params: &Params) {
    let total: u32 = counts.iter().sum();
    let active = counts.iter().filter(|&&c| c > 0).count();
    let ms = bins as f32 * params.neuron.dt * 1e3;
    let busiest = rates_hz(counts, bins, params.neuron.dt)
        .into_iter()
        .fold(0.0f32, f32::max);
    set_text(
        "raster-note",
        &format!(
            "For this drawing: {} spikes from {active} of {} neurons in {ms:.0} ms; \
             the busiest fired {busiest:.0} times a second.",
            thousands(total as usize),
            counts.len()
        ),
    );
}

/// A text alternative for the output bars.
pub fn describe_outputs(canvas: &HtmlCanvasElement, response: Option<&Response>) {
    let label = match response {
        None => "Output spikes of the ten networks: none yet.".to_string(),
        Some(r) => {
            let parts: Vec<String> = r
                .output
                .iter()
                .enumerate()
                .map(|(d, n)| format!("{d}: {n}"))
                .collect();
            format!("Output spikes of the ten networks: {}.", parts.join(", "))
        }
    };
    set_attr(canvas, "aria-label", &label);
}

/// Labels the channel buttons and captions the large channel.
pub fn show_channels(
    channels: &[Option<Channel>],
    large: usize,
    picked: bool,
    winner: Option<usize>,
    drive: Option<&[f32]>,
) {
    for (digit, button) in channel_buttons().iter().enumerate() {
        let Some(channel) = channels.get(digit).and_then(|c| c.as_ref()) else {
            continue;
        };
        set_attr(
            button,
            "aria-label",
            &format!(
                "Network {digit}: {} synapses left after pruning. Show it large.",
                thousands(channel.synapses as usize)
            ),
        );
        set_attr(
            button,
            "aria-pressed",
            if picked && digit == large {
                "true"
            } else {
                "false"
            },
        );
        let class = if winner == Some(digit) {
            "channel winner"
        } else {
            "channel"
        };
        set_attr(button, "class", class);
    }
    let Some(channel) = channels.get(large).and_then(|c| c.as_ref()) else {
        return;
    };
    let all = channel.first as usize * channel.second as usize;
    let driven = drive.map(|d| {
        let cols = channel.second as usize;
        channel
            .weights
            .0
            .chunks(cols.max(1))
            .zip(d)
            .filter(|(_, level)| **level > 0.0)
            .map(|(row, _)| row.iter().filter(|&&q| q > 0).count())
            .sum::<usize>()
    });
    let which = match (picked, winner == Some(large)) {
        (_, true) => format!("Network {large}, the winner"),
        (true, false) => format!("Network {large}"),
        (false, false) => format!("Network {large} (pick one above)"),
    };
    let mut caption = format!(
        "{which}: {} of {} synapses survived pruning ({:.0} %), learned from {} digits.",
        thousands(channel.synapses as usize),
        thousands(all),
        100.0 * channel.synapses as f64 / all.max(1) as f64,
        channel.samples
    );
    if let Some(driven) = driven {
        caption.push_str(&format!(
            " {} of them carry spikes of this drawing (orange).",
            thousands(driven)
        ));
    }
    set_text("channel-caption", &caption);
}

// ---- teaching ------------------------------------------------------------

/// The digit chosen for "teach it".
pub fn teach_digit() -> u8 {
    by_id::<HtmlSelectElement>("teach-digit")
        .value()
        .parse()
        .unwrap_or(0)
}

/// Says which samples the reader has taught.
pub fn show_taught(taught: &[Sample]) {
    let text = if taught.is_empty() {
        "You have not taught it anything yet.".to_string()
    } else {
        let counts = taught_counts(taught);
        let parts: Vec<String> = (0..CLASSES)
            .filter(|&d| counts[d] > 0)
            .map(|d| format!("{} × {d}", counts[d]))
            .collect();
        format!(
            "You have taught it {} of your own: {}. “Undo teaching” takes the last one back.",
            if taught.len() == 1 {
                "1 sample".to_string()
            } else {
                format!("{} samples", taught.len())
            },
            parts.join(", ")
        )
    };
    set_text("teach-status", &text);
    by_id::<HtmlButtonElement>("untaught").set_disabled(taught.is_empty());
}

// ---- accuracy ------------------------------------------------------------

/// Shows the accuracy on the validation set and its confusion matrix.
pub fn show_accuracy(evaluation: &Evaluation, millis: f64, settings: &Settings) {
    let total = evaluation.total();
    set_text(
        "accuracy",
        &format!(
            "{:.1} % right: {} of {} held-out digits, with {} training digits per class \
             (checked in {:.1} s). {} were decided by a tie, {} had no output spike.",
            100.0 * evaluation.accuracy(),
            thousands(evaluation.correct() as usize),
            thousands(total as usize),
            settings.shots,
            millis / 1e3,
            evaluation.ties,
            evaluation.silent
        ),
    );
    for (row, counts) in evaluation.confusion.iter().enumerate() {
        let row_total = counts.iter().sum::<u32>().max(1);
        for (col, &n) in counts.iter().enumerate() {
            let cell: HtmlElement = by_id(&format!("cm-{row}-{col}"));
            cell.set_text_content(Some(&n.to_string()));
            // Shade by the share of the row: one blue, light to dark.
            let share = f64::from(n) / f64::from(row_total);
            let lightness = 97.0 - 62.0 * share;
            let style = cell.style();
            let _ =
                style.set_property("background-color", &format!("hsl(205 70% {lightness:.0}%)"));
            let _ = style.set_property("color", if lightness < 60.0 { "#fff" } else { "#1b1b1b" });
        }
    }
    set_hidden("confusion", false);
}
