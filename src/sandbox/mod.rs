//! The embedded Stripe imitation (axum on 127.0.0.1): state, seed data, fault injection.
