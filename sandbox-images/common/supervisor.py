#!/usr/bin/python3 -I
"""Sandbox supervisor: PID 1 of every run container.

It starts the language worker (which preloads its test framework and then blocks on its stdin), then waits for the
run on its own stdin: line 1 is a per-run HMAC key (hex), line 2 the run as JSON. It writes the files into the
tmpfs work dir, hands the worker the run, and relays what the worker reports on fd 3 as HMAC-signed frames on its
stdout. The worker's stdout/stderr come back as capped `output` frames.

Hidden checks (phase 2, docs/hidden-checks-protocol.md): when the image names a check worker (SANDBOX_CHECKER), it is
started next to the test worker and waits warm. After the test worker has exited, every other process is killed, the
solution files are written again, and only then does the check worker get the calls (never the expected values,
which stay on the host). Nothing of phase 2 becomes a frame a learner sees: its reports are judged on the host, its
output is kept for instructors; so the arguments of hidden checks cannot travel back through the test output.

Why this shape: the key reaches this process only after the worker (and so learner code) has been forked and exec'd,
and this process is non-dumpable, so code running as the same uid can neither ptrace it nor open /proc/1/{mem,fd};
as PID 1 of the namespace it cannot be killed from inside. Anything learner code prints is data inside an output
frame, and a frame it writes elsewhere (e.g. /proc/self/fd) is unsigned: the host drops it.
"""
import gc

gc.disable()  # a short-lived process: no collections while it and its forks start (re-enabled in the forks)
import base64, codecs, ctypes, hashlib, hmac, json, os, selectors, signal, sys, time

WORK = "/work"
WARMUP = os.environ.get("SANDBOX_WARMUP") == "1"


# Interpreter flags a forked worker already has from us (-I) or gets by hand (-B): "python3 <flags> script.py" with
# only these runs in a fork of this process (SANDBOX_FORK_PYTHON=1, the Python image) instead of a new interpreter.
FORKABLE_FLAGS = {"-I", "-B", "-IB", "-BI"}


def python_script(argv):
    """The script of a `python3 [-I] [-B] script.py` command line this interpreter can run in a fork, else None."""
    if os.environ.get("SANDBOX_FORK_PYTHON") != "1" or len(argv) < 2 or os.path.realpath(argv[0]) != os.path.realpath(sys.executable):
        return None
    *flags, script = argv[1:]
    return script if script.endswith(".py") and all(f in FORKABLE_FLAGS for f in flags) else None


def run_script(script, env):
    """In the forked child: become what `python3 -I -B script` would have been, run it, never return."""
    code = 1
    try:
        ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE = 1, as after an exec: /proc/self is the code's own
        os.environ.clear()
        os.environ.update(env)
        if WARMUP:
            # Set by the host on pooled sandboxes: the worker may pay first-call costs before its run (it takes
            # the variable out of its environment before any submitted code runs).
            os.environ["SANDBOX_WARMUP"] = "1"
        sys.dont_write_bytecode = True
        sys.argv = [script]
        sys.stdin = open(0, "r", encoding="utf-8", errors="surrogateescape", closefd=False)
        sys.stdout = open(1, "w", encoding="utf-8", errors="surrogateescape", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1)
        sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
        gc.enable()
        # As __main__, from the image's compiled bytecode (python3 script.py would compile the source each time).
        import importlib.util
        spec = importlib.util.spec_from_file_location("__main__", script)
        module = importlib.util.module_from_spec(spec)
        sys.modules["__main__"] = module
        spec.loader.exec_module(module)
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:
        try:
            import traceback
            traceback.print_exc()
        except BaseException:
            pass
    finally:
        for f in (sys.stdout, sys.stderr):
            try:
                f.flush()
            except BaseException:
                pass
        os._exit(code)


def spawn(argv, env):
    """Forks argv with stdin, stdout+stderr and fd 3 as pipes to us; returns (pid, stdin, output, reports). A Python
    script runs in the fork itself (no second interpreter start): the fork is a copy of this process taken before
    any run or key exists, so it holds nothing of ours worth having, and shares no memory with us afterwards."""
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    res_r, res_w = os.pipe()
    script = python_script(argv)
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
            if script is not None:
                run_script(script, env)
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    for fd in (in_r, out_w, res_w):
        os.close(fd)
    return pid, in_w, out_r, res_r


def wait_ready(res_r):
    pending = b""
    while b"\n" not in pending:
        chunk = os.read(res_r, 4096)
        if not chunk:
            break
        pending += chunk


def kill_all_but(keep):
    """SIGKILL every process of the container but us (PID 1) and `keep`, until none is left: what phase 1 started
    (setsid'd, forked in a loop) must be gone before phase 2 gets its calls."""
    me = os.getpid()
    for _ in range(200):
        alive = 0
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            pid = int(name)
            if pid in (me, keep):
                continue
            try:
                with open("/proc/%d/stat" % pid, "rb") as fh:
                    state = fh.read().rsplit(b")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state == b"Z":
                continue
            alive += 1
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        reap_zombies(keep)
        if alive == 0:
            return True
        time.sleep(0.001)
    return False


def reap_zombies(keep):
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main():
    try:
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 0
    except Exception:
        pass
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
    pid, in_w, out_r, res_r = spawn(sys.argv[1:], env)
    # The check worker (hidden checks, phase 2) starts now too, so that it is warm when its turn comes; it gets
    # nothing but the calls to make, and only after everything of phase 1 is dead.
    checker = None
    checker_argv = os.environ.get("SANDBOX_CHECKER")
    if checker_argv:
        checker = spawn(json.loads(checker_argv), env)

    # Wait until the workers have loaded their frameworks, then tell the host (unsigned: no key yet) so a warm
    # pool only hands out containers that are ready. A worker that dies before that just lets us go on.
    wait_ready(res_r)
    if checker is not None:
        wait_ready(checker[3])
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

    checks = run.get("checks") or []
    phase2 = checker is not None and bool(checks) and not (timed_out or output_limited or result_limited)
    # Nothing phase 1 started may outlive it (background, setsid'd or forked children). Without a phase 2 every
    # process this uid may signal goes (as PID 1 we are not hit); before a phase 2, all but the check worker.
    if phase2:
        phase2 = kill_all_but(checker[0])
    if not phase2:
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
    msg.update(exit_fields(status, rusage))
    msg.update(cgroup_memory())
    if phase2:
        msg["checks"] = run_checks(checker, run, names, emit)
    elif checker is not None:
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
    emit(msg)


def exit_fields(status, rusage):
    out = {}
    if status is not None and os.WIFSIGNALED(status):
        out["signal"] = os.WTERMSIG(status)
        out["code"] = None
    else:
        out["code"] = os.WEXITSTATUS(status) if status is not None else None
        out["signal"] = 0
    if rusage is not None:
        out["cpuMs"] = int((rusage.ru_utime + rusage.ru_stime) * 1000)
    return out


def cgroup_memory():
    out = {}
    for path in ("/sys/fs/cgroup/memory/memory.max_usage_in_bytes", "/sys/fs/cgroup/memory.peak"):
        try:
            with open(path) as fh:
                out["peakMemoryBytes"] = int(fh.read().strip())
            break
        except (OSError, ValueError):
            pass
    try:
        with open("/sys/fs/cgroup/memory/memory.failcnt") as fh:
            out["memoryFailCount"] = int(fh.read().strip())
    except (OSError, ValueError):
        pass
    # OOM kills in this container's cgroup (v1: memory.oom_control, v2: memory.events).
    for path in ("/sys/fs/cgroup/memory/memory.oom_control", "/sys/fs/cgroup/memory.events"):
        try:
            with open(path) as fh:
                for line in fh:
                    parts = line.split()
                    if len(parts) == 2 and parts[0] == "oom_kill":
                        out["oomKills"] = int(parts[1])
            break
        except (OSError, ValueError):
            pass
    return out


def run_checks(checker, run, names, emit):
    """Phase 2: the hidden checks' calls, in the check worker, after phase 1 is dead. Its reports are relayed as
    signed frames for the host to judge; its output is kept (capped) for instructors only, never streamed."""
    pid, in_w, out_r, res_r = checker
    started = time.monotonic()
    # The solution files as submitted: whatever phase 1 did to /work is undone (test files are not written again).
    tests = set(run.get("testFiles") or [])
    try:
        for name in os.listdir(WORK):
            path = os.path.join(WORK, name)
            if os.path.isdir(path) and not os.path.islink(path):
                for root, dirs, files in os.walk(path, topdown=False):
                    for f in files:
                        os.unlink(os.path.join(root, f))
                    for d in dirs:
                        dp = os.path.join(root, d)
                        os.unlink(dp) if os.path.islink(dp) else os.rmdir(dp)
                os.rmdir(path)
            else:
                os.unlink(path)
        solution = []
        for f in run["files"]:
            if f["name"] in tests:
                continue
            fd = os.open(os.path.join(WORK, f["name"]), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(base64.b64decode(f["content"]))
            solution.append(f["name"])
    except Exception as e:
        os.kill(-1, signal.SIGKILL)
        return {"error": "preparing the checks: %s" % e}
    nonce = os.urandom(16).hex()
    prefix = nonce.encode("ascii") + b" "
    timeout = run.get("checkTimeoutMs", run.get("timeoutMs", 10000)) / 1000.0
    line = {"nonce": nonce, "files": solution, "timeoutMs": int(timeout * 1000), "checks": run["checks"]}
    try:
        os.write(in_w, (json.dumps(line) + "\n").encode())
    except OSError:
        pass
    os.close(in_w)
    emit({"type": "checks_started"})

    out_cap = int(run.get("checkOutputLimitBytes", 8192))
    res_cap = int(run.get("resultLimitBytes", 4 << 20))
    output = bytearray()
    out_total = res_total = 0
    res_buf = b""
    status = rusage = None
    timed_out = result_limited = False
    os.set_blocking(out_r, False)
    sel = selectors.DefaultSelector()
    pidfd = os.pidfd_open(pid)
    sel.register(out_r, selectors.EVENT_READ, "out")
    sel.register(res_r, selectors.EVENT_READ, "res")
    sel.register(pidfd, selectors.EVENT_READ, "exit")
    deadline = started + timeout

    def take_res(chunk):
        nonlocal res_buf, res_total, result_limited
        res_total += len(chunk)
        if res_total > res_cap:
            result_limited = True
            return
        res_buf += chunk
        while b"\n" in res_buf:
            raw, res_buf = res_buf.split(b"\n", 1)
            if not raw.startswith(prefix):
                continue
            try:
                m = json.loads(raw[len(prefix):].decode("utf-8", "replace"))
            except ValueError:
                continue
            if isinstance(m, dict) and m.get("type") in ("check_started", "check_result", "checks_done"):
                m.pop("seq", None)
                emit(m)

    def take_out(chunk):
        nonlocal out_total
        out_total += len(chunk)
        room = out_cap - len(output)
        if room > 0:
            output.extend(chunk[:room])

    while status is None and not result_limited:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        for k, _ in sel.select(remaining):
            if k.data == "exit":
                try:
                    _, status, rusage = os.wait4(pid, 0)
                except ChildProcessError:
                    status = 0
                sel.unregister(pidfd)
            elif k.data == "out":
                try:
                    chunk = os.read(out_r, 65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    sel.unregister(out_r)
                else:
                    take_out(chunk)
            else:
                chunk = os.read(res_r, 65536)
                if not chunk:
                    sel.unregister(res_r)
                else:
                    take_res(chunk)
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    for fd, take in ((res_r, take_res), (out_r, take_out)):
        os.set_blocking(fd, False)
        try:
            while not result_limited:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                take(chunk)
        except (BlockingIOError, OSError):
            pass
    if status is None:
        try:
            _, status, rusage = os.wait4(pid, 0)
        except ChildProcessError:
            status = None
    out = {"timedOut": timed_out, "resultLimited": result_limited, "elapsedMs": int((time.monotonic() - started) * 1000),
           "outputBytes": out_total, "output": output.decode("utf-8", "replace")}
    out.update(exit_fields(status, rusage))
    out.update(cgroup_memory())
    return out


if __name__ == "__main__":
    main()
