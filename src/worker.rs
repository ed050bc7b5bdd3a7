//! The tokio side of the app: `Command`s in, `Event`s out.
