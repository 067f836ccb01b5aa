#!/usr/bin/python3 -I
"""Sandbox supervisor: PID 1 of every run container.

It starts the language worker (which preloads its test framework and then blocks on its stdin), then waits for the
run on its own stdin: line 1 is a per-run HMAC key (hex), line 2 the run as JSON. It writes the files into the
tmpfs work dir, hands the worker the run, and relays what the worker reports on fd 3 as HMAC-signed frames on its
stdout. The worker's stdout/stderr come back as capped `output` frames.

Why this shape: the key reaches this process only after the worker (and so learner code) has been forked and exec'd,
and this process is non-dumpable, so code running as the same uid can neither ptrace it nor open /proc/1/{mem,fd};
as PID 1 of the namespace it cannot be killed from inside. Anything learner code prints is data inside an output
frame, and a frame it writes elsewhere (e.g. /proc/self/fd) is unsigned: the host drops it.
"""
import base64, codecs, ctypes, hashlib, hmac, json, os, selectors, signal, sys, time

WORK = "/work"


def main():
    try:
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 0
    except Exception:
        pass
    argv = sys.argv[1:]
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    res_r, res_w = os.pipe()
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": WORK,
        "LANG": "C.UTF-8",
        "TMPDIR": "/tmp",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
        "DOTNET_gcServer": "0",
        "DOTNET_GCHeapHardLimit": os.environ.get("SANDBOX_DOTNET_HEAP", "0x6000000"),
        "DOTNET_TieredPGO": "0",
        "DOTNET_EnableDiagnostics": "0",
    }
    pid = os.fork()
    if pid == 0:
        try:
            os.setpgid(0, 0)
            os.chdir(WORK)
            os.dup2(in_r, 0)
            os.dup2(out_w, 1)
            os.dup2(out_w, 2)
            os.dup2(res_w, 3)
            os.closerange(4, 65536)
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    for fd in (in_r, out_w, res_w):
        os.close(fd)

    # Wait until the worker has loaded its test framework, then tell the host (unsigned: no key yet) so a warm
    # pool only hands out containers that are ready. A worker that dies before that just lets us go on.
    pending = b""
    while b"\n" not in pending:
        chunk = os.read(res_r, 4096)
        if not chunk:
            break
        pending += chunk
    os.write(1, b"ready\n")

    stdin = sys.stdin.buffer
    key_line = stdin.readline()
    if not key_line:
        os.killpg(pid, signal.SIGKILL)
        return
    key = bytes.fromhex(key_line.strip().decode("ascii"))
    run = json.loads(stdin.readline())
    started = time.monotonic()
    seq = [0]

    def emit(msg):
        seq[0] += 1
        msg = dict(msg)
        msg["seq"] = seq[0]
        body = json.dumps(msg, ensure_ascii=True, separators=(",", ":"))
        mac = hmac.new(key, body.encode("ascii"), hashlib.sha256).hexdigest()
        data = (mac + " " + body + "\n").encode("ascii")
        while data:
            n = os.write(1, data)
            data = data[n:]

    names = []
    try:
        for f in run["files"]:
            name = f["name"]
            if "/" in name or name.startswith(".") or not name:
                raise ValueError("bad file name")
            fd = os.open(os.path.join(WORK, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(base64.b64decode(f["content"]))
            names.append(name)
    except Exception as e:  # a full tmpfs or a bad name: the run cannot start
        emit({"type": "exit", "code": -1, "signal": 0, "error": "writing files: %s" % e})
        os.killpg(pid, signal.SIGKILL)
        return

    worker_run = {k: v for k, v in run.items() if k != "files"}
    worker_run["files"] = names
    # The worker prefixes each report with this nonce, kept only in its harness's private state: a line the code
    # under test writes to fd 3 without it is dropped and counted (forgedResults), which fails the run.
    nonce = os.urandom(16).hex()
    worker_run["nonce"] = nonce
    prefix = nonce.encode("ascii") + b" "
    forged = 0
    try:
        os.write(in_w, (json.dumps(worker_run) + "\n").encode())
    except OSError:
        pass
    os.close(in_w)
    emit({"type": "started"})

    timeout = run.get("timeoutMs", 10000) / 1000.0
    out_cap = int(run.get("outputLimitBytes", 65536))
    res_cap = int(run.get("resultLimitBytes", 4 << 20))
    os.set_blocking(out_r, False)
    sel = selectors.DefaultSelector()
    pidfd = os.pidfd_open(pid)
    sel.register(out_r, selectors.EVENT_READ, "out")
    sel.register(res_r, selectors.EVENT_READ, "res")
    sel.register(pidfd, selectors.EVENT_READ, "exit")
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    out_total = 0
    res_total = 0
    res_buf = b""
    timed_out = output_limited = result_limited = False
    status = None
    rusage = None
    deadline = started + timeout
    pending_out = []

    def flush_out(final=False):
        text = "".join(pending_out)
        pending_out.clear()
        if final:
            text += decoder.decode(b"", final=True)
        if text:
            emit({"type": "output", "text": text})

    def take_out(chunk):
        nonlocal out_total, output_limited
        room = out_cap - out_total
        out_total += len(chunk)
        if room > 0:
            pending_out.append(decoder.decode(chunk[:room]))
        if out_total > out_cap:
            output_limited = True

    def handle_res(chunk):
        nonlocal res_buf, res_total, result_limited, forged
        res_total += len(chunk)
        if res_total > res_cap:
            result_limited = True
            return False
        res_buf += chunk
        while b"\n" in res_buf:
            line, res_buf = res_buf.split(b"\n", 1)
            if not line.startswith(prefix):
                forged += 1
                continue
            line = line[len(prefix):]
            try:
                msg = json.loads(line.decode("utf-8", "replace"))
            except ValueError:
                continue
            if isinstance(msg, dict) and msg.get("type") in ("collected", "test_started", "test_finished", "done", "integrity", "collect_error"):
                msg.pop("seq", None)
                emit(msg)
        return True

    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        events = sel.select(min(remaining, 0.05) if pending_out else remaining)
        for k, _ in events:
            if k.data == "exit":
                _, st, rusage = os.wait4(pid, 0)
                status = st
                sel.unregister(pidfd)
            elif k.data == "out":
                try:
                    chunk = os.read(out_r, 65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    sel.unregister(out_r)
                    continue
                take_out(chunk)
            elif k.data == "res":
                chunk = os.read(res_r, 65536)
                if not chunk:
                    sel.unregister(res_r)
                    continue
                # What the worker printed before this report is already in its pipe: keep the order.
                try:
                    while not output_limited:
                        more = os.read(out_r, 65536)
                        if not more:
                            break
                        take_out(more)
                except BlockingIOError:
                    pass
                flush_out()
                if not handle_res(chunk):
                    break
        if output_limited or result_limited:
            break
        if not events and pending_out:
            flush_out()
        if status is not None:
            # The worker is gone; take what is already buffered, without waiting for stray holders of the pipes.
            for fd, kind in ((res_r, "res"), (out_r, "out")):
                os.set_blocking(fd, False)
                try:
                    while True:
                        chunk = os.read(fd, 65536)
                        if not chunk:
                            break
                        if kind == "res":
                            handle_res(chunk)
                        else:
                            take_out(chunk)
                except (BlockingIOError, OSError):
                    pass
            break

    # Nothing the run started may outlive it (background, setsid'd or forked children): signal every process
    # this uid may signal. As PID 1 we are not hit; inside the container that is everything else.
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    if status is None:
        try:
            _, status, rusage = os.wait4(pid, 0)
        except ChildProcessError:
            status = 0
    flush_out(final=True)
    msg = {"type": "exit", "timedOut": timed_out, "outputLimited": output_limited,
           "resultLimited": result_limited, "elapsedMs": int((time.monotonic() - started) * 1000),
           "outputBytes": out_total, "forgedResults": forged}
    if os.WIFSIGNALED(status):
        msg["signal"] = os.WTERMSIG(status)
        msg["code"] = None
    else:
        msg["code"] = os.WEXITSTATUS(status)
        msg["signal"] = 0
    if rusage is not None:
        msg["cpuMs"] = int((rusage.ru_utime + rusage.ru_stime) * 1000)
    for path in ("/sys/fs/cgroup/memory/memory.max_usage_in_bytes", "/sys/fs/cgroup/memory.peak"):
        try:
            with open(path) as fh:
                msg["peakMemoryBytes"] = int(fh.read().strip())
            break
        except (OSError, ValueError):
            pass
    try:
        with open("/sys/fs/cgroup/memory/memory.failcnt") as fh:
            msg["memoryFailCount"] = int(fh.read().strip())
    except (OSError, ValueError):
        pass
    # OOM kills in this container's cgroup (v1: memory.oom_control, v2: memory.events).
    for path in ("/sys/fs/cgroup/memory/memory.oom_control", "/sys/fs/cgroup/memory.events"):
        try:
            with open(path) as fh:
                for line in fh:
                    parts = line.split()
                    if len(parts) == 2 and parts[0] == "oom_kill":
                        msg["oomKills"] = int(parts[1])
            break
        except (OSError, ValueError):
            pass
    emit(msg)


if __name__ == "__main__":
    main()
