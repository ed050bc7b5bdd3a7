//! The chart above the list: orders and revenue per agent per day, for the listed orders.

use std::collections::BTreeMap;

use egui::{Color32, RichText, Ui};

use super::OrdersView;
use crate::money;
use crate::orders::{self, OrderRow};
use crate::ui::widgets;

/// Colours of the agents in the chart.
const CHART_PALETTE: [Color32; 6] = [
    Color32::from_rgb(0x42, 0x85, 0xF4),
    Color32::from_rgb(0xEA, 0x43, 0x35),
    Color32::from_rgb(0x34, 0xA8, 0x53),
    Color32::from_rgb(0xFB, 0xBC, 0x05),
    Color32::from_rgb(0x9C, 0x27, 0xB0),
    Color32::from_rgb(0x00, 0xAC, 0xC1),
];

/// The chart's data for the listed orders.
pub(super) struct Chart {
    currency: String,
    daily: BTreeMap<String, BTreeMap<chrono::NaiveDate, orders::DayTotal>>,
    first: chrono::NaiveDate,
    days: usize,
    max_count: u32,
    /// Agent, orders, revenue (minor units of `currency`).
    per_agent: Vec<(String, u32, i64)>,
}

impl Chart {
    pub(super) fn of(rows: &[&OrderRow]) -> Option<Chart> {
        let currency = orders::main_currency(rows.iter().copied());
        let daily = orders::daily_by_agent(rows.iter().copied(), &currency);
        let first = daily
            .values()
            .filter_map(|d| d.keys().next())
            .min()?
            .to_owned();
        let last = daily
            .values()
            .filter_map(|d| d.keys().next_back())
            .max()?
            .to_owned();
        let days = usize::try_from((last - first).num_days()).unwrap_or(0) + 1;
        let mut per_day: BTreeMap<chrono::NaiveDate, u32> = BTreeMap::new();
        for totals in daily.values() {
            for (day, t) in totals {
                *per_day.entry(*day).or_default() += t.orders;
            }
        }
        let max_count = per_day.values().copied().max().unwrap_or(1).max(1);
        let per_agent = daily
            .iter()
            .map(|(agent, totals)| {
                (
                    agent.clone(),
                    totals.values().map(|t| t.orders).sum(),
                    totals.values().map(|t| t.revenue).sum(),
                )
            })
            .collect();
        Some(Chart {
            currency,
            daily,
            first,
            days,
            max_count,
            per_agent,
        })
    }
}

impl OrdersView {
    pub(super) fn chart_ui(&self, ui: &mut Ui) {
        let Some(chart) = &self.derived.chart else {
            return;
        };
        let (currency, daily, first, days, max_count) = (
            &chart.currency,
            &chart.daily,
            chart.first,
            chart.days,
            chart.max_count,
        );
        let palette = CHART_PALETTE;
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Orders per agent per day").strong());
            for (i, (agent, count, revenue)) in chart.per_agent.iter().enumerate() {
                widgets::swatch(ui, palette[i % palette.len()]);
                ui.label(format!(
                    "{agent}: {}, {}",
                    widgets::plural(*count as usize, "order"),
                    money::format_symbol(*revenue, currency)
                ));
            }
        });
        let (rect, resp) =
            ui.allocate_exact_size(egui::vec2(ui.available_width(), 90.0), egui::Sense::hover());
        let painter = ui.painter_at(rect);
        painter.rect_stroke(
            rect,
            2.0,
            ui.visuals().widgets.noninteractive.bg_stroke,
            egui::StrokeKind::Inside,
        );
        let bar_w = rect.width() / days as f32;
        let mut hovered_day = None;
        for d in 0..days {
            let day = first + chrono::Duration::days(d as i64);
            let x0 = rect.left() + d as f32 * bar_w;
            let mut y = rect.bottom();
            for (i, per_day) in daily.values().enumerate() {
                if let Some(t) = per_day.get(&day) {
                    let h = (t.orders as f32 / max_count as f32) * (rect.height() - 6.0);
                    let bar = egui::Rect::from_min_max(
                        egui::pos2(x0 + 1.0, y - h),
                        egui::pos2(x0 + (bar_w - 1.0).max(1.0), y),
                    );
                    painter.rect_filled(bar, 0.0, palette[i % palette.len()]);
                    y -= h;
                }
            }
            if let Some(p) = resp.hover_pos()
                && p.x >= x0
                && p.x < x0 + bar_w
            {
                hovered_day = Some(day);
            }
        }
        if let Some(day) = hovered_day {
            let mut lines = vec![day.format("%a %d %b %Y").to_string()];
            for (agent, per_day) in daily {
                if let Some(t) = per_day.get(&day) {
                    lines.push(format!(
                        "{agent}: {} orders, {}",
                        t.orders,
                        money::format_symbol(t.revenue, currency)
                    ));
                }
            }
            resp.on_hover_text(lines.join("\n"));
        }
    }
}
