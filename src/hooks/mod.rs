//! Hook workbench: signed requests to the seller's own order-approval, checkout-customization
//! and checkout endpoints, and checks on their answers.
