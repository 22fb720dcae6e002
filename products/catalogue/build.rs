//! `sqlx::migrate!` embeds `migrations/` when the crate is compiled: a new
//! migration file must rebuild the crate, which cargo does not know alone.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
