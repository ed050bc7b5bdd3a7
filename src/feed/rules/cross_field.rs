//! The cross-field rules X1 to X15: several cells of one row checked together, per feed
//! kind.

use super::context::{Cells, Sink, fix, replace, split_ascii, split_once_ascii, trim};
use super::lists::entries;
use super::money::parse_money;
use super::text::contains_short;
use crate::feed::Severity;
use crate::feed::spec::ColumnId;

fn is_true(v: &str) -> bool {
    v.eq_ignore_ascii_case("true")
}

pub(super) fn preorder_rule(c: Cells<'_, '_>, sink: &mut Sink<'_>) {
    if c.get(ColumnId::Availability) == "preorder" && c.get(ColumnId::AvailabilityDate).is_empty() {
        sink.push(
            "X3_preorder_date",
            Severity::Error,
            ColumnId::AvailabilityDate,
            "",
            "`availability_date` is required when `availability` is `preorder`.".to_owned(),
            fix("Fill in the date the item becomes available (YYYY-MM-DD)."),
        );
    }
}

pub(super) fn sale_rules(c: Cells<'_, '_>, sink: &mut Sink<'_>) {
    let sale = c.get(ColumnId::SalePrice);
    if sale.is_empty() {
        return;
    }
    if c.get(ColumnId::SalePriceEffectiveDate).is_empty() {
        sink.push(
            "X5_sale_window",
            Severity::Error,
            ColumnId::SalePriceEffectiveDate,
            "",
            "`sale_price_effective_date` is required when `sale_price` is set.".to_owned(),
            fix("Fill in the sale window as `start/end`, such as `2026-11-27/2026-12-01`."),
        );
    }
    let (Some(sale_m), Some(price_m)) = (parse_money(sale), parse_money(c.get(ColumnId::Price)))
    else {
        return;
    };
    if sale_m.currency != price_m.currency {
        sink.push(
            "X5_sale_currency",
            Severity::Warning,
            ColumnId::SalePrice,
            sale,
            format!(
                "`sale_price` is in {} but `price` is in {}; agents ignore such a sale price.",
                sale_m.currency, price_m.currency
            ),
            fix(format!("Give the sale price in {}.", price_m.currency)),
        );
    } else if sale_m.amount >= price_m.amount {
        sink.push(
            "X5_sale_below_price",
            Severity::Warning,
            ColumnId::SalePrice,
            sale,
            format!(
                "`sale_price` ({sale}) is not below `price` ({}).",
                c.get(ColumnId::Price)
            ),
            fix("Lower the sale price or clear it."),
        );
    }
}

fn unit_of(value: &str) -> Option<&str> {
    split_once_ascii(value, b' ').map(|(_, u)| u)
}

pub(super) fn product_rules(c: Cells<'_, '_>, sink: &mut Sink<'_>) {
    use ColumnId as C;
    // X1: gtin or mpn.
    if (c.has(C::Gtin) || c.has(C::Mpn)) && c.get(C::Gtin).is_empty() && c.get(C::Mpn).is_empty() {
        sink.push(
            "X1_gtin_or_mpn",
            Severity::Error,
            if c.has(C::Gtin) { C::Gtin } else { C::Mpn },
            "",
            "Give a `gtin`, or an `mpn` when the item has no GTIN.".to_owned(),
            fix("Fill in the GTIN from the barcode, or the manufacturer part number."),
        );
    }
    // X2: a category.
    if (c.has(C::GoogleProductCategory) || c.has(C::ProductCategory))
        && c.get(C::GoogleProductCategory).is_empty()
        && c.get(C::ProductCategory).is_empty()
    {
        sink.push(
            "X2_category",
            Severity::Error,
            if c.has(C::GoogleProductCategory) {
                C::GoogleProductCategory
            } else {
                C::ProductCategory
            },
            "",
            "Give a `google_product_category`, or a `product_category` when there is none."
                .to_owned(),
            fix("Fill in a Google category id such as `2271`, or your own category path."),
        );
    }
    preorder_rule(c, sink);
    // X4: inventory tracking.
    let not_tracked = c.get(C::InventoryNotTracked);
    let quantity = c.get(C::InventoryQuantity);
    if is_true(not_tracked) && !quantity.is_empty() {
        sink.push(
            "X4_inventory_tracking",
            Severity::Error,
            C::InventoryQuantity,
            quantity,
            "`inventory_quantity` must be blank when `inventory_not_tracked` is `true`.".to_owned(),
            fix("Clear the quantity, or set `inventory_not_tracked` to `false`."),
        );
    } else if !is_true(not_tracked) && quantity.is_empty() && c.has(C::InventoryQuantity) {
        sink.push(
            "X4_inventory_tracking",
            Severity::Error,
            C::InventoryQuantity,
            "",
            "`inventory_quantity` is required unless `inventory_not_tracked` is `true`.".to_owned(),
            fix("Fill in the units in stock, or set `inventory_not_tracked` to `true` for digital or made-to-order items."),
        );
    }
    sale_rules(c, sink);
    // X6: reviews.
    let count = c.get(C::ProductReviewCount);
    let rating = c.get(C::ProductReviewRating);
    match count.parse::<i64>() {
        Ok(n) if n > 0 && rating.is_empty() => sink.push(
            "X6_reviews",
            Severity::Error,
            C::ProductReviewRating,
            "",
            format!("`product_review_rating` is required when there are reviews ({n})."),
            fix("Fill in the average rating from 1 to 5."),
        ),
        Ok(0) if !rating.is_empty() => sink.push(
            "X6_reviews",
            Severity::Error,
            C::ProductReviewRating,
            rating,
            "`product_review_rating` must be blank when `product_review_count` is 0.".to_owned(),
            replace("Clear the rating.", ""),
        ),
        _ => {}
    }
    // X8: free-shipping services named in shipping (shipping was format-checked already).
    let free = c.get(C::FreeShippingThreshold);
    if !free.is_empty() {
        let shipping = c.get(C::Shipping);
        let named = |service: &str| {
            entries(shipping).any(|(_, e)| split_ascii(e, b':').nth(2).map(trim) == Some(service))
        };
        for (n, entry) in entries(free) {
            if let Some(service) = split_ascii(entry, b':').nth(2).map(trim)
                && !service.is_empty()
                && !named(service)
            {
                let services: Vec<&str> = entries(shipping)
                    .filter_map(|(_, e)| split_ascii(e, b':').nth(2).map(trim))
                    .collect();
                let known = if services.is_empty() {
                    "this row has no `shipping` services".to_owned()
                } else {
                    format!(
                        "`shipping` names {}",
                        services
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                sink.push(
                        "X8_free_shipping_service",
                        Severity::Error,
                        C::FreeShippingThreshold,
                        entry,
                        format!("Entry {n} of `free_shipping_threshold` names the service `{service}`, but {known}."),
                        fix("Use a service name exactly as written in `shipping`."),
                    );
            }
        }
    }
    // X9: related products.
    let related = c.get(C::RelatedProducts);
    if !related.is_empty() {
        let own = c.get(C::Id);
        let mut seen: Vec<&str> = Vec::new();
        for (n, entry) in entries(related) {
            let Some((_, target)) = split_once_ascii(entry, b':') else {
                continue;
            };
            let target = trim(target);
            if target == own {
                sink.push(
                    "X9_related_products",
                    Severity::Error,
                    C::RelatedProducts,
                    entry,
                    format!("Entry {n} of `related_products` points to the product itself."),
                    fix("Remove the entry."),
                );
            } else if seen.contains(&target) {
                sink.push(
                    "X9_related_products",
                    Severity::Error,
                    C::RelatedProducts,
                    entry,
                    format!("Entry {n} of `related_products` repeats the target `{target}`; each target may appear once."),
                    fix("Keep one entry per target."),
                );
            }
            seen.push(target);
        }
    }
    // X10: tax codes.
    if !c.get(C::StripeProductTaxCode).is_empty() && !c.get(C::ThirdPartyTaxCode).is_empty() {
        sink.push(
            "X10_tax_code",
            Severity::Warning,
            C::ThirdPartyTaxCode,
            c.get(C::ThirdPartyTaxCode),
            "The row has both `stripe_product_tax_code` and `third_party_tax_code`; the third-party code is only for Anrok when there is no Stripe code.".to_owned(),
            fix("Keep the code of the tax provider you use."),
        );
    }
    // X12: physical goods need shipping.
    let physical = !c.get(C::Weight).is_empty()
        || !c.get(C::Length).is_empty()
        || (c.has(C::InventoryQuantity) && !is_true(not_tracked));
    if c.has(C::Shipping) && c.get(C::Shipping).is_empty() && physical {
        sink.push(
            "X12_shipping",
            Severity::Warning,
            C::Shipping,
            "",
            "This looks like a physical item (tracked stock or a weight) but `shipping` is empty; Stripe needs shipping for physical goods.".to_owned(),
            fix("Add shipping options such as `US:ALL:Standard Shipping:3-5:4.95 USD`, or set `inventory_not_tracked=true` for a digital item."),
        );
    }
    // X13: one unit for all dimensions.
    let dims = [C::Length, C::Width, C::Height];
    let mut first_unit: Option<(ColumnId, &str)> = None;
    for d in dims {
        let v = c.get(d);
        let Some(unit) = unit_of(v).filter(|u| matches!(*u, "cm" | "in")) else {
            continue;
        };
        match first_unit {
            None => first_unit = Some((d, unit)),
            Some((fd, fu)) if fu != unit => sink.push(
                "X13_dimension_units",
                Severity::Error,
                d,
                v,
                format!(
                    "`{}` is in {unit} but `{}` is in {fu}; all dimensions must share one unit.",
                    d.name(),
                    fd.name()
                ),
                fix(format!("Convert it to {fu}.")),
            ),
            Some(_) => {}
        }
    }
    // X15: custom option pairs.
    let pairs = [
        (C::CustomVariantOptionName1, C::CustomVariantOptionValue1),
        (C::CustomVariantOptionName2, C::CustomVariantOptionValue2),
        (C::CustomVariantOptionName3, C::CustomVariantOptionValue3),
    ];
    for (name, value) in pairs {
        let (n, v) = (c.get(name), c.get(value));
        if n.is_empty() != v.is_empty() {
            let (missing, present) = if n.is_empty() {
                (name, value)
            } else {
                (value, name)
            };
            sink.push(
                "X15_custom_option_pair",
                Severity::Error,
                missing,
                "",
                format!(
                    "`{}` is filled but `{}` is empty; they come in pairs.",
                    present.name(),
                    missing.name()
                ),
                fix(format!(
                    "Fill in `{}` or clear `{}`.",
                    missing.name(),
                    present.name()
                )),
            );
        }
    }
    // Brand: required except for movies, books and music.
    let category = {
        let g = c.get(C::GoogleProductCategory);
        if g.is_empty() {
            c.get(C::ProductCategory)
        } else {
            g
        }
    };
    if c.has(C::Brand) && c.get(C::Brand).is_empty() {
        let media = [
            "Media", "Book", "Music", "Movie", "783", "784", "855", "839",
        ]
        .iter()
        .any(|m| contains_short(category, m));
        if !media {
            sink.push(
                "brand",
                Severity::Warning,
                C::Brand,
                "",
                "`brand` is required except for movies, books and music recordings.".to_owned(),
                fix("Fill in the brand (your shop name for own-brand goods)."),
            );
        }
    }
    // Recommended apparel attributes.
    if ["Apparel", "Clothing", "Shoes", "166", "1604", "212"]
        .iter()
        .any(|m| contains_short(category, m))
    {
        for a in [C::Color, C::Size, C::Gender] {
            if c.has(a) && c.get(a).is_empty() {
                sink.push(
                    "recommended_empty",
                    Severity::Warning,
                    a,
                    "",
                    format!(
                        "`{}` is recommended for apparel and this row leaves it empty.",
                        a.name()
                    ),
                    fix(format!("Fill in the {}.", a.name())),
                );
            }
        }
    }
}

pub(super) fn promotion_rules(c: Cells<'_, '_>, sink: &mut Sink<'_>) {
    use ColumnId as C;
    let benefit = c.get(C::BenefitType);
    for (ty, col) in [("percent_off", C::PercentOff), ("amount_off", C::AmountOff)] {
        let v = c.get(col);
        if benefit == ty && v.is_empty() {
            sink.push(
                "promotion_benefit",
                Severity::Error,
                col,
                "",
                format!(
                    "`{}` is required when `benefit_type` is `{ty}`.",
                    col.name()
                ),
                fix(format!("Fill in `{}`.", col.name())),
            );
        } else if benefit != ty && !benefit.is_empty() && !v.is_empty() {
            sink.push(
                "promotion_benefit",
                Severity::Warning,
                col,
                v,
                format!(
                    "`{}` is filled but `benefit_type` is `{benefit}`, so it is ignored.",
                    col.name()
                ),
                replace("Clear it.", ""),
            );
        }
    }
    let targets = [
        C::TargetIds,
        C::TargetItemGroupIds,
        C::ExcludedIds,
        C::ExcludedItemGroupIds,
    ];
    match c.get(C::TargetSelection) {
        "all_products" => {
            for t in targets {
                if !c.get(t).is_empty() {
                    sink.push(
                        "promotion_targets",
                        Severity::Error,
                        t,
                        c.get(t),
                        format!(
                            "`{}` must be empty when `target_selection` is `all_products`.",
                            t.name()
                        ),
                        fix("Clear it, or set `target_selection` to `specific_products`."),
                    );
                }
            }
        }
        "specific_products" if targets.iter().all(|t| c.get(*t).is_empty()) => sink.push(
            "promotion_targets",
            Severity::Error,
            C::TargetIds,
            "",
            "`target_selection` is `specific_products` but no target or excluded ids are given."
                .to_owned(),
            fix("List the product ids or item group ids the promotion applies to."),
        ),
        _ => {}
    }
    if c.get(C::PromotionCode).is_empty() {
        let why = if c.get(C::ApplicationType) == "promotion_code" {
            Some("`application_type` is `promotion_code`")
        } else if benefit == "free_shipping" {
            Some("every free-shipping promotion needs a code")
        } else {
            None
        };
        if let Some(why) = why {
            sink.push(
                "promotion_code_required",
                Severity::Error,
                C::PromotionCode,
                "",
                format!("`promotion_code` is required: {why}."),
                fix("Fill in a code of letters, digits, `-` and `_` (at most 20)."),
            );
        }
    }
}
