//! A sharded batch on a real Slurm cluster (issue 13, item 4): brings up a single-node cluster
//! (MUNGE and Slurm's own daemons, without systemd, on fresh ports and folders), submits the Kent
//! batch and a generated batch with `scripts/slurm/submit.sh` (a job array of 4 shards, then a
//! merge job that depends on it), and checks that each merged result is what one machine writes,
//! byte for byte but the seconds. The daemons are stopped by the PIDs this test started, also
//! when it fails.
//!
//! Needs root (the daemons switch users) and Debian's `slurmctld slurmd slurm-client munge`,
//! which it installs with `scripts/slurm/install.sh` when they are missing. Without root, or when
//! the packages cannot be installed, it says on the terminal that it skipped, and why.

mod common;
mod same_output;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TEST: &str = "slurm::a_sharded_batch_on_a_real_slurm_cluster_merges_to_the_one_machine_run";

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn is_root() -> bool {
    output_of("id", &["-u"]).as_deref() == Some("0")
}

/// Where a daemon or a client lives (`/usr/sbin` is not on every PATH).
fn program(name: &str) -> Option<PathBuf> {
    for dir in ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"] {
        let p = Path::new(dir).join(name);
        if p.is_file() {
            return Some(p);
        }
    }
    output_of("sh", &["-c", &format!("command -v {name}")]).map(PathBuf::from)
}

const PROGRAMS: [&str; 6] = ["munged", "slurmctld", "slurmd", "sbatch", "sinfo", "squeue"];

/// The Slurm and MUNGE programs, installed by `scripts/slurm/install.sh` when missing.
fn packages() -> Result<(), String> {
    let missing = || PROGRAMS.iter().filter(|p| program(p).is_none()).count();
    if missing() == 0 {
        return Ok(());
    }
    let out = Command::new(common::root().join("scripts/slurm/install.sh"))
        .output()
        .map_err(|e| format!("cannot run scripts/slurm/install.sh: {e}"))?;
    if missing() > 0 {
        return Err(format!(
            "the Slurm and MUNGE packages cannot be installed here (scripts/slurm/install.sh: {})",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    format!(
        "--- {} (last {lines} lines)\n{}",
        path.display(),
        all[all.len().saturating_sub(lines)..].join("\n")
    )
}

/// The processes this test started, stopped (TERM, then KILL after 10 s) by their PIDs in the
/// reverse order when dropped, also when the test fails.
struct Daemons {
    children: Vec<(&'static str, Child)>,
}

impl Drop for Daemons {
    fn drop(&mut self) {
        while let Some((name, mut child)) = self.children.pop() {
            if matches!(child.try_wait(), Ok(Some(_))) {
                continue;
            }
            let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
            let until = Instant::now() + Duration::from_secs(10);
            while Instant::now() < until && matches!(child.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(100));
            }
            if matches!(child.try_wait(), Ok(None)) {
                eprintln!("{name} (pid {}) ignored TERM: killed", child.id());
                let _ = child.kill();
            }
            let _ = child.wait();
        }
    }
}

/// A single-node Slurm cluster of its own: MUNGE on a private socket and key, slurmctld and
/// slurmd on fresh ports, every file in a temporary folder.
struct Cluster {
    // Dropped first: the daemons stop before their folder goes.
    _daemons: Daemons,
    conf: PathBuf,
    root: tempfile::TempDir,
}

impl Cluster {
    fn start() -> Cluster {
        use std::os::unix::fs::{chown, PermissionsExt};
        use std::os::unix::process::CommandExt;
        let root = tempfile::Builder::new().prefix("rebook-slurm-").tempdir().unwrap();
        let dir = root.path().to_path_buf();
        // MUNGE insists that everyone may reach its socket's folder, and that only munge may
        // read its key.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let uid: u32 = output_of("id", &["-u", "munge"])
            .expect("a munge user")
            .parse()
            .unwrap();
        let gid: u32 = output_of("id", &["-g", "munge"])
            .expect("a munge group")
            .parse()
            .unwrap();
        let (keys, run) = (dir.join("munge"), dir.join("munge-run"));
        for (d, mode) in [(&keys, 0o700), (&run, 0o755)] {
            std::fs::create_dir(d).unwrap();
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(mode)).unwrap();
            chown(d, Some(uid), Some(gid)).unwrap();
        }
        let key = keys.join("munge.key");
        let mut bytes = vec![0u8; 1024];
        std::fs::File::open("/dev/urandom")
            .unwrap()
            .read_exact(&mut bytes)
            .unwrap();
        std::fs::write(&key, &bytes).unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o400)).unwrap();
        chown(&key, Some(uid), Some(gid)).unwrap();
        let socket = run.join("munge.socket");
        let log = |name: &str| std::fs::File::create(dir.join(name)).unwrap();

        let mut daemons = Daemons { children: Vec::new() };
        let munged = Command::new(program("munged").unwrap())
            .arg("--foreground")
            .arg(format!("--socket={}", socket.display()))
            .arg(format!("--key-file={}", key.display()))
            .arg(format!("--pid-file={}", run.join("munged.pid").display()))
            .arg(format!("--log-file={}", keys.join("munged.log").display()))
            .arg(format!("--seed-file={}", keys.join("munged.seed").display()))
            .uid(uid)
            .gid(gid)
            .stdin(Stdio::null())
            .stdout(log("munged.out"))
            .stderr(log("munged.out"))
            .spawn()
            .expect("munged starts");
        daemons.children.push(("munged", munged));
        wait_for(
            || socket.exists(),
            Duration::from_secs(15),
            || tail(&dir.join("munged.out"), 20),
            "munged's socket",
        );

        let slurm = dir.join("slurm");
        for d in ["state", "spool", "logs"] {
            std::fs::create_dir_all(slurm.join(d)).unwrap();
        }
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let conf = slurm.join("slurm.conf");
        let s = |p: &str| slurm.join(p).display().to_string();
        std::fs::write(
            &conf,
            format!(
                "ClusterName=rebooktest\n\
                 SlurmctldHost=localhost(127.0.0.1)\n\
                 SlurmUser=root\n\
                 SlurmdUser=root\n\
                 AuthType=auth/munge\n\
                 AuthInfo=socket={socket}\n\
                 CredType=cred/munge\n\
                 ProctrackType=proctrack/linuxproc\n\
                 TaskPlugin=task/none\n\
                 SelectType=select/cons_tres\n\
                 SelectTypeParameters=CR_Core\n\
                 SchedulerType=sched/backfill\n\
                 StateSaveLocation={state}\n\
                 SlurmdSpoolDir={spool}\n\
                 SlurmctldPidFile={ctld_pid}\n\
                 SlurmdPidFile={d_pid}\n\
                 SlurmctldLogFile={ctld_log}\n\
                 SlurmdLogFile={d_log}\n\
                 SlurmctldPort={ctld_port}\n\
                 SlurmdPort={d_port}\n\
                 ReturnToService=2\n\
                 MpiDefault=none\n\
                 JobAcctGatherType=jobacct_gather/none\n\
                 AccountingStorageType=accounting_storage/none\n\
                 NodeName=localhost NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN\n\
                 PartitionName=rebook Nodes=localhost Default=YES MaxTime=INFINITE State=UP\n",
                socket = socket.display(),
                state = s("state"),
                spool = s("spool"),
                ctld_pid = s("slurmctld.pid"),
                d_pid = s("slurmd.pid"),
                ctld_log = s("logs/slurmctld.log"),
                d_log = s("logs/slurmd.log"),
                ctld_port = free_port(),
                d_port = free_port(),
            ),
        )
        .unwrap();
        for (name, args) in [("slurmctld", vec!["-D"]), ("slurmd", vec!["-D", "-N", "localhost"])] {
            let child = Command::new(program(name).unwrap())
                .args(args)
                .env("SLURM_CONF", &conf)
                .stdin(Stdio::null())
                .stdout(log(&format!("{name}.out")))
                .stderr(log(&format!("{name}.out")))
                .spawn()
                .unwrap_or_else(|e| panic!("{name} does not start: {e}"));
            daemons.children.push((name, child));
        }
        let cluster = Cluster {
            _daemons: daemons,
            conf,
            root,
        };
        wait_for(
            || {
                cluster
                    .client("sinfo")
                    .args(["-h", "-o", "%T"])
                    .output()
                    .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "idle")
            },
            Duration::from_secs(60),
            || cluster.diagnosis(),
            "the node to be idle",
        );
        cluster
    }

    /// A Slurm client (or any program) talking to this cluster.
    fn client(&self, program_name: &str) -> Command {
        let mut cmd = Command::new(program(program_name).unwrap_or_else(|| PathBuf::from(program_name)));
        cmd.env("SLURM_CONF", &self.conf);
        cmd
    }

    /// The queue and the ends of the daemons' logs, for a failure's message.
    fn diagnosis(&self) -> String {
        let queue = self
            .client("squeue")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let dir = self.root.path();
        [
            format!("--- squeue\n{queue}"),
            tail(&dir.join("munged.out"), 10),
            tail(&dir.join("slurm/logs/slurmctld.log"), 30),
            tail(&dir.join("slurm/logs/slurmd.log"), 30),
            tail(&dir.join("slurmctld.out"), 10),
            tail(&dir.join("slurmd.out"), 10),
        ]
        .join("\n")
    }
}

impl Drop for Cluster {
    /// Cancels whatever is still queued or running on this cluster (its own jobs: the cluster is
    /// this test's), so no job outlives the daemons.
    fn drop(&mut self) {
        let _ = self.client("scancel").args(["--user", "root"]).status();
        let until = Instant::now() + Duration::from_secs(15);
        while Instant::now() < until {
            let queued = self
                .client("squeue")
                .args(["-h"])
                .output()
                .map(|o| !o.stdout.is_empty());
            if !matches!(queued, Ok(true)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

fn wait_for(mut ready: impl FnMut() -> bool, limit: Duration, why: impl Fn() -> String, what: &str) {
    let until = Instant::now() + limit;
    while !ready() {
        assert!(
            Instant::now() < until,
            "gave up waiting {} s for {what}\n{}",
            limit.as_secs(),
            why()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// A submission running `scripts/slurm/submit.sh --wait`: killed (by its PID) if it outlives the
/// test's patience.
struct Submission {
    name: &'static str,
    child: Child,
    out: PathBuf,
}

impl Submission {
    /// `submit.sh --shards 4 --cpus 1 --wait <options> --out <out> --rebook <this build> --
    /// <rebook_args>`, from the repository.
    fn start(cluster: &Cluster, name: &'static str, options: &[&str], out: &Path, rebook_args: &[&str]) -> Submission {
        let child = cluster
            .client("bash")
            .arg(common::root().join("scripts/slurm/submit.sh"))
            .args(["--shards", "4", "--cpus", "1", "--wait"])
            .args(options)
            .arg("--out")
            .arg(out)
            .arg("--rebook")
            .arg(assert_cmd::cargo::cargo_bin("rebook"))
            .arg("--")
            .args(rebook_args)
            .current_dir(common::root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("submit.sh runs");
        Submission {
            name,
            child,
            out: out.to_path_buf(),
        }
    }

    /// Waits (at most `limit`) and fails, with the logs, unless the merge job succeeded.
    fn wait(mut self, cluster: &Cluster, limit: Duration) {
        let until = Instant::now() + limit;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break Some(status);
            }
            if Instant::now() > until {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(250));
        };
        let mut stderr = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut stderr);
        }
        let logs: Vec<String> = std::fs::read_dir(self.out.join("logs"))
            .map(|d| d.flatten().map(|e| tail(&e.path(), 20)).collect())
            .unwrap_or_default();
        let Some(status) = status else {
            panic!(
                "{}: no merge within {} s\n{stderr}\n{}\n{}",
                self.name,
                limit.as_secs(),
                logs.join("\n"),
                cluster.diagnosis()
            );
        };
        assert!(
            status.success(),
            "{}: submit.sh exited {status}\n{stderr}\n{}\n{}",
            self.name,
            logs.join("\n"),
            cluster.diagnosis()
        );
    }
}

/// `rebook <args> --out <out>` on this machine, from the repository (as the jobs ran).
fn one_machine(args: &[&str], out: &Path) {
    let o = common::rebook()
        .args(args)
        .arg("--quiet")
        .arg("--out")
        .arg(out)
        .current_dir(common::root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// Each of the 4 shards ran as a task of the array, wrote its part and logged it.
fn assert_ran_as_array(out: &Path) {
    let logs: Vec<String> = std::fs::read_dir(out.join("logs"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for k in 0..4 {
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join(format!("shard-{k}/summary.json"))).unwrap()).unwrap();
        assert_eq!(summary["shard"]["index"], k);
        assert_eq!(summary["shard"]["count"], 4);
        let log = logs
            .iter()
            .find(|l| l.starts_with("shard-") && l.ends_with(&format!("_{k}.out")))
            .unwrap_or_else(|| panic!("no log of array task {k} in {logs:?}"));
        let text = std::fs::read_to_string(out.join("logs").join(log)).unwrap();
        assert!(text.contains(&format!("rebook shard {k} of 4")), "{log}: {text}");
    }
    assert!(logs.iter().any(|l| l.starts_with("merge-")), "no merge log in {logs:?}");
}

#[test]
fn a_sharded_batch_on_a_real_slurm_cluster_merges_to_the_one_machine_run() {
    if !is_root() {
        common::skipped(
            TEST,
            "not root: the Slurm and MUNGE daemons need root (CI runs it as root)",
        );
        return;
    }
    if let Err(why) = packages() {
        common::skipped(TEST, &why);
        return;
    }
    let cluster = Cluster::start();
    let work = tempfile::tempdir().unwrap();
    let generated = work.path().join("generated");
    let o = common::rebook()
        .args(["generate", "--trusts", "5", "--cases", "30", "--seed", "11", "--out"])
        .arg(&generated)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let generated = generated.display().to_string();

    // Both batches in flight at once: the Kent batch solved with fifo (and its pages), the
    // generated one compared with fifo and the MIP.
    let kent_args = ["solve", "instances/kent-2016-04", "--strategy", "fifo", "--report"];
    let gen_args = [
        "compare",
        generated.as_str(),
        "--strategies",
        "fifo,mip",
        "--time-limit",
        "20",
    ];
    let (kent, gen) = (work.path().join("kent"), work.path().join("gen"));
    let submitted = [
        Submission::start(&cluster, "kent", &[], &kent, &kent_args),
        Submission::start(&cluster, "generated", &[], &gen, &gen_args),
    ];
    for s in submitted {
        s.wait(&cluster, Duration::from_secs(600));
    }
    assert_ran_as_array(&kent);
    assert_ran_as_array(&gen);

    let (kent_one, gen_one) = (work.path().join("kent-one"), work.path().join("gen-one"));
    one_machine(&kent_args, &kent_one);
    one_machine(&gen_args, &gen_one);
    for dir in [gen_one.join("mip"), gen.join("merged/mip")] {
        for name in same_output::files_under(&dir) {
            if name.to_string_lossy().ends_with(".schedule.json") {
                let plan: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join(&name)).unwrap()).unwrap();
                common::assert_no_time_limit_bound(&plan["solver"], &dir.join(&name).display().to_string());
            }
        }
    }
    same_output::assert_same_outputs(&kent_one, &kent.join("merged"));
    same_output::assert_same_outputs(&gen_one, &gen.join("merged"));

    // Shard 2 of the Kent batch is lost (its node died before the summary): merge names it;
    // submitting that shard alone again (`submit.sh --only 2`) merges all four again.
    std::fs::remove_file(kent.join("shard-2/summary.json")).unwrap();
    std::fs::remove_dir_all(kent.join("merged")).unwrap();
    let shard_dirs: Vec<PathBuf> = (0..4).map(|k| kent.join(format!("shard-{k}"))).collect();
    let o = common::rebook()
        .arg("merge")
        .args(&shard_dirs)
        .arg("--out")
        .arg(kent.join("merged"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("shard-2: no summary.json") && err.contains("shard(s) 2/4"),
        "{err}"
    );
    let logs = || -> Vec<String> {
        std::fs::read_dir(kent.join("logs"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    };
    let before = logs();
    Submission::start(&cluster, "kent, shard 2 again", &["--only", "2"], &kent, &kent_args)
        .wait(&cluster, Duration::from_secs(300));
    let new: Vec<String> = logs().into_iter().filter(|l| !before.contains(l)).collect();
    assert_eq!(new.len(), 2, "one shard and one merge more: {new:?}");
    let shard_log = new.iter().find(|l| l.starts_with("shard-")).expect("the shard's log");
    let text = std::fs::read_to_string(kent.join("logs").join(shard_log)).unwrap();
    assert!(text.contains("rebook shard 2 of 4"), "{shard_log}: {text}");
    assert_same_outputs_after_rerun(&kent_one, &kent);
}

/// The merge after solving one shard again equals the one-machine run, and the shard solved
/// again is shard 2 of 4.
fn assert_same_outputs_after_rerun(one: &Path, out: &Path) {
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("shard-2/summary.json")).unwrap()).unwrap();
    assert_eq!(
        (summary["shard"]["index"].as_u64(), summary["shard"]["count"].as_u64()),
        (Some(2), Some(4))
    );
    same_output::assert_same_outputs(one, &out.join("merged"));
}
