//! The report's charts: inline SVG drawn by `plotters`' SVG backend, then
//! given an accessible name (`role="img"`, `<title>`) and class names the
//! report's stylesheet colours for light and dark schemes. Charts repeat
//! what the tables next to them hold, for readers who cannot see them.

use crate::report::date::Day;
use plotters::coord::ranged1d::{IntoSegmentedCoord, SegmentValue};
use plotters::prelude::*;

/// Colours plotters draws with, replaced by the stylesheet's (see
/// `html::STYLE`): bars and lines, text and axes, background.
pub const INK: RGBColor = RGBColor(0x00, 0x00, 0x00);
pub const BAR: RGBColor = RGBColor(0x1f, 0x77, 0xb4);
pub const BACKGROUND: RGBColor = RGBColor(0xff, 0xff, 0xff);

const WIDTH: u32 = 480;
const FONT: u32 = 17;

/// `1.2M`, `350K`, `12.5`: short axis labels.
pub fn short_number(v: f64) -> String {
    let a = v.abs();
    let (x, unit) = if a >= 1e9 {
        (v / 1e9, "B")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e3 {
        (v / 1e3, "K")
    } else {
        (v, "")
    };
    let s = if x.fract().abs() < 1e-9 || x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    };
    format!("{}{unit}", s.trim_end_matches(".0"))
}

/// Gives plotters' SVG an accessible name and drops its fixed size (the
/// `viewBox` stays, so it scales to the page's width).
fn finish(svg: String, id: &str, title: &str) -> String {
    let title = html_escape::encode_text(title);
    let body = svg.trim();
    let body = match body.find('>') {
        Some(end) if body.starts_with("<svg") => {
            let open = &body[..end];
            let view = open
                .find("viewBox=\"")
                .and_then(|i| {
                    let rest = &open[i + 9..];
                    rest.find('"').map(|e| &rest[..e])
                })
                .unwrap_or("0 0 480 240");
            format!(
                "<svg class=\"chart\" viewBox=\"{view}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"{id}\"><title id=\"{id}\">{title}</title>{}",
                &body[end + 1..]
            )
        }
        _ => body.to_string(),
    };
    // plotters writes each label's text on its own lines
    let mut out = String::with_capacity(body.len());
    for line in body.lines() {
        out.push_str(line.trim());
    }
    out
}

/// Commission (approved + pending) per day, one currency: an area chart
/// over every day of the period, days without sales at zero.
pub fn by_day(points: &[(Day, f64)], id: &str, title: &str) -> String {
    if points.is_empty() {
        return String::new();
    }
    let first = points[0].0;
    let last = points[points.len() - 1].0;
    let n = (last.0 - first.0 + 1).max(1) as usize;
    let mut values = vec![0f64; n];
    for (d, v) in points {
        values[(d.0 - first.0) as usize] += v;
    }
    let max = values.iter().cloned().fold(0f64, f64::max).max(1e-9) * 1.1;
    let mut svg = String::new();
    let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 260)).into_drawing_area();
        root.fill(&BACKGROUND)?;
        let x_max = if n == 1 { 1.0 } else { (n - 1) as f64 };
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..x_max, 0f64..max)?;
        let day_label = |x: &f64| {
            let d = Day(first.0 + x.round() as i32);
            let (_, m, dd) = d.ymd();
            format!("{dd}/{m}")
        };
        chart
            .configure_mesh()
            .x_labels(n.clamp(2, 6))
            .y_labels(4)
            .disable_x_mesh()
            .light_line_style(BACKGROUND)
            .bold_line_style(INK.mix(0.15))
            .axis_style(INK)
            .label_style(("sans-serif", FONT).into_font().color(&INK))
            .x_label_formatter(&day_label)
            .y_label_formatter(&|y| short_number(*y))
            .draw()?;
        if n == 1 {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.35, 0.0), (0.65, values[0])],
                BAR.filled(),
            )))?;
        } else {
            chart.draw_series(
                AreaSeries::new(
                    values.iter().enumerate().map(|(i, v)| (i as f64, *v)),
                    0.0,
                    BAR.mix(0.25),
                )
                .border_style(BAR.stroke_width(2)),
            )?;
        }
        root.present()?;
        Ok(())
    })();
    if drawn.is_err() {
        return String::new();
    }
    finish(svg, id, title)
}

/// Horizontal bars, largest first (at most `limit`).
pub fn bars(items: &[(String, f64)], id: &str, title: &str, limit: usize) -> String {
    let mut items: Vec<(String, f64)> = items.iter().filter(|(_, v)| *v > 0.0).cloned().collect();
    items.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    items.truncate(limit);
    if items.is_empty() {
        return String::new();
    }
    let n = items.len();
    let max = items[0].1 * 1.15;
    let label_chars = items
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(4)
        .min(18);
    let mut svg = String::new();
    let names: Vec<String> = items
        .iter()
        .map(|(l, _)| {
            if l.chars().count() > 18 {
                format!("{}…", l.chars().take(17).collect::<String>())
            } else {
                l.clone()
            }
        })
        .collect();
    let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
        let root =
            SVGBackend::with_string(&mut svg, (WIDTH, 46 + 34 * n as u32)).into_drawing_area();
        root.fill(&BACKGROUND)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(26)
            .y_label_area_size((label_chars as u32 * 9 + 12).max(40))
            .build_cartesian_2d(0f64..max, (0..n as i32).into_segmented())?;
        // one label per bar, at its centre (not at the segments' edges)
        let label = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) if (*i as usize) < n => {
                names.get(n - 1 - *i as usize).cloned().unwrap_or_default()
            }
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_labels(4)
            .light_line_style(BACKGROUND)
            .bold_line_style(INK.mix(0.15))
            .axis_style(INK)
            .label_style(("sans-serif", FONT).into_font().color(&INK))
            .y_label_formatter(&label)
            .x_label_formatter(&|x| short_number(*x))
            .draw()?;
        chart.draw_series(items.iter().enumerate().map(|(i, (_, v))| {
            let row = (n - 1 - i) as i32;
            let mut r = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(row)),
                    (*v, SegmentValue::Exact(row + 1)),
                ],
                BAR.filled(),
            );
            r.set_margin(5, 5, 0, 0);
            r
        }))?;
        root.present()?;
        Ok(())
    })();
    if drawn.is_err() {
        return String::new();
    }
    finish(svg, id, title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_named_svg() {
        let d = |s: &str| Day::parse(s).unwrap();
        let svg = by_day(
            &[(d("2026-11-01"), 10.0), (d("2026-11-05"), 30.0)],
            "c1",
            "Commission <VND>",
        );
        assert!(svg.starts_with("<svg class=\"chart\" viewBox="), "{svg}");
        assert!(svg.contains(
            "role=\"img\" aria-labelledby=\"c1\"><title id=\"c1\">Commission &lt;VND&gt;</title>"
        ));
        assert!(svg.contains("<polygon") && svg.ends_with("</svg>"));
        assert!(!svg.starts_with("<svg width"));
        let one = by_day(&[(d("2026-11-01"), 10.0)], "c2", "x");
        assert!(one.contains("<rect"));
        let b = bars(
            &[
                ("linh".into(), 5.0),
                ("mei".into(), 9.0),
                ("zero".into(), 0.0),
            ],
            "b",
            "By creator",
            10,
        );
        assert!(b.contains(">linh<") || b.contains(">linh "), "{b}");
        assert!(!b.contains("zero"));
        assert_eq!(bars(&[], "b", "t", 5), "");
        assert_eq!(short_number(1_250_000.0), "1.2M");
        assert_eq!(short_number(350_000.0), "350K");
        assert_eq!(short_number(12.5), "12.5");
        assert_eq!(short_number(0.0), "0");
    }
}
