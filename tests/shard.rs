//! Shards (`--shard K/N`, `--shard auto`) and `rebook merge` (issue 13): the split is
//! deterministic, balanced and independent of `--jobs`; merging 1, 2 or 3 shards gives what one
//! machine writes (byte for byte but the seconds); merge refuses missing, overlapping and foreign
//! shards with exit code 2 and names them; a shard solved again merges.

mod common;
mod same_output;

use rebook::batch::shard;
use rebook::cli::{BAD_INPUT, FAILED, OK};
use same_output::assert_same_outputs;
use std::path::{Path, PathBuf};

fn code(c: u8) -> i32 {
    i32::from(c)
}

/// The binary, with no batch engine's variables from the environment the tests run in.
fn rebook() -> assert_cmd::Command {
    let mut cmd = common::rebook();
    for var in [
        shard::SLURM_TASK_ID,
        shard::SLURM_TASK_COUNT,
        shard::SLURM_TASK_MIN,
        shard::SLURM_TASK_MAX,
        shard::SLURM_TASK_STEP,
        shard::K8S_INDEX,
        shard::COUNT_VARIABLE,
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// A batch of eight files: the four Kent trusts, two fixtures, a second copy of Medway (the same
/// trust id, so one machine names its plan `RPA-2`) and `extra` files (name, text).
fn batch_dir(extra: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let kent = common::root().join("instances/kent-2016-04");
    for f in std::fs::read_dir(&kent).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.path().join(f.file_name().unwrap())).unwrap();
    }
    std::fs::copy(kent.join("medway-RPA.json"), dir.path().join("zz-medway-again.json")).unwrap();
    for f in ["pooled", "shift-chain"] {
        std::fs::copy(
            common::root().join("tests/fixtures").join(f).join("instance.json"),
            dir.path().join(format!("fixture-{f}.json")),
        )
        .unwrap();
    }
    for (name, text) in extra {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// `rebook <command> <batch> <args> [--shard <shard>] --out <out>`, quiet, one job unless `args`
/// says otherwise; returns the exit code.
fn solve(command: &str, batch: &Path, args: &[&str], shard: Option<&str>, out: &Path) -> i32 {
    let mut cmd = rebook();
    cmd.arg(command).arg(batch).args(args).arg("--quiet");
    if !args.contains(&"--jobs") {
        cmd.args(["--jobs", "1"]);
    }
    if let Some(s) = shard {
        cmd.args(["--shard", s]);
    }
    let out = cmd.arg("--out").arg(out).output().unwrap();
    out.status.code().unwrap_or(-1)
}

/// `rebook merge <dirs> --out <out>`: exit code and stderr.
fn merge(dirs: &[PathBuf], out: &Path) -> (i32, String) {
    let output = rebook().arg("merge").args(dirs).arg("--out").arg(out).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap()
}

/// The positions of a shard's files, from its summary.json.
fn shard_files(dir: &Path) -> Vec<usize> {
    summary(dir)["shard"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect()
}

/// Solves every shard of `count` into `root/shard-K`; returns their directories.
fn shards(command: &str, batch: &Path, args: &[&str], count: usize, root: &Path) -> Vec<PathBuf> {
    (0..count)
        .map(|k| {
            let dir = root.join(format!("shard-{k}"));
            let c = solve(command, batch, args, Some(&format!("{k}/{count}")), &dir);
            assert!(c == code(OK), "shard {k}/{count} of {command} exited {c}");
            dir
        })
        .collect()
}

#[test]
fn the_split_is_deterministic_balanced_and_whatever_jobs() {
    let batch = batch_dir(&[]);
    let root = tempfile::tempdir().unwrap();
    let files = rebook::io::instance_paths(&[batch.path().to_path_buf()]).unwrap();
    let sizes: Vec<u64> = files.iter().map(|f| std::fs::metadata(f).unwrap().len()).collect();
    for count in [2, 3] {
        let mut seen = vec![0; files.len()];
        let mut loads = Vec::new();
        for k in 0..count {
            let shard = format!("{k}/{count}");
            let one = root.path().join(format!("{count}-{k}-jobs1"));
            let two = root.path().join(format!("{count}-{k}-jobs2"));
            assert_eq!(
                solve("solve", batch.path(), &["--strategy", "fifo"], Some(&shard), &one),
                0
            );
            assert_eq!(
                solve(
                    "solve",
                    batch.path(),
                    &["--strategy", "fifo", "--jobs", "2"],
                    Some(&shard),
                    &two
                ),
                0
            );
            // The same part, and the same bytes, whatever --jobs.
            for f in ["summary.json", "summary.csv"] {
                assert!(
                    std::fs::read(one.join(f)).unwrap() == std::fs::read(two.join(f)).unwrap(),
                    "{f} of shard {shard} differs between --jobs 1 and --jobs 2"
                );
            }
            let mine = shard_files(&one);
            // The library computes the same part (the cost is size × the strategy's hint).
            let fifo = rebook::strategy::by_name("fifo").unwrap();
            let part = shard::select(&files, &[fifo.as_ref()], shard::Shard { index: k, count });
            assert_eq!(mine, part, "shard {shard}");
            assert_eq!(summary(&one)["trusts"].as_array().unwrap().len(), mine.len());
            for &f in &mine {
                seen[f] += 1;
            }
            loads.push(mine.iter().map(|&f| sizes[f]).sum::<u64>());
        }
        assert!(seen.iter().all(|&n| n == 1), "{count} shards: each file once: {seen:?}");
        // Longest processing time first: no part exceeds the lightest by more than the
        // largest file.
        let (max, min) = (*loads.iter().max().unwrap(), *loads.iter().min().unwrap());
        assert!(
            max - min <= *sizes.iter().max().unwrap(),
            "{count} shards unbalanced: {loads:?} (sizes {sizes:?})"
        );
    }
}

#[test]
fn merging_one_two_or_three_shards_gives_the_one_machine_run() {
    let batch = batch_dir(&[]);
    let root = tempfile::tempdir().unwrap();
    let solve_args = ["--strategy", "priority", "--report"];
    let one = root.path().join("one");
    assert_eq!(solve("solve", batch.path(), &solve_args, None, &one), code(OK));
    assert!(one.join("RPA-2.schedule.json").exists() && one.join("RPA-2.report.html").exists());
    let compare_args = ["--strategies", "fifo,priority"];
    let one_cmp = root.path().join("one-compare");
    assert_eq!(solve("compare", batch.path(), &compare_args, None, &one_cmp), code(OK));
    for count in [1, 2, 3] {
        let dirs = shards(
            "solve",
            batch.path(),
            &solve_args,
            count,
            &root.path().join(format!("solve-{count}")),
        );
        let merged = root.path().join(format!("merged-{count}"));
        let (c, err) = merge(&dirs, &merged);
        assert_eq!(c, code(OK), "{err}");
        assert_same_outputs(&one, &merged);

        let dirs = shards(
            "compare",
            batch.path(),
            &compare_args,
            count,
            &root.path().join(format!("compare-{count}")),
        );
        let merged = root.path().join(format!("merged-compare-{count}"));
        let (c, err) = merge(&dirs, &merged);
        assert_eq!(c, code(OK), "{err}");
        assert_same_outputs(&one_cmp, &merged);
    }
    // The two Medway files went to different shards of 2, so the merge renamed one plan (and its
    // page's source line) as one machine names it.
    let two = root.path().join("solve-2");
    let files = rebook::io::instance_paths(&[batch.path().to_path_buf()]).unwrap();
    let at = |name: &str| files.iter().position(|f| f.ends_with(name)).unwrap();
    let (rpa, again) = (at("medway-RPA.json"), at("zz-medway-again.json"));
    let in_first = shard_files(&two.join("shard-0"));
    assert_ne!(
        in_first.contains(&rpa),
        in_first.contains(&again),
        "the test wants the two Medway files in different shards"
    );
    let page = std::fs::read_to_string(root.path().join("merged-2/RPA-2.report.html")).unwrap();
    assert!(page.contains("zz-medway-again.json and RPA-2.schedule.json"));
}

/// The MIP, whose rows carry bounds and gaps with every digit: the merge writes them unchanged.
#[test]
fn mip_shards_merge_with_their_gaps_and_bounds() {
    let root = tempfile::tempdir().unwrap();
    let batch = root.path().join("in");
    rebook()
        .args(["generate", "--trusts", "5", "--cases", "30", "--seed", "7", "--out"])
        .arg(&batch)
        .assert()
        .success();
    let args = ["--strategy", "mip", "--time-limit", "30"];
    let one = root.path().join("one");
    assert_eq!(solve("solve", &batch, &args, None, &one), code(OK));
    for name in same_output::files_under(&one) {
        if name.to_string_lossy().ends_with(".schedule.json") {
            let plan: serde_json::Value = serde_json::from_slice(&std::fs::read(one.join(&name)).unwrap()).unwrap();
            common::assert_no_time_limit_bound(&plan["solver"], &name.display().to_string());
        }
    }
    let dirs = shards("solve", &batch, &args, 2, root.path());
    let merged = root.path().join("merged");
    let (c, err) = merge(&dirs, &merged);
    assert_eq!(c, code(OK), "{err}");
    assert_same_outputs(&one, &merged);
    assert!(summary(&merged)["total"]["bound"].is_number());
}

/// More shards than files: the empty ones still record that they ran, and merge.
#[test]
fn empty_shards_merge_too() {
    let batch = common::root().join("instances/kent-2016-04");
    let root = tempfile::tempdir().unwrap();
    let one = root.path().join("one");
    assert_eq!(solve("solve", &batch, &["--strategy", "fifo"], None, &one), code(OK));
    let dirs = shards("solve", &batch, &["--strategy", "fifo"], 6, root.path());
    assert!(shard_files(&dirs[5]).is_empty());
    let merged = root.path().join("merged");
    let (c, err) = merge(&dirs, &merged);
    assert_eq!(c, code(OK), "{err}");
    assert_same_outputs(&one, &merged);
}

/// Fails unless the merge of `dirs` exits 2 naming every `needle`, and writes nothing.
fn refused(dirs: &[PathBuf], needles: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("merged");
    let (c, err) = merge(dirs, &target);
    assert_eq!(
        c,
        code(BAD_INPUT),
        "expected a refusal naming {needles:?}; stderr: {err}"
    );
    for n in needles {
        assert!(err.contains(n), "the refusal does not name {n:?}: {err}");
    }
    assert!(!target.exists(), "a refused merge wrote {}", target.display());
}

#[test]
fn merge_refuses_missing_overlapping_and_foreign_shards() {
    let batch = batch_dir(&[]);
    let root = tempfile::tempdir().unwrap();
    let args = ["--strategy", "fifo"];
    let dirs = shards("solve", batch.path(), &args, 3, root.path());
    let d = |i: usize| dirs[i].display().to_string();

    // Missing: shard 1 of 3, with the command that solves it.
    refused(
        &[dirs[0].clone(), dirs[2].clone()],
        &["shard 1/3 is missing", "--strategy fifo", "--shard 1/3"],
    );
    // Overlap: the same shard twice, once through another directory.
    let copy = root.path().join("copy-of-1");
    std::fs::create_dir(&copy).unwrap();
    for f in same_output::files_under(&dirs[1]) {
        std::fs::copy(dirs[1].join(&f), copy.join(&f)).unwrap();
    }
    refused(
        &[dirs[0].clone(), dirs[1].clone(), copy.clone(), dirs[2].clone()],
        &["shards overlap", &d(1), &copy.display().to_string(), "shard 1/3"],
    );
    refused(
        &[dirs[0].clone(), dirs[1].clone(), dirs[1].clone(), dirs[2].clone()],
        &["shards overlap", "given twice"],
    );
    // Different options: shard 1 solved with another seed, or another strategy.
    let seed = root.path().join("seed");
    assert_eq!(
        solve(
            "solve",
            batch.path(),
            &["--strategy", "fifo", "--seed", "7"],
            Some("1/3"),
            &seed
        ),
        0
    );
    refused(
        &[dirs[0].clone(), seed.clone(), dirs[2].clone()],
        &[
            "different options",
            "--seed 7",
            "--seed 2016",
            &seed.display().to_string(),
        ],
    );
    let other = root.path().join("priority");
    assert_eq!(
        solve("solve", batch.path(), &["--strategy", "priority"], Some("1/3"), &other),
        0
    );
    refused(
        &[dirs[0].clone(), other, dirs[2].clone()],
        &["different options", "--strategy priority", "--strategy fifo"],
    );
    // A different count.
    let of_two = root.path().join("of-two");
    assert_eq!(solve("solve", batch.path(), &args, Some("1/2"), &of_two), 0);
    refused(
        &[dirs[0].clone(), of_two, dirs[2].clone()],
        &["different shard counts", "1/2"],
    );
    // Different inputs: an instance edited between shards (same path, one byte more).
    let medway = batch.path().join("medway-RPA.json");
    let original = std::fs::read_to_string(&medway).unwrap();
    std::fs::write(&medway, format!("{original}\n")).unwrap();
    let changed = root.path().join("changed");
    let c = solve("solve", batch.path(), &args, Some("1/3"), &changed);
    std::fs::write(&medway, original).unwrap();
    assert_eq!(c, 0);
    refused(
        &[dirs[0].clone(), changed.clone(), dirs[2].clone()],
        &[
            "different inputs",
            "medway-RPA.json",
            "sha256",
            &changed.display().to_string(),
        ],
    );
    // Another batch (a file more).
    let bigger = batch_dir(&[("extra.json", common::unplannable().to_string())]);
    let foreign = root.path().join("foreign");
    solve("solve", bigger.path(), &args, Some("1/3"), &foreign);
    refused(
        &[dirs[0].clone(), foreign, dirs[2].clone()],
        &["different inputs", "extra.json"],
    );
    // Not a shard at all.
    let whole = root.path().join("whole");
    assert_eq!(solve("solve", batch.path(), &args, None, &whole), 0);
    refused(
        std::slice::from_ref(&whole),
        &["not a shard", &whole.display().to_string()],
    );
    // A comparison's shard with a solve's.
    let cmp = root.path().join("cmp");
    assert_eq!(
        solve("compare", batch.path(), &["--strategies", "fifo"], Some("1/3"), &cmp),
        0
    );
    refused(&[dirs[0].clone(), cmp, dirs[2].clone()], &["different runs", "compare"]);
    // Into one of the shards.
    let (c, err) = merge(&dirs, &dirs[0]);
    assert_eq!(c, code(BAD_INPUT), "{err}");
    assert!(err.contains("output directory is one of the shards"), "{err}");
    // And the right ones still merge.
    let (c, err) = merge(&dirs, &root.path().join("ok"));
    assert_eq!(c, code(OK), "{err}");
}

/// A shard that died (no summary.json, plans half written) is named; solving only that shard
/// again and merging again gives the one-machine run.
#[test]
fn a_shard_that_died_is_named_and_solving_it_again_merges() {
    let batch = batch_dir(&[]);
    let root = tempfile::tempdir().unwrap();
    let args = ["--strategy", "fifo", "--report"];
    let one = root.path().join("one");
    assert_eq!(solve("solve", batch.path(), &args, None, &one), code(OK));
    let dirs = shards("solve", batch.path(), &args, 3, root.path());
    // Shard 2 dies before its summary; shard 0's node lost its disk.
    std::fs::remove_file(dirs[2].join("summary.json")).unwrap();
    refused(
        &dirs,
        &[
            &format!("{}: no summary.json: this shard did not finish", dirs[2].display()),
            "shard(s) 2/3",
        ],
    );
    std::fs::remove_dir_all(&dirs[0]).unwrap();
    refused(&dirs, &["no such directory", "shard(s) 0/3, 2/3"]);
    // A plan lost after the summary was written: named, with its shard.
    assert_eq!(solve("solve", batch.path(), &args, Some("0/3"), &dirs[0]), code(OK));
    assert_eq!(solve("solve", batch.path(), &args, Some("2/3"), &dirs[2]), code(OK));
    let plan = same_output::files_under(&dirs[1])
        .into_iter()
        .find(|f| f.to_string_lossy().ends_with(".assignments.csv"))
        .unwrap();
    std::fs::remove_file(dirs[1].join(&plan)).unwrap();
    refused(
        &dirs,
        &["shard 1/3", &plan.display().to_string(), "solve this shard again"],
    );
    // An attempt that cannot write its summary leaves no summary.json: not the earlier attempt's.
    assert!(dirs[1].join("summary.json").exists());
    std::fs::remove_file(dirs[1].join("summary.csv")).unwrap();
    std::fs::create_dir(dirs[1].join("summary.csv")).unwrap();
    assert_eq!(solve("solve", batch.path(), &args, Some("1/3"), &dirs[1]), code(FAILED));
    refused(&dirs, &[&format!("{}: no summary.json", dirs[1].display())]);
    std::fs::remove_dir(dirs[1].join("summary.csv")).unwrap();
    assert_eq!(solve("solve", batch.path(), &args, Some("1/3"), &dirs[1]), code(OK));
    let merged = root.path().join("merged");
    let (c, err) = merge(&dirs, &merged);
    assert_eq!(c, code(OK), "{err}");
    assert_same_outputs(&one, &merged);
}

/// A trust no strategy can plan fails on one machine (exit 1); its shard fails the same way, and
/// the merge names that shard, exits 1 and still writes what one machine writes.
#[test]
fn a_failed_trust_is_named_with_its_shard() {
    let batch = batch_dir(&[("two.json", common::unplannable().to_string())]);
    let root = tempfile::tempdir().unwrap();
    let args = ["--strategy", "priority"];
    let one = root.path().join("one");
    assert_eq!(solve("solve", batch.path(), &args, None, &one), code(FAILED));
    let dirs: Vec<PathBuf> = (0..2)
        .map(|k| {
            let dir = root.path().join(format!("shard-{k}"));
            solve("solve", batch.path(), &args, Some(&format!("{k}/2")), &dir);
            dir
        })
        .collect();
    let failing = dirs
        .iter()
        .find(|d| {
            summary(d)["trusts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["status"] == "failed")
        })
        .unwrap();
    let merged = root.path().join("merged");
    let (c, err) = merge(&dirs, &merged);
    assert_eq!(c, code(FAILED), "{err}");
    assert!(err.contains("two.json") && err.contains("trust TWO"), "{err}");
    let index = summary(failing)["shard"]["index"].as_u64().unwrap();
    assert!(
        err.contains(&format!("shard {index}/2 ({}): 1 run(s) failed", failing.display()))
            && err.contains(&format!("--shard {index}/2 --out {}", failing.display())),
        "{err}"
    );
    assert_same_outputs(&one, &merged);
}

#[test]
fn shard_auto_reads_slurm_and_kubernetes() {
    let batch = common::root().join("instances/kent-2016-04");
    let root = tempfile::tempdir().unwrap();
    let fixed = root.path().join("fixed");
    assert_eq!(solve("solve", &batch, &["--strategy", "fifo"], Some("2/3"), &fixed), 0);
    let run_auto = |vars: &[(&str, &str)], extra: &[&str], out: &Path| {
        let mut cmd = rebook();
        cmd.args(["solve", "--strategy", "fifo", "--quiet", "--shard", "auto"])
            .args(extra)
            .arg(&batch)
            .arg("--out")
            .arg(out);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let slurm = root.path().join("slurm");
    let o = run_auto(
        &[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "3"),
        ],
        &[],
        &slurm,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let k8s = root.path().join("k8s");
    let o = run_auto(&[("JOB_COMPLETION_INDEX", "2")], &["--shard-count", "3"], &k8s);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let k8s_var = root.path().join("k8s-var");
    let o = run_auto(
        &[("JOB_COMPLETION_INDEX", "2"), ("REBOOK_SHARD_COUNT", "3")],
        &[],
        &k8s_var,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for dir in [&slurm, &k8s, &k8s_var] {
        assert!(
            std::fs::read(dir.join("summary.json")).unwrap() == std::fs::read(fixed.join("summary.json")).unwrap(),
            "{} is not shard 2/3",
            dir.display()
        );
    }
    // Missing or inconsistent: exit 2, saying what, and no output directory.
    for (vars, extra, needle) in [
        (vec![], vec![], "no shard index in the environment"),
        (vec![("JOB_COMPLETION_INDEX", "1")], vec![], "REBOOK_SHARD_COUNT"),
        (
            vec![("SLURM_ARRAY_TASK_ID", "1"), ("SLURM_ARRAY_TASK_COUNT", "4")],
            vec!["--shard-count", "3"],
            "disagrees",
        ),
        (vec![("SLURM_ARRAY_TASK_ID", "1")], vec![], "SLURM_ARRAY_TASK_COUNT"),
    ] {
        let out = root.path().join("never");
        let o = run_auto(&vars, &extra, &out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(code(BAD_INPUT)), "{needle}: {err}");
        assert!(err.contains(needle), "{needle}: {err}");
        assert!(!out.exists());
    }
    // A fixed shard out of range is a usage error.
    let o = rebook().args(["solve", "--shard", "3/3"]).arg(&batch).output().unwrap();
    assert_eq!(o.status.code(), Some(code(BAD_INPUT)));
    assert!(String::from_utf8_lossy(&o.stderr).contains("count from 0"));
}
