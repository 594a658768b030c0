#!/usr/bin/env bash
# Installs what running rebook on a single-node Slurm cluster needs (tests/slurm.rs, docs/CLUSTER.md):
# Debian's slurmctld, slurmd, slurm-client and munge. Skipped when they are present; never starts
# anything (the test starts its own daemons and stops them by their PIDs).
set -euo pipefail

missing=()
command -v slurmctld >/dev/null 2>&1 || [ -x /usr/sbin/slurmctld ] || missing+=(slurmctld)
command -v slurmd >/dev/null 2>&1 || [ -x /usr/sbin/slurmd ] || missing+=(slurmd)
command -v sbatch >/dev/null 2>&1 || missing+=(slurm-client)
command -v munged >/dev/null 2>&1 || [ -x /usr/sbin/munged ] || missing+=(munge)

if [ ${#missing[@]} -eq 0 ]; then
  echo "slurm/install: slurmctld, slurmd, slurm-client and munge are present" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "slurm/install: ${missing[*]} missing and no apt-get: install Slurm and MUNGE by hand" >&2
  exit 1
fi
sudo_cmd=()
if [ "$(id -u)" != 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "slurm/install: ${missing[*]} missing; run as root or install sudo" >&2
    exit 1
  fi
  sudo_cmd=(sudo)
fi
echo "slurm/install: installing ${missing[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
# Packages only: no service is started here (there may be no systemd).
${sudo_cmd[@]+"${sudo_cmd[@]}"} apt-get update -qq
${sudo_cmd[@]+"${sudo_cmd[@]}"} apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
