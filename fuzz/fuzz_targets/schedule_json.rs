//! Fuzz target `schedule_json`: see rebook::fuzz::schedule_json and docs/FUZZING.md.
fn main() {
    // Loaded once, before the fuzzing loop: the fixture instances schedules are checked against.
    let instances = rebook::fuzz::schedule_instances();
    afl::fuzz!(|data: &[u8]| {
        rebook::fuzz::schedule_json(&instances, data);
    });
}
