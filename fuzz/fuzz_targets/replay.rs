//! Not a fuzz target: runs a target's harness on files and prints how long each took, to find
//! slow inputs. `fuzz/target/release/replay TARGET FILE...`
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((target, files)) = args.split_first() else {
        eprintln!("usage: replay TARGET FILE...");
        std::process::exit(2);
    };
    let instances = rebook::fuzz::schedule_instances();
    for f in files {
        let data = std::fs::read(f).unwrap_or_else(|e| panic!("{f}: {e}"));
        let started = Instant::now();
        match target.as_str() {
            "instance_json" => rebook::fuzz::instance_json(&data),
            "schedule_json" => rebook::fuzz::schedule_json(&instances, &data),
            "csv_folder" => rebook::fuzz::csv_folder(&data),
            "ihtc_instance" => rebook::fuzz::ihtc_instance(&data),
            other => panic!("unknown target {other}"),
        }
        println!("{:10.3} ms  {f}", started.elapsed().as_secs_f64() * 1000.0);
    }
}
