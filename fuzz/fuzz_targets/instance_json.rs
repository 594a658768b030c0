//! Fuzz target `instance_json`: see rebook::fuzz::instance_json and docs/FUZZING.md.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        rebook::fuzz::instance_json(data);
    });
}
