//! Variant options (Shopify's `Option1 Name/Value`, WooCommerce's `Attribute 1 name/value(s)`)
//! sorted into Stripe's columns: colour and size have their own, the rest become
//! `custom_variant_option_name_n` / `_value_n` (at most three).

/// The derived columns this module fills, in order.
pub const COLUMNS: [&str; 8] = [
    "(variant) color",
    "(variant) size",
    "(variant) option 1 name",
    "(variant) option 1 value",
    "(variant) option 2 name",
    "(variant) option 2 value",
    "(variant) option 3 name",
    "(variant) option 3 value",
];

/// The derived cells for a variant's `(name, value)` options, aligned with [`COLUMNS`].
/// Shopify's placeholder option (`Title` = `Default Title`) is no option.
#[must_use]
pub fn cells<'a>(options: &[(&'a str, &'a str)]) -> [&'a str; 8] {
    let mut out: [&str; 8] = [""; 8];
    let mut custom = 0;
    for (name, value) in options {
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() || value.is_empty() || (name == "Title" && value == "Default Title") {
            continue;
        }
        let is = |words: &[&str]| words.iter().any(|w| name.eq_ignore_ascii_case(w));
        if out[0].is_empty() && is(&["color", "colour", "farbe", "couleur"]) {
            out[0] = value;
        } else if out[1].is_empty() && is(&["size", "größe", "taille", "talla"]) {
            out[1] = value;
        } else if custom < 3 {
            out[2 + custom * 2] = name;
            out[3 + custom * 2] = value;
            custom += 1;
        }
    }
    out
}

/// The Stripe columns the derived ones map to.
pub const STRIPE: [&str; 8] = [
    "color",
    "size",
    "custom_variant_option_name_1",
    "custom_variant_option_value_1",
    "custom_variant_option_name_2",
    "custom_variant_option_value_2",
    "custom_variant_option_name_3",
    "custom_variant_option_value_3",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_and_size_have_their_columns_the_rest_are_custom() {
        let o = |n: &'static str, v: &'static str| (n, v);
        let cells = cells(&[o("Colour", "Red"), o("Material", "Oak"), o("Size", "L")]);
        assert_eq!(cells[0], "Red");
        assert_eq!(cells[1], "L");
        assert_eq!((cells[2], cells[3]), ("Material", "Oak"));
        assert!(
            super::cells(&[o("Title", "Default Title")])
                .iter()
                .all(|c| c.is_empty())
        );
    }
}
