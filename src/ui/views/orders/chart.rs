//! The chart above the list: orders per agent per day for the listed orders, stacked bars on a
//! date axis (`egui_plot`: the legend hides and shows an agent, drag pans, scroll and pinch
//! zoom, double click resets). Hovering a day shows its orders and revenue per agent.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot};

use super::OrdersView;
use crate::money;
use crate::orders::{self, OrderRow};
use crate::ui::{theme, widgets};

/// The chart's data for the listed orders.
pub(super) struct Chart {
    currency: String,
    /// Each agent's colour, from every loaded order (so a filter does not change them).
    colors: BTreeMap<String, egui::Color32>,
    first: NaiveDate,
    last: NaiveDate,
    daily: BTreeMap<String, BTreeMap<NaiveDate, orders::DayTotal>>,
    /// Agent, orders, revenue (minor units of `currency`).
    per_agent: Vec<(String, u32, i64)>,
}

/// A day as the chart's x coordinate: days since 1970-01-01.
fn x_of(day: NaiveDate) -> f64 {
    f64::from(
        i32::try_from(day.signed_duration_since(NaiveDate::default()).num_days()).unwrap_or(0),
    )
}

/// The day at chart coordinate `x` (each bar is centred on its day).
fn day_at(x: f64) -> Option<NaiveDate> {
    let days = x.round();
    if !days.is_finite() || days.abs() > 1.0e6 {
        return None;
    }
    #[allow(clippy::cast_possible_truncation)]
    NaiveDate::default().checked_add_signed(chrono::Duration::days(days as i64))
}

impl Chart {
    /// The chart of `rows`; `all` is every loaded order (the agents' colours come from it).
    pub(super) fn of(rows: &[&OrderRow], all: &[OrderRow]) -> Option<Chart> {
        let currency = orders::main_currency(rows.iter().copied());
        let daily = orders::daily_by_agent(rows.iter().copied(), &currency);
        let first = *daily.values().filter_map(|d| d.keys().next()).min()?;
        let last = *daily.values().filter_map(|d| d.keys().next_back()).max()?;
        let colors = theme::agent_colors(
            all.iter()
                .map(orders::agent_label)
                .chain(daily.keys().map(String::as_str)),
        );
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
            colors,
            first,
            last,
            daily,
            per_agent,
        })
    }

    fn color(&self, agent: &str) -> egui::Color32 {
        self.colors
            .get(agent)
            .copied()
            .unwrap_or(egui::Color32::GRAY)
    }

    /// What hovering `day` shows: the date, then each agent's orders and revenue that day.
    #[must_use]
    pub(super) fn day_summary(&self, day: NaiveDate) -> Vec<String> {
        let mut lines = vec![day.format("%a %d %b %Y").to_string()];
        let mut total = 0;
        for (agent, per_day) in &self.daily {
            if let Some(t) = per_day.get(&day) {
                total += t.orders;
                lines.push(format!(
                    "{agent}: {}, {}",
                    widgets::plural(t.orders as usize, "order"),
                    money::format_symbol(t.revenue, &self.currency)
                ));
            }
        }
        if total == 0 {
            lines.push("No orders".to_owned());
        }
        lines
    }
}

impl OrdersView {
    pub(super) fn chart_ui(&self, ui: &mut Ui) {
        let Some(chart) = &self.derived.chart else {
            return;
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Orders per agent per day").strong());
            for (agent, count, revenue) in &chart.per_agent {
                widgets::swatch(ui, chart.color(agent));
                ui.label(format!(
                    "{agent}: {}, {}",
                    widgets::plural(*count as usize, "order"),
                    money::format_symbol(*revenue, &chart.currency)
                ));
            }
        });
        // One bar per day for every agent (empty days too): stacking adds bars by position.
        let days: Vec<NaiveDate> = chart
            .first
            .iter_days()
            .take_while(|d| *d <= chart.last)
            .collect();
        let mut below: Vec<BarChart> = Vec::new();
        for (agent, per_day) in &chart.daily {
            let color = chart.color(agent);
            let bars = days
                .iter()
                .map(|day| {
                    let orders = per_day.get(day).map_or(0, |t| t.orders);
                    Bar::new(x_of(*day), f64::from(orders))
                        .width(0.8)
                        .fill(color)
                        .stroke(egui::Stroke::NONE)
                })
                .collect();
            let refs: Vec<&BarChart> = below.iter().collect();
            let bars = BarChart::new(agent.clone(), bars)
                .color(color)
                .element_formatter(Box::new(|_, _| String::new()))
                .stack_on(&refs);
            below.push(bars);
        }
        let shown = Plot::new("orders_per_agent_per_day")
            .height(150.0)
            .legend(Legend::default())
            .allow_scroll(false)
            .show_x(false)
            .show_y(false)
            .y_axis_min_width(28.0)
            .x_axis_formatter(|mark, _| {
                day_at(mark.value).map_or_else(String::new, |d| d.format("%d %b").to_string())
            })
            .y_axis_formatter(|mark, _| {
                if mark.value.fract() == 0.0 && mark.value >= 0.0 {
                    format!("{}", mark.value)
                } else {
                    String::new()
                }
            })
            .label_formatter(|_| None)
            .show(ui, |plot_ui| {
                for bars in below {
                    plot_ui.bar_chart(bars);
                }
                plot_ui.pointer_coordinate().and_then(|p| day_at(p.x))
            });
        if let Some(day) = shown.inner
            && shown.response.hovered()
        {
            shown
                .response
                .on_hover_text(chart.day_summary(day).join("\n"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_chart_coordinates_round_trip() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(day_at(x_of(day)), Some(day));
        assert_eq!(day_at(x_of(day) + 0.4), Some(day), "anywhere on the bar");
        assert_eq!(day_at(f64::NAN), None);
    }
}
