//! Object ids in Stripe's shapes (`pi_…`, `cs_test_a1…`, `impset_test_61…`, `req_…`).

use rand::Rng;
use rand::rngs::StdRng;

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `len` random base-62 characters.
pub(crate) fn token(rng: &mut StdRng, len: usize) -> String {
    (0..len)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// A classic v1 id: `prefix_` followed by 24 characters (`pi_3Mr…`, `ch_…`, `re_…`, `file_…`).
pub(crate) fn v1(rng: &mut StdRng, prefix: &str) -> String {
    format!("{prefix}_{}", token(rng, 24))
}

/// A Checkout Session id: `cs_test_a1…` or `cs_live_a1…`, 66 characters after the mode.
pub(crate) fn session(rng: &mut StdRng, live: bool) -> String {
    let mode = if live { "live" } else { "test" };
    format!("cs_{mode}_a1{}", token(rng, 56))
}

/// A newer-style id that carries the mode: `impset_test_61…`, `pcimprt_test_61…`, `orca_61…`.
pub(crate) fn moded(rng: &mut StdRng, prefix: &str, live: bool) -> String {
    if live {
        format!("{prefix}_61{}", token(rng, 26))
    } else {
        format!("{prefix}_test_61{}", token(rng, 26))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn ids_have_stripe_shapes() {
        let mut rng = StdRng::seed_from_u64(1);
        let pi = v1(&mut rng, "pi");
        assert!(pi.starts_with("pi_") && pi.len() == 27);
        assert!(session(&mut rng, false).starts_with("cs_test_a1"));
        assert!(moded(&mut rng, "impset", false).starts_with("impset_test_61"));
        assert!(moded(&mut rng, "orca", true).starts_with("orca_61"));
        assert_ne!(v1(&mut rng, "re"), v1(&mut rng, "re"));
    }
}
