"""Container smoke check of ``docker compose --profile scale`` with podman (``make containers``,
after ``container-smoke`` made the local Debian base image; run as root).

Where Docker Hub cannot be reached, Redis and nginx are built from Debian's packages on the same
base (docker/Dockerfile.redis, docker/Dockerfile.nginx) and passed as REDIS_IMAGE / NGINX_IMAGE;
the replicas are built from docker/Dockerfile.fastapi with BASE_IMAGE. Then, through nginx:
1. requests spread over both replicas (each replica's /metrics counts its share);
2. a live client on one replica gets a bar that the other replica read from the file (the
   upstream's lease holder: ``polls.upstream_readers`` in its /api/stats);
3. stopping a replica loses no client for longer than a reconnect (clients through nginx
   reconnect and get the next bar).
Prints the figures, tears everything down; exit status 1 if a check failed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from scripts.scale_checks import BARS, PROJECT, REPLICAS, SYMBOL, bar_row, checks, run

ROOT = Path(__file__).resolve().parent.parent
BASE_IMAGE = os.environ.get("BASE_IMAGE", "localhost/python-base:3.11")
PODMAN_COMPOSE = os.environ.get(
    "PODMAN_COMPOSE", "/var/cache/container-smoke/venv/bin/podman-compose"
)
SERVICES = ("redis", "fastapi-a", "fastapi-b", "nginx")
CA = "/etc/ssl/certs/ca-certificates.crt"


def log(text: str) -> None:
    print(f"== {text}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_data(folder: Path) -> Path:
    path = folder / f"{SYMBOL}.csv"
    rows = [bar_row(i, 100 + (i % 7) * 0.25) for i in range(BARS)]
    path.write_text("time,open,high,low,close,volume\n" + "".join(rows))
    shutil.copy(ROOT / "data" / "sample_ohlcv.csv", folder / "sample_ohlcv.csv")  # the default
    folder.chmod(0o755)
    for file in folder.iterdir():
        file.chmod(0o644)
    return path


def build_args(folder: Path) -> str:
    """podman build flags as container-smoke uses them: the host's CA bundle and pip index."""
    conf = folder / "pip.conf"
    lines = ["[global]", f"cert = {CA}"]
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True
    ).stdout
    for line in listed.splitlines():
        name, _, value = line.partition("=")
        value = value.strip("'")
        if name in ("global.index-url", "global.extra-index-url") and value.startswith("http"):
            lines.append(f"{name.removeprefix('global.')} = {value}")
    conf.write_text("\n".join(lines) + "\n")
    flags = f"--format docker --volume {conf}:/etc/pip.conf:ro"
    return flags + (f" --volume {CA}:{CA}:ro" if Path(CA).exists() else "")


def main() -> int:
    if os.geteuid() != 0 or not shutil.which("podman") or not Path(PODMAN_COMPOSE).exists():
        print("needs root, podman and container-smoke's podman-compose: run `make containers`")
        return 2
    if subprocess.run(["podman", "image", "exists", BASE_IMAGE]).returncode != 0:
        print(f"no {BASE_IMAGE}: run ../shared/tools/container-smoke first (make containers)")
        return 2
    folder = Path(tempfile.mkdtemp(prefix="scale-smoke-"))
    path = write_data(folder)
    proxy_port = free_port()
    env = {
        **os.environ,
        "REDIS_IMAGE": "localhost/superchart-redis:smoke",
        "NGINX_IMAGE": "localhost/superchart-nginx:smoke",
        "PROXY_PORT": str(proxy_port),
        "HOST_DATA_DIR": str(folder),
        "BUILDAH_FORMAT": "docker",
    }
    compose = [PODMAN_COMPOSE, "--no-ansi", "-p", PROJECT, "-f", str(ROOT / "docker-compose.yml")]
    compose += ["--profile", "scale"]
    try:
        started = time.monotonic()
        for name in ("redis", "nginx"):
            log(f"building {env[name.upper() + '_IMAGE']} from docker/Dockerfile.{name}")
            run("podman", "build", "--format", "docker", "-f", f"docker/Dockerfile.{name}",
                "--build-arg", f"BASE_IMAGE={BASE_IMAGE}", "-t", env[name.upper() + "_IMAGE"],
                str(ROOT / "docker"))  # fmt: skip
        log("building the replicas")
        run(*compose, "--podman-build-args", build_args(folder), "build",
            "--build-arg", f"BASE_IMAGE={BASE_IMAGE}", *REPLICAS, env=env)  # fmt: skip
        log(f"built in {time.monotonic() - started:.0f} s; starting {', '.join(SERVICES)}")
        run(*compose, "down", "-t", "5", env=env)
        up_at = time.monotonic()
        run(*compose, "up", "-d", "--no-build", *SERVICES, env=env)
        proxy = f"http://127.0.0.1:{proxy_port}"
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                if httpx.get(proxy + "/health", timeout=3).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise RuntimeError(f"nginx never answered on {proxy}/health")
        log(f"healthy through nginx after {time.monotonic() - up_at:.1f} s")
        results = checks(proxy, path)
    finally:
        if os.environ.get("KEEP") != "1":
            subprocess.run([*compose, "down", "-t", "5"], env=env, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{'CHECK':56} RESULT  DETAIL")
    for name, ok, detail in results:
        print(f"{name:56} {'PASS' if ok else 'FAIL':7} {detail}")
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
