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
pub fn cells(options: &[(String, String)]) -> [String; 8] {
    let mut out: [String; 8] = Default::default();
    let mut custom = 0;
    for (name, value) in options {
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() || value.is_empty() || (name == "Title" && value == "Default Title") {
            continue;
        }
        match name.to_ascii_lowercase().as_str() {
            "color" | "colour" | "farbe" | "couleur" if out[0].is_empty() => out[0] = value.into(),
            "size" | "größe" | "taille" | "talla" if out[1].is_empty() => out[1] = value.into(),
            _ if custom < 3 => {
                out[2 + custom * 2] = name.into();
                out[3 + custom * 2] = value.into();
                custom += 1;
            }
            _ => {}
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
        let o = |n: &str, v: &str| (n.to_owned(), v.to_owned());
        let cells = cells(&[o("Colour", "Red"), o("Material", "Oak"), o("Size", "L")]);
        assert_eq!(cells[0], "Red");
        assert_eq!(cells[1], "L");
        assert_eq!((cells[2].as_str(), cells[3].as_str()), ("Material", "Oak"));
        assert!(
            super::cells(&[o("Title", "Default Title")])
                .iter()
                .all(String::is_empty)
        );
    }
}
