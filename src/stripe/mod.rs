//! HTTP client for the Stripe endpoints the console uses. No egui.
