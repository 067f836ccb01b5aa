"""Python worker: imports pytest up front (the costly part), then blocks until the supervisor hands it a run.

Results go to fd 3 as JSON lines, one per event, as each test finishes. Anything the tests print is captured by
pytest per test; stray output goes to stdout, which the supervisor caps.
"""
import gc

# Importing pytest makes hundreds of thousands of objects and no garbage worth a collection: none while it loads,
# and what it made is frozen out of every later collection (each sandbox pays this import once: CPU per run).
gc.disable()
import asyncio, inspect, io, json, os, sys, types

import pytest
import _pytest.runner, _pytest.reports, _pytest.python, _pytest.main, _pytest.unittest  # noqa: F401
import unittest, pluggy  # noqa: F401

import _pytest.capture


def _getvalue_lenient(self):
    # Code may write invalid UTF-8 to sys.stdout.buffer; pytest's capture would crash decoding it strictly.
    assert isinstance(self.buffer, io.BytesIO)
    return self.buffer.getvalue().decode("UTF-8", "replace")


_pytest.capture.CaptureIO.getvalue = _getvalue_lenient

# Taken before any submitted code runs, so a test's coroutine is run by the real asyncio.run.
_run_coroutine = asyncio.run

# unittest's subTest() only isolates a block when the result object has addSubTest; pytest 7.2's TestCaseFunction
# has none (that is the pytest-subtests plugin's job), so the first failing subtest would end the test and its
# description ("[variation #2] (time=5)") would be lost. Record every subtest here instead, and fail the test once,
# at its end, with each failing subtest's description and failure.
_SHOWN_SUBTEST_FAILURES = 20


def _add_subtest(self, test_case, subtest, exc_info):
    subtests = self.__dict__.setdefault("_subtests", {"count": 0, "failed": 0, "shown": []})
    subtests["count"] += 1
    if exc_info is None:
        return
    subtests["failed"] += 1
    if len(subtests["shown"]) < _SHOWN_SUBTEST_FAILURES:
        failure = self.repr_failure(pytest.ExceptionInfo.from_exc_info(exc_info))
        subtests["shown"].append(subtest._subDescription() + "\n" + str(failure))


def _stop_test(self, testcase):
    subtests = self.__dict__.pop("_subtests", None)
    if not subtests or not subtests["failed"]:
        return
    text = ["%d of %d subtests failed" % (subtests["failed"], subtests["count"]), *subtests["shown"]]
    if subtests["failed"] > len(subtests["shown"]):
        text.append("(%d more failing subtests not shown)" % (subtests["failed"] - len(subtests["shown"])))
    # A failure outside any subtest (setUp, code between subtests, tearDown) belongs to the same report.
    text += [str(self.repr_failure(e)) for e in self.__dict__.pop("_excinfo", None) or []
             if not e.errisinstance(pytest.skip.Exception)]
    try:
        pytest.fail("\n\n".join(text), pytrace=False)
    except pytest.fail.Exception:
        self._addexcinfo(sys.exc_info())


_pytest.unittest.TestCaseFunction.addSubTest = _add_subtest
_pytest.unittest.TestCaseFunction.stopTest = _stop_test
_pytest.unittest.TestCaseFunction.failfast = False  # read by subTest() after a failing subtest


def _make_sender():
    out = os.fdopen(3, "w", encoding="utf-8", errors="replace", buffering=1)
    dumps = json.dumps
    nonce = [""]  # set once the run arrives; lives only in this closure

    def send(msg):
        out.write((nonce[0] + " " if nonce[0] else "") + dumps(msg) + "\n")
        out.flush()

    def arm(value):
        nonce[0] = value

    return send, arm


send, _arm = _make_sender()
del _make_sender


WATCHED = ("builtins", "pytest", "_pytest", "pluggy", "unittest", "json", "os", "inspect", "asyncio")


def snapshot():
    """ids of every function and class reachable from the modules that decide and report a test's outcome."""
    snap = {}
    for name, mod in list(sys.modules.items()):
        if mod is None or not name.split(".")[0] in WATCHED:
            continue
        for attr, val in list(vars(mod).items()):
            if isinstance(val, (types.FunctionType, types.BuiltinFunctionType, type)):
                snap[(name, attr)] = id(val)
                if isinstance(val, type) and getattr(val, "__module__", "").split(".")[0] in WATCHED:
                    for cattr, cval in list(vars(val).items()):
                        if isinstance(cval, (types.FunctionType, staticmethod, classmethod, property)):
                            snap[(name, attr + "." + cattr)] = id(cval)
    for attr, val in vars(Plugin).items():
        snap[("worker", "Plugin." + attr)] = id(val)
    snap[("worker", "send")] = id(send)
    return snap


def clip(text, n):
    return text if len(text) <= n else text[: n - 1] + "…"


class Plugin:
    def __init__(self, output_chars):
        self.items = {}
        self.reports = {}
        self.output_chars = output_chars

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "task(taskno): Exercism task number")
        # Options the (disabled) terminal plugin would have registered, read by assertion rewriting and reports.
        for name, value in (("tbstyle", "short"), ("verbose", 0), ("showlocals", False), ("fulltrace", False),
                            ("reportchars", ""), ("color", "no"), ("code_highlight", "no")):
            if not hasattr(config.option, name):
                setattr(config.option, name, value)

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        # pytest without a plugin skips coroutine tests; run each in a fresh event loop, as pytest-asyncio's
        # auto mode would (plain fixtures only: an async fixture would reach the test as a coroutine).
        if not inspect.iscoroutinefunction(pyfuncitem.obj):
            return None
        args = {n: pyfuncitem.funcargs[n] for n in pyfuncitem._fixtureinfo.argnames}
        _run_coroutine(pyfuncitem.obj(**args))
        return True

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_call(self, item):
        # An async test method of a plain TestCase would be called without being awaited and so pass unrun
        # (IsolatedAsyncioTestCase awaits its own).
        case = getattr(item, "_testcase", None)
        if case is not None and not isinstance(case, unittest.IsolatedAsyncioTestCase) and inspect.iscoroutinefunction(item.obj):
            method = getattr(case, item.name)
            setattr(case, item.name, lambda: _run_coroutine(method()))

    def pytest_collectreport(self, report):
        if report.failed:
            send({"type": "collect_error", "file": report.nodeid, "message": clip(str(report.longreprtext), 20000)})

    def pytest_collection_finish(self, session):
        for item in session.items:
            self.items[item.nodeid] = item
        send({"type": "collected", "tests": [name_of(i.nodeid) for i in session.items]})

    def pytest_runtest_logstart(self, nodeid, location):
        send({"type": "test_started", "name": name_of(nodeid)})

    def pytest_runtest_logreport(self, report):
        rs = self.reports.setdefault(report.nodeid, [])
        rs.append(report)

    def pytest_runtest_logfinish(self, nodeid, location):
        rs = self.reports.pop(nodeid, [])
        status, message = "pass", None
        for r in rs:
            if r.when == "call":
                if r.failed:
                    status, message = "fail", r.longreprtext
                elif r.skipped:
                    status, message = "error", "skipped: " + skip_reason(r)
                elif not r.passed:
                    status, message = "error", "did not pass"
            elif r.failed:
                status, message = "error", "%s failed: %s" % (r.when, r.longreprtext)
            elif r.skipped:
                status, message = "error", "skipped: " + skip_reason(r)
        if not any(r.when == "call" for r in rs) and status == "pass":
            status, message = "error", "the test did not run"
        # Each phase's report carries the output captured so far in the test; the last one has all of it.
        output = ((rs[-1].capstdout or "") + (rs[-1].capstderr or "")) if rs else ""
        item = self.items.get(nodeid)
        code, task = None, None
        if item is not None:
            try:
                code = inspect.getsource(item.function)
            except Exception:
                pass
            marker = item.get_closest_marker("task")
            if marker is not None:
                task = marker.kwargs.get("taskno") or (marker.args[0] if marker.args else None)
        send({"type": "test_finished", "name": name_of(nodeid), "status": status,
              "message": clip(message, 20000) if message else None,
              "output": clip(output, self.output_chars) if output else None,
              "testCode": clip(code, 20000) if code else None, "taskId": task,
              "durationMs": int(sum(r.duration for r in rs) * 1000)})


def skip_reason(r):
    lr = r.longrepr
    reason = str(lr[2]) if isinstance(lr, tuple) and len(lr) == 3 else str(lr)
    return reason[len("Skipped: "):] if reason.startswith("Skipped: ") else reason


def name_of(nodeid):
    return nodeid.split("::", 1)[1] if "::" in nodeid else nodeid


def warm_up():
    """One throwaway pytest session before the run arrives: plugin setup, assertion rewriting and the rest of
    pytest's first-call costs are paid while the container waits in the pool, not by the learner."""
    d = "/tmp/pytest-warmup"
    try:
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "test_warmup.py"), "w") as f:
            f.write("import pytest\n\n@pytest.mark.parametrize('x', [1, 2])\ndef test_w(x):\n    assert x + 0 == x\n")
        pytest.main(["-p", "no:terminal", "--capture=sys", "-p", "no:cacheprovider", "--noconftest", "-c", "/opt/sandbox/pytest.ini",
                     "--rootdir", d, os.path.join(d, "test_warmup.py")], plugins=[_Quiet()])
    except Exception:
        pass
    finally:
        sys.modules.pop("test_warmup", None)
        while d in sys.path:
            sys.path.remove(d)
        try:
            os.remove(os.path.join(d, "test_warmup.py"))
            os.rmdir(d)
        except OSError:
            pass


class _Quiet:
    def pytest_configure(self, config):
        for name, value in (("tbstyle", "short"), ("verbose", 0), ("showlocals", False), ("fulltrace", False),
                            ("reportchars", ""), ("color", "no"), ("code_highlight", "no")):
            if not hasattr(config.option, name):
                setattr(config.option, name, value)


def main():
    # Only a pooled sandbox waits for its run: one started for a run already waiting (cold) goes straight to it
    # rather than paying for a throwaway session first.
    if os.environ.pop("SANDBOX_WARMUP", None) == "1":
        warm_up()
    gc.freeze()
    gc.enable()
    # The framework as it is before any submitted code loads (taken now, off the run's critical path).
    before = snapshot()
    send({"type": "ready"})
    line = sys.stdin.readline()
    if not line:
        return
    run = json.loads(line)
    _arm(run.pop("nonce", ""))
    globals().pop("_arm", None)
    tests = [f for f in run["files"] if f in run.get("testFiles", [])]
    plugin = Plugin(int(run.get("testOutputChars", 500)))
    sys.path.insert(0, "/work")
    code = pytest.main(
        # No terminal report (results go to fd 3). Output is captured per test at the sys level and also passed
        # through, so a flood reaches the supervisor's cap instead of filling a capture file in /tmp.
        ["-p", "no:terminal", "--capture=tee-sys", "-p", "no:cacheprovider", "-p", "no:pastebin", "-p", "no:nose", "--noconftest",
         *[a for n in ("doctest", "junitxml", "stepwise", "setuponly", "setupplan", "faulthandler")
           for a in ("-p", "no:" + n)],
         "-c", "/opt/sandbox/pytest.ini", "--rootdir=/work", "-o", "python_files=*.py",
         "-W", "ignore::DeprecationWarning", *tests],
        plugins=[plugin])
    after = snapshot()
    changed = sorted("%s:%s" % k for k in before if after.get(k) != before[k])
    send({"type": "integrity", "ok": not changed, "changed": changed[:20]})
    send({"type": "done", "exitCode": int(code)})
    # Skip interpreter teardown (tens of ms with pytest loaded): the results are out, the container is discarded.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
