//! One batch over many machines: which part of a batch a machine solves (`--shard K/N`, or
//! `--shard auto` from the batch engine running it), and the fingerprints of the inputs that let
//! `rebook merge` tell whether the parts belong together (issue 13; docs/CLUSTER.md).
//!
//! A [`Shard`] is counted from 0, like the task ids of a Slurm job array (`--array=0-3`) and the
//! completion indexes of a Kubernetes Indexed Job: `0/4` … `3/4` are the four parts of a batch.
//! [`partition`] splits a batch by file, deterministically and whatever `--jobs` is: the files are
//! taken most expensive first (the estimate that orders a batch's work, [`estimated_cost`]; ties
//! by file name, then by position) and each goes to the part with the least estimated work so
//! far (fewest files, then lowest index, on a tie): longest-processing-time first. A file's runs
//! with every strategy stay together. This module uses nothing else of the batch room.

use crate::strategy::Strategy;
use std::fmt;
use std::path::{Path, PathBuf};

/// Part `index` of `count` parts of a batch (`index` from 0 to `count − 1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which part, from 0.
    pub index: usize,
    /// How many parts the batch is split into (at least 1).
    pub count: usize,
}

impl fmt::Display for Shard {
    /// `K/N`, as `--shard` takes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Checks `index < count` and `count ≥ 1`, saying what is wrong otherwise.
    pub fn new(index: usize, count: usize) -> Result<Shard, String> {
        if count == 0 {
            return Err("a batch is split into at least 1 shard".into());
        }
        if index >= count {
            let hint = if index == count {
                format!(
                    " (shards count from 0, like Slurm array task ids: the last of {count} is {}/{count})",
                    count - 1
                )
            } else {
                String::new()
            };
            return Err(format!(
                "shard {index}/{count}: the index must be 0 to {}{hint}",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }
}

/// What `--shard` takes: a part named on the command line, or `auto` (the batch engine's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardSpec {
    /// `K/N`.
    Fixed(Shard),
    /// `auto`: read from the environment ([`from_env`]).
    Auto,
}

impl std::str::FromStr for ShardSpec {
    type Err = String;

    /// `auto`, or `K/N` with `K` from 0 to `N − 1`.
    fn from_str(s: &str) -> Result<ShardSpec, String> {
        let s = s.trim();
        if s == "auto" {
            return Ok(ShardSpec::Auto);
        }
        let bad = || format!("'{s}' is not a shard: give K/N (K from 0 to N-1, e.g. 0/4) or auto");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        Shard::new(k, n).map(ShardSpec::Fixed)
    }
}

/// Slurm job arrays: the task's id.
pub const SLURM_TASK_ID: &str = "SLURM_ARRAY_TASK_ID";
/// Slurm job arrays: how many tasks the array has.
pub const SLURM_TASK_COUNT: &str = "SLURM_ARRAY_TASK_COUNT";
/// Slurm job arrays: the lowest task id (an array `--array=1-4` starts at 1).
pub const SLURM_TASK_MIN: &str = "SLURM_ARRAY_TASK_MIN";
/// Slurm job arrays: the highest task id.
pub const SLURM_TASK_MAX: &str = "SLURM_ARRAY_TASK_MAX";
/// Slurm job arrays: the step between task ids (`--array=0-6:2` has step 2).
pub const SLURM_TASK_STEP: &str = "SLURM_ARRAY_TASK_STEP";
/// Kubernetes Indexed Jobs: the pod's completion index, from 0.
pub const K8S_INDEX: &str = "JOB_COMPLETION_INDEX";
/// The number of shards when the engine does not say it (Kubernetes), like `--shard-count`.
pub const COUNT_VARIABLE: &str = "REBOOK_SHARD_COUNT";

fn number(get: &impl Fn(&str) -> Option<String>, name: &str) -> Result<Option<usize>, String> {
    match get(name) {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) => v
            .trim()
            .parse::<usize>()
            .map(Some)
            .map_err(|_| format!("{name}='{v}' is not a whole number")),
    }
}

/// The shard `--shard auto` means, from the variables `get` returns (the process environment in
/// the CLI) and `count` (`--shard-count`):
/// - a Slurm job array: [`SLURM_TASK_ID`] counted from [`SLURM_TASK_MIN`] (so `--array=1-4`
///   works too), of [`SLURM_TASK_COUNT`] tasks; the array must be contiguous (no step, no list);
/// - a Kubernetes Indexed Job: [`K8S_INDEX`] of `count`, or of [`COUNT_VARIABLE`] when `count`
///   is not given (the Job's `completions`).
///
/// A count given beside Slurm's must agree with it. Errors say what is missing or inconsistent.
pub fn from_env(get: impl Fn(&str) -> Option<String>, count: Option<usize>) -> Result<Shard, String> {
    let slurm = number(&get, SLURM_TASK_ID)?;
    let k8s = number(&get, K8S_INDEX)?;
    let variable = number(&get, COUNT_VARIABLE)?;
    if let (Some(option), Some(var)) = (count, variable) {
        if option != var {
            return Err(format!(
                "--shard-count {option} disagrees with {COUNT_VARIABLE}={var}: give one, or the same"
            ));
        }
    }
    let given = count.or(variable);
    match (slurm, k8s) {
        (Some(_), Some(_)) => Err(format!(
            "--shard auto: both {SLURM_TASK_ID} (Slurm) and {K8S_INDEX} (Kubernetes) are set, so the shard is \
             ambiguous: give --shard K/N"
        )),
        (Some(id), None) => {
            let tasks = number(&get, SLURM_TASK_COUNT)?.ok_or_else(|| {
                format!(
                    "--shard auto: {SLURM_TASK_ID} is set but {SLURM_TASK_COUNT} is not (Slurm sets both in a job \
                     array since version 18.08): give --shard {id}/N"
                )
            })?;
            let step = number(&get, SLURM_TASK_STEP)?.unwrap_or(1);
            if step != 1 {
                return Err(format!(
                    "--shard auto: the job array has a step of {step} ({SLURM_TASK_STEP}); submit a contiguous \
                     array, --array=0-{}",
                    tasks.saturating_sub(1)
                ));
            }
            let min = number(&get, SLURM_TASK_MIN)?.unwrap_or(0);
            if let Some(max) = number(&get, SLURM_TASK_MAX)? {
                if max < min || max - min + 1 != tasks {
                    return Err(format!(
                        "--shard auto: the job array is not contiguous: task ids {min} to {max} but {tasks} tasks \
                         ({SLURM_TASK_COUNT}); submit --array=0-{}",
                        tasks.saturating_sub(1)
                    ));
                }
            }
            if id < min {
                return Err(format!(
                    "--shard auto: {SLURM_TASK_ID}={id} is below {SLURM_TASK_MIN}={min}"
                ));
            }
            if let Some(n) = given {
                if n != tasks {
                    return Err(format!(
                        "--shard auto: the shard count {n} (--shard-count or {COUNT_VARIABLE}) disagrees with the \
                         job array's {tasks} tasks ({SLURM_TASK_COUNT})"
                    ));
                }
            }
            Shard::new(id - min, tasks).map_err(|e| format!("--shard auto: {e}"))
        }
        (None, Some(index)) => {
            let n = given.ok_or_else(|| {
                format!(
                    "--shard auto: {K8S_INDEX}={index} (a Kubernetes Indexed Job) does not say how many shards there \
                     are: give --shard-count N or set {COUNT_VARIABLE} (the Job's completions)"
                )
            })?;
            Shard::new(index, n).map_err(|e| format!("--shard auto: {e} ({K8S_INDEX}={index})"))
        }
        (None, None) => Err(format!(
            "--shard auto: no shard index in the environment: run it as a task of a Slurm job array \
             ({SLURM_TASK_ID}) or a pod of a Kubernetes Indexed Job ({K8S_INDEX}), or give --shard K/N"
        )),
    }
}

/// The estimated cost of solving `path` with `strategies`: its size in bytes times the sum of
/// their [`Strategy::cost_hint`]s (0 when the file cannot be read: it will only be reported). The
/// estimate that orders a batch's work (longest first) and balances its shards.
pub fn estimated_cost(path: &Path, strategies: &[&dyn Strategy]) -> u64 {
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    let hint = strategies.iter().map(|s| s.cost_hint()).fold(0u64, u64::saturating_add);
    size.saturating_mul(hint)
}

/// The part (0 to `count − 1`) of each file, from the files' estimated `costs` and `names`
/// (ties in cost go by name, then by position): longest-processing-time first, each file to the
/// part with the least cost so far (then the fewest files, then the lowest index). Depends on
/// nothing but its arguments, so every machine computes the same split.
pub fn partition(costs: &[u64], names: &[String], count: usize) -> Vec<usize> {
    assert_eq!(costs.len(), names.len(), "one name per cost");
    let count = count.max(1);
    let mut order: Vec<usize> = (0..costs.len()).collect();
    order.sort_by(|&a, &b| {
        costs[b]
            .cmp(&costs[a])
            .then_with(|| names[a].cmp(&names[b]))
            .then(a.cmp(&b))
    });
    let mut load = vec![(0u128, 0usize); count];
    let mut part = vec![0; costs.len()];
    for i in order {
        let k = (0..count).min_by_key(|&k| (load[k], k)).unwrap_or(0);
        part[i] = k;
        load[k].0 += u128::from(costs[i]);
        load[k].1 += 1;
    }
    part
}

/// The positions (in batch order) of the files of `shard`, the batch's files being `files`
/// solved with `strategies`.
pub fn select(files: &[PathBuf], strategies: &[&dyn Strategy], shard: Shard) -> Vec<usize> {
    let costs: Vec<u64> = files.iter().map(|f| estimated_cost(f, strategies)).collect();
    let names: Vec<String> = files
        .iter()
        .map(|f| {
            f.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    partition(&costs, &names, shard.count)
        .into_iter()
        .enumerate()
        .filter(|&(_, k)| k == shard.index)
        .map(|(i, _)| i)
        .collect()
}

/// The SHA-256 digest of the file at `path`, in lower-case hex (as `sha256sum` prints it), or
/// `None` when it cannot be read.
pub fn file_sha256(path: &Path) -> Option<String> {
    std::fs::read(path).ok().map(|b| sha256_hex(&b))
}

/// The SHA-256 digest (FIPS 180-4) of `data`, in lower-case hex.
pub fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
        0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
        0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
        0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
        0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
        0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
        0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];
    let mut message = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bits.to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn sha256_known_answers() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        // A million 'a': many blocks, and a length past one block boundary.
        assert_eq!(
            sha256_hex(&vec![b'a'; 1_000_000]),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn shards_parse_from_zero() {
        assert_eq!("0/4".parse(), Ok(ShardSpec::Fixed(Shard { index: 0, count: 4 })));
        assert_eq!(" 3/4 ".parse(), Ok(ShardSpec::Fixed(Shard { index: 3, count: 4 })));
        assert_eq!("auto".parse(), Ok(ShardSpec::Auto));
        let err = "4/4".parse::<ShardSpec>().unwrap_err();
        assert!(err.contains("count from 0") && err.contains("3/4"), "{err}");
        for bad in ["0/0", "1", "a/b", "-1/4", "1/4/5", ""] {
            assert!(bad.parse::<ShardSpec>().is_err(), "{bad}");
        }
        assert_eq!(Shard { index: 2, count: 5 }.to_string(), "2/5");
    }

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn auto_reads_slurm_arrays() {
        let slurm = |id: &str| {
            env(&[
                (SLURM_TASK_ID, id),
                (SLURM_TASK_COUNT, "4"),
                (SLURM_TASK_MIN, "0"),
                (SLURM_TASK_MAX, "3"),
                (SLURM_TASK_STEP, "1"),
            ])
        };
        assert_eq!(from_env(slurm("2"), None), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(from_env(slurm("0"), Some(4)), Ok(Shard { index: 0, count: 4 }));
        let err = from_env(slurm("0"), Some(3)).unwrap_err();
        assert!(err.contains("disagrees") && err.contains('4'), "{err}");
        // --array=1-4: counted from the lowest id.
        let one_based = env(&[
            (SLURM_TASK_ID, "4"),
            (SLURM_TASK_COUNT, "4"),
            (SLURM_TASK_MIN, "1"),
            (SLURM_TASK_MAX, "4"),
        ]);
        assert_eq!(from_env(one_based, None), Ok(Shard { index: 3, count: 4 }));
        let stepped = env(&[
            (SLURM_TASK_ID, "2"),
            (SLURM_TASK_COUNT, "2"),
            (SLURM_TASK_MIN, "0"),
            (SLURM_TASK_MAX, "2"),
            (SLURM_TASK_STEP, "2"),
        ]);
        assert!(from_env(stepped, None).unwrap_err().contains("step of 2"));
        let listed = env(&[
            (SLURM_TASK_ID, "5"),
            (SLURM_TASK_COUNT, "3"),
            (SLURM_TASK_MIN, "1"),
            (SLURM_TASK_MAX, "5"),
        ]);
        assert!(from_env(listed, None).unwrap_err().contains("not contiguous"));
        let no_count = env(&[(SLURM_TASK_ID, "1")]);
        assert!(from_env(no_count, None).unwrap_err().contains(SLURM_TASK_COUNT));
        let garbage = env(&[(SLURM_TASK_ID, "x"), (SLURM_TASK_COUNT, "4")]);
        assert!(from_env(garbage, None).unwrap_err().contains("not a whole number"));
    }

    #[test]
    fn auto_reads_kubernetes_indexed_jobs() {
        let pod = env(&[(K8S_INDEX, "1")]);
        assert_eq!(from_env(&pod, Some(3)), Ok(Shard { index: 1, count: 3 }));
        assert!(from_env(&pod, None).unwrap_err().contains(COUNT_VARIABLE));
        let with_var = env(&[(K8S_INDEX, "2"), (COUNT_VARIABLE, "3")]);
        assert_eq!(from_env(&with_var, None), Ok(Shard { index: 2, count: 3 }));
        assert!(from_env(&with_var, Some(4)).unwrap_err().contains("disagrees"));
        let past = env(&[(K8S_INDEX, "3"), (COUNT_VARIABLE, "3")]);
        assert!(from_env(past, None).unwrap_err().contains("0 to 2"));
        let both = env(&[(K8S_INDEX, "0"), (SLURM_TASK_ID, "0"), (SLURM_TASK_COUNT, "2")]);
        assert!(from_env(both, None).unwrap_err().contains("ambiguous"));
        let none = env(&[]);
        let err = from_env(none, Some(2)).unwrap_err();
        assert!(err.contains(SLURM_TASK_ID) && err.contains(K8S_INDEX), "{err}");
    }

    #[test]
    fn partition_is_longest_first_to_the_lightest() {
        let names: Vec<String> = ["a", "b", "c", "d", "e"].iter().map(|s| s.to_string()).collect();
        // By hand: 9 → part 0 (9), 7 → 1 (7), 5 → 1 (12), 4 → 0 (13), 3 → 1 (15).
        assert_eq!(partition(&[5, 9, 3, 7, 4], &names, 2), vec![1, 0, 1, 1, 0]);
        // Equal costs go by name, and spread by the number of files.
        assert_eq!(partition(&[0, 0, 0, 0, 0], &names, 2), vec![0, 1, 0, 1, 0]);
        assert_eq!(partition(&[1, 1, 1], &names[..3], 5), vec![0, 1, 2]);
        assert_eq!(partition(&[1, 2, 3], &names[..3], 1), vec![0, 0, 0]);
        assert!(partition(&[], &[], 3).is_empty());
    }
}
