//! Stores, reads and deletes a key through the real OS credential store (Secret Service on
//! Linux). Ignored by default because it needs a running, unlocked keyring; `.ci/run` starts
//! D-Bus and gnome-keyring in a throwaway home and runs it with `--ignored`.

use seller_console::secrets::{OsKeyring, SecretStore};

#[test]
#[ignore = "needs a running Secret Service; .ci/run provides one"]
fn a_key_round_trips_through_the_os_keyring() {
    let store = OsKeyring::probe().expect("the Secret Service should be reachable in CI");
    let id = format!("ci-test-{}", std::process::id());
    let key = "sk_test_51Hkeyringroundtrip4242";
    store.set(&id, key).expect("store the key");
    assert_eq!(store.get(&id).expect("read the key").as_deref(), Some(key));
    // A second store object (as after a restart) sees the same secret.
    let again = OsKeyring::probe().expect("probe again");
    assert_eq!(again.get(&id).expect("read again").as_deref(), Some(key));
    store.delete(&id).expect("delete the key");
    assert_eq!(store.get(&id).expect("read after delete"), None);
    store.delete(&id).expect("deleting twice is fine");
}
