//! Fuzz target `ihtc_instance`: see rebook::fuzz::ihtc_instance and docs/FUZZING.md.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        rebook::fuzz::ihtc_instance(data);
    });
}
