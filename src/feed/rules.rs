//! Cross-field rules of the product, inventory, pricing and promotion feeds (X1 to X15).
