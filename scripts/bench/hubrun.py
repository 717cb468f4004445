"""Starting a real hub (release build) on a throwaway site for the benchmarks and the soak run.

The hub runs as its own process, on loopback, with its HTTP port and listener ports chosen by the
OS; what a benchmark measures about it (RSS, open descriptors) is read from /proc.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def binary(name, bindir=None):
    """Path of a built executable (release by default; BIN overrides the folder)."""
    folder = bindir or os.environ.get("BIN") or os.path.join(REPO, ".build", "release")
    path = os.path.join(folder, name)
    if not os.access(path, os.X_OK):
        raise SystemExit(f"{path} is missing: build it first (swift build -c release)")
    return path


class Hub:
    """A hub serving `devices` (YAML list items, already indented by two spaces) from `workdir`."""

    def __init__(self, workdir, devices, bindir=None, log_level="warning", extra=""):
        self.workdir = os.path.abspath(workdir)
        shutil.rmtree(self.workdir, ignore_errors=True)
        os.makedirs(self.workdir)
        self.store = os.path.join(self.workdir, "hub.sqlite")
        self.config = os.path.join(self.workdir, "site.yaml")
        with open(self.config, "w") as f:
            f.write(
                f"site: bench\nprofiles: {REPO}/DeviceProfiles\nstore:\n  sqlite: {self.store}\n"
                f"http:\n  host: 127.0.0.1\n  port: 0\n{extra}devices:\n{devices}\n")
        self.niihub = binary("niihub", bindir)
        self.log_level = log_level
        self.proc = None
        self.port = None
        self._token = None

    def start(self, timeout=120):
        log = open(os.path.join(self.workdir, "hub.log"), "w")
        self.proc = subprocess.Popen(
            [self.niihub, "serve", "--config", self.config, "--log-level", self.log_level],
            stdout=subprocess.PIPE, stderr=log, text=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit(f"hub exited early; see {self.workdir}/hub.log")
            m = re.search(r"at http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                return self
        raise SystemExit("hub did not start in time")

    @property
    def pid(self):
        return self.proc.pid

    @property
    def token(self):
        if self._token is None:
            with open(os.path.join(self.workdir, "admin-credential.json")) as f:
                self._token = json.load(f)["token"]
        return self._token

    def get(self, path, raw=False):
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return body.decode() if raw else json.loads(body)

    def listen_port(self, device, timeout=30):
        """The port the OS gave `device`'s `listen: 127.0.0.1:0`."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for d in self.get("/api/v1/devices")["devices"]:
                m = re.search(r":(\d+)$", str(d.get("port") or ""))
                if d["id"] == device and m and int(m.group(1)) > 0:
                    return int(m.group(1))
            time.sleep(0.2)
        raise SystemExit(f"{device} is not listening")

    def device(self, device):
        for d in self.get("/api/v1/devices")["devices"]:
            if d["id"] == device:
                return d
        return {}

    def events_total(self, text=None):
        """Events stored since the start, from the hub's own Prometheus counters (`text`: a
        /metrics answer already fetched)."""
        return int(self.metric("niihub_events_total", text))

    def metric(self, name, text=None):
        """The sum of the hub's Prometheus series `name` (over every label set), 0 when absent."""
        text = text if text is not None else self.get("/metrics", raw=True)
        return sum(float(m.group(1)) for m in re.finditer(r"^" + re.escape(name) + r"(?:\{[^}]*\})? (\S+)$", text, re.M))

    def rss_kb(self):
        return proc_status(self.pid, "VmRSS")

    def fds(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def threads(self):
        return proc_status(self.pid, "Threads")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def proc_status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def percentile(values, p):
    """Nearest-rank percentile of `values` (p in 0–100)."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def machine():
    """What the figures were taken on."""
    def run(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except OSError:
            return ""
    cpu = {}
    for line in run(["lscpu"]).splitlines():
        k, _, v = line.partition(":")
        if k.strip() in ("Model name", "Model", "CPU(s)", "Thread(s) per core", "CPU max MHz", "Hypervisor vendor"):
            cpu[k.strip()] = v.strip()
    mem_kb = proc_status_file("/proc/meminfo", "MemTotal")
    os_name = ""
    if os.path.exists("/etc/os-release"):
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip().strip('"')
    swift = run([os.path.join(os.environ.get("SWIFT_BIN", "/opt/swift/usr/bin"), "swift"), "--version"]).splitlines()
    return {
        "cpu": cpu, "memoryGiB": round(mem_kb / 1024 / 1024, 1), "os": os_name, "kernel": os.uname().release,
        "swift": swift[0] if swift else "", "loadavg": open("/proc/loadavg").read().split()[:3],
    }


def proc_status_file(path, field):
    with open(path) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def write_result(name, result, folder=None):
    """Writes one benchmark's result as JSON under var/bench/results and prints it."""
    folder = folder or os.path.join(REPO, "var", "bench", "results")
    os.makedirs(folder, exist_ok=True)
    result = dict(result, benchmark=name, at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  loadavg=open("/proc/loadavg").read().split()[:3])
    with open(os.path.join(folder, name + ".json"), "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result))
    return result
