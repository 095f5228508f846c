//! Charts as inline SVG, drawn here: vertical bars (distributions, activity over time)
//! and horizontal bars (a funnel). Each chart is an image with a title for screen
//! readers, every bar with its value as a tooltip and as text; the pages put the same
//! numbers in a table beside it. Colours as attributes (the pages' CSP allows no inline
//! style). A library would not draw these few shapes better, and would send fonts or
//! scripts we do not want.

use crate::i18n::escape_html;

/// One bar: its label under the axis and its value.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: u64,
    /// The value as the page writes it.
    pub shown: String,
}

const BLUE: &str = "#0b4f9c";
const GREY: &str = "#555";

/// Vertical bars over labels; `every` labels only every n-th bar (long series of days).
pub fn columns(id: &str, title: &str, bars: &[Bar], every: usize) -> String {
    let n = bars.len().max(1);
    let (w, h, top, bottom, left) = (720.0, 260.0, 24.0, 48.0, 8.0);
    let slot = (w - 2.0 * left) / n as f64;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let plot = h - top - bottom;
    let mut out = open(id, title, w, h);
    for (i, b) in bars.iter().enumerate() {
        let x = left + slot * i as f64;
        let bh = plot * b.value as f64 / max;
        let y = top + plot - bh;
        let tip = escape_html(&format!("{}: {}", b.label, b.shown));
        out.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{BLUE}\"><title>{tip}</title></rect>",
            x + slot * 0.1,
            slot * 0.8
        ));
        let cx = x + slot / 2.0;
        if b.value > 0 && (every <= 1 || n <= 31) {
            out.push_str(&format!(
                "<text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1b1b1b\">{}</text>",
                y - 4.0,
                escape_html(&b.shown)
            ));
        }
        if every <= 1 || i % every == 0 {
            out.push_str(&format!(
                "<text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{GREY}\">{}</text>",
                h - bottom + 16.0,
                escape_html(&b.label)
            ));
        }
    }
    out.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{GREY}\"/></svg>",
        top + plot,
        w - left,
        top + plot
    ));
    out
}

/// Horizontal bars, each labelled on its left and valued on its right.
pub fn rows(id: &str, title: &str, bars: &[Bar]) -> String {
    let (w, row, label_w, top) = (720.0, 30.0, 200.0, 8.0);
    let h = top * 2.0 + row * bars.len().max(1) as f64;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let span = w - label_w - 90.0;
    let mut out = open(id, title, w, h);
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let bw = span * b.value as f64 / max;
        let tip = escape_html(&format!("{}: {}", b.label, b.shown));
        out.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" text-anchor=\"end\" fill=\"#1b1b1b\">{}</text>\
             <rect x=\"{label_w}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{BLUE}\"><title>{tip}</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"#1b1b1b\">{}</text>",
            label_w - 8.0,
            y + row * 0.62,
            escape_html(&b.label),
            y + row * 0.15,
            row * 0.7,
            label_w + bw + 6.0,
            y + row * 0.62,
            escape_html(&b.shown)
        ));
    }
    out.push_str("</svg>");
    out
}

fn open(id: &str, title: &str, w: f64, h: f64) -> String {
    format!(
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-t\" viewBox=\"0 0 {w} {h}\" \
         preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-t\">{}</title>",
        escape_html(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: u64) -> Bar {
        Bar {
            label: label.into(),
            value,
            shown: value.to_string(),
        }
    }

    #[test]
    fn bars_scale_to_the_largest_and_text_is_escaped() {
        let svg = columns("c", "点数 <分布>", &[bar("0–10%", 2), bar("<b>", 4), bar("z", 0)], 1);
        assert!(svg.contains("&lt;分布&gt;"));
        assert!(svg.contains("&lt;b&gt;"));
        assert!(svg.contains("height=\"188.0\""), "{svg}");
        assert!(svg.ends_with("</svg>"));
        let svg = rows("r", "funnel", &[]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
