//! Fuzz target `csv_folder`: see rebook::fuzz::csv_folder and docs/FUZZING.md.
fn main() {
    afl::fuzz!(|data: &[u8]| {
        rebook::fuzz::csv_folder(data);
    });
}
