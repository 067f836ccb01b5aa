"""Tests of the Python check worker (checks.py) on the host, outside Docker.

Runs as a plain script (`python3 sandbox-images/python/test_checks_worker.py`) or under pytest. Each case starts
`python3 -I -B checks.py` with a temp dir of submission files as its work dir (SANDBOX_WORK), fd 3 as a pipe,
sends the run line and reads the reports, as the supervisor does.
"""
import json, os, select, shutil, subprocess, sys, tempfile, textwrap, time

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKS = os.path.join(HERE, "checks.py")
NONCE = "0123456789abcdef0123456789abcdef"


class Run:
    def __init__(self, own, foreign, stdout, code, ready_s):
        self.own, self.foreign, self.stdout, self.code, self.ready_s = own, foreign, stdout, code, ready_s

    def results(self):
        return {m["index"]: m for m in self.own if m["type"] == "check_result"}

    def value(self, i):
        r = self.results()[i]
        assert "value" in r, r
        return r["value"]

    def error(self, i):
        r = self.results()[i]
        assert "error" in r, r
        return r["error"]


def run(files, checks, timeout_ms=5000, wait=20):
    work = tempfile.mkdtemp(prefix="checks-test-")
    try:
        for name, text in files.items():
            path = os.path.join(work, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(textwrap.dedent(text))
        r, w = os.pipe()
        out = tempfile.TemporaryFile()
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "SANDBOX_WORK": work}
        started = time.monotonic()
        p = subprocess.Popen([sys.executable, "-I", "-B", CHECKS], cwd=work, stdin=subprocess.PIPE, stdout=out,
                             stderr=subprocess.STDOUT, env=env, close_fds=False, preexec_fn=lambda: os.dup2(w, 3))
        os.close(w)
        buf = b""
        ready_s = None
        deadline = time.monotonic() + wait
        sent = False
        while True:
            left = deadline - time.monotonic()
            assert left > 0, "the worker did not finish: %r" % buf
            ready, _, _ = select.select([r], [], [], left)
            if not ready:
                continue
            chunk = os.read(r, 65536)
            if not chunk:
                break
            buf += chunk
            if not sent and b"\n" in buf:
                ready_s = time.monotonic() - started
                assert buf.split(b"\n", 1)[0] == b'{"type":"ready"}', buf
                line = json.dumps({"nonce": NONCE, "files": sorted(files), "timeoutMs": timeout_ms,
                                   "checks": checks}) + "\n"
                p.stdin.write(line.encode())
                p.stdin.close()
                sent = True
        os.close(r)
        code = p.wait(wait)
        out.seek(0)
        stdout = out.read()
        own, foreign = [], []
        for line in buf.split(b"\n")[1:]:
            if line.startswith(NONCE.encode() + b" "):
                own.append(json.loads(line[len(NONCE) + 1:]))
            elif line:
                foreign.append(line)
        return Run(own, foreign, stdout, code, ready_s)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def well_formed(res, n):
    """Every check started then got exactly one result, in order, then checks_done; exit 0."""
    types = [(m["type"], m.get("index")) for m in res.own]
    expected = []
    for i in range(n):
        expected += [("check_started", i), ("check_result", i)]
    expected.append(("checks_done", None))
    assert types == expected, (types, res.stdout[-2000:])
    assert res.code == 0, (res.code, res.stdout[-2000:])


def unserializable(err):
    assert err["type"] == "$unserializable" and err["types"] == ["$unserializable"], err
    return err["message"]


# --- cases -----------------------------------------------------------------------------------------------------

def test_plain_call_and_errors():
    res = run({"greeting.py": """
        def greet(name):
            return "Hello, " + name.strip() + "!"
        def boom(x):
            raise ValueError("bad %s" % x)
        class MyError(KeyError):
            pass
        def mine():
            raise MyError("m")
        def long_message():
            raise RuntimeError("x" * 5000)
        class Unprintable(Exception):
            def __str__(self):
                raise RuntimeError("no")
        def unprintable():
            raise Unprintable()
    """}, [
        {"index": 0, "call": "greeting.greet", "args": ["  Ada "]},
        {"index": 1, "call": "greeting.boom", "args": [3]},
        {"index": 2, "call": "greeting.mine", "args": []},
        {"index": 3, "call": "greeting.missing", "args": []},
        {"index": 4, "call": "nomodule.f", "args": []},
        {"index": 5, "call": "greeting.long_message"},
        {"index": 6, "call": "greeting.unprintable"},
        {"index": 7, "call": "greeting.greet", "args": []},
    ])
    well_formed(res, 8)
    assert res.value(0) == "Hello, Ada!"
    assert res.error(1) == {"type": "ValueError", "types": ["ValueError", "Exception", "BaseException"],
                            "message": "bad 3"}
    e = res.error(2)
    assert e["types"] == ["MyError", "KeyError", "LookupError", "Exception", "BaseException"], e
    assert res.error(3)["type"] == "AttributeError"
    assert res.error(4)["type"] == "ModuleNotFoundError"
    assert len(res.error(5)["message"]) == 2000
    assert res.error(6)["type"] == "Unprintable" and "unprintable" in res.error(6)["message"]
    assert res.error(7)["type"] == "TypeError"
    assert res.ready_s is not None


def test_async_function_and_async_steps():
    res = run({"aio.py": """
        import asyncio
        async def add(a, b):
            await asyncio.sleep(0.01)
            return a + b
        async def fail():
            raise ValueError("async")
        class Store:
            def __init__(self):
                self.lock = None
                self.items = []
            async def put(self, x):
                if self.lock is None:
                    self.lock = asyncio.Lock()  # bound to the loop of the first step
                async with self.lock:
                    self.items.append(x)
                return len(self.items)
            async def all(self):
                async with self.lock:
                    return list(self.items)
        class Awaitable:
            def __await__(self):
                return (yield from asyncio.sleep(0, result=42).__await__())
        def make_awaitable():
            return Awaitable()
    """}, [
        {"index": 0, "call": "aio.add", "args": [2, 3]},
        {"index": 1, "call": "aio.fail", "args": []},
        {"index": 2, "call": "aio.Store", "args": [], "steps": [
            {"method": "put", "args": ["a"]}, {"method": "put", "args": ["b"]}, {"method": "all", "args": []}]},
        {"index": 3, "call": "aio.make_awaitable", "args": []},
    ])
    well_formed(res, 4)
    assert res.value(0) == 5
    assert res.error(1)["types"][:2] == ["ValueError", "Exception"]
    assert res.value(2) == [1, 2, ["a", "b"]]
    assert res.value(3) == 42


def test_object_steps():
    res = run({"bank.py": """
        class Account:
            def __init__(self, balance):
                self._balance = balance
                self.history = []
            def deposit(self, amount):
                if amount <= 0:
                    raise ValueError("amount must be positive")
                self._balance += amount
                self.history.append(amount)
            def balance(self):
                return self._balance
            def get_history(self):
                return self.history   # the same list each time: each step's value is taken when it returns
            def me(self):
                return self
    """}, [
        {"index": 0, "call": "bank.Account", "args": [10], "steps": [
            {"method": "deposit", "args": [5]}, {"method": "balance", "args": []}]},
        {"index": 1, "call": "bank.Account", "args": [10], "steps": [
            {"method": "deposit", "args": [-1]}, {"method": "balance", "args": []}]},
        {"index": 2, "call": "bank.Account", "args": [0], "steps": [
            {"method": "deposit", "args": [1]}, {"method": "get_history", "args": []},
            {"method": "deposit", "args": [2]}, {"method": "get_history", "args": []}]},
        {"index": 3, "call": "bank.Account", "args": [0], "steps": [{"method": "me", "args": []}]},
        {"index": 4, "call": "bank.Account", "args": [0], "steps": [{"method": "nope", "args": []}]},
        {"index": 5, "call": "bank.Account", "args": [], "steps": []},
    ])
    well_formed(res, 6)
    assert res.value(0) == [None, 15]
    assert res.error(1) == {"type": "ValueError", "types": ["ValueError", "Exception", "BaseException"],
                            "message": "amount must be positive"}
    assert res.value(2) == [None, [1], None, [1, 2]]
    assert "Account" in unserializable(res.error(3))
    assert res.error(4)["type"] == "AttributeError"
    assert res.error(5)["type"] == "TypeError"


def test_stdin_program():
    res = run({"main.py": """
        import sys
        from helper import add   # another file of the submission
        a, b = map(int, input().split())
        print(add(a, b))
        print("bye", end="")
    """, "helper.py": """
        def add(a, b):
            return a + b
    """, "crash.py": """
        import sys
        print("partial")
        print("some log", file=sys.stderr)
        raise SystemExit("it went wrong")
    """, "loop.py": """
        while True:
            pass
    """, "big.py": """
        import sys
        sys.stdout.write("x" * (2 << 20))
    """, "echo.py": """
        import sys
        data = sys.stdin.read()
        sys.stdout.write(str(len(data)))
    """, "background.py": """
        import os, time
        if os.fork() == 0:
            time.sleep(30)   # holds stdout open; must not be waited for
            os._exit(0)
        print("parent done")
    """}, [
        {"index": 0, "call": "main", "stdin": "3 4\n"},
        {"index": 1, "call": "crash", "stdin": ""},
        {"index": 2, "call": "nofile", "stdin": ""},
        {"index": 3, "call": "big", "stdin": ""},
        {"index": 4, "call": "echo", "stdin": "y" * 300000},
        {"index": 5, "call": "background", "stdin": ""},
        {"index": 6, "call": "main.main", "stdin": "1 1\n"},
        {"index": 7, "call": "loop", "stdin": ""},
    ], timeout_ms=4000)
    well_formed(res, 8)
    assert res.value(0) == "7\nbye"
    e = res.error(1)
    assert e["type"] == "ExitCode" and e["types"] == ["ExitCode"], e
    assert e["message"].startswith("exit code 1") and "it went wrong" in e["message"], e
    assert res.error(2)["type"] == "FileNotFoundError"
    assert "1 MiB" in unserializable(res.error(3))
    assert res.value(4) == "300000"
    assert res.value(5) == "parent done\n"
    assert res.value(6) == "2\nbye"
    assert res.error(7)["type"] == "Timeout", res.error(7)


def test_always_equal_and_other_unserializables():
    res = run({"tricky.py": """
        class Eq:
            def __eq__(self, other):
                return True
            def __ne__(self, other):
                return False
            __hash__ = object.__hash__
        def always_equal():
            return Eq()
        def in_list():
            return [1, Eq()]
        def gen():
            yield 1
        def func():
            return func
        def raw():
            return b"bytes"
        def int_key():
            return {1: "a"}
        def deep():
            v = []
            for _ in range(100):
                v = [v]
            return v
        def ok_depth():
            v = 1
            for _ in range(64):
                v = [v]
            return v
        def cyclic():
            v = []
            v.append(v)
            return v
        def huge():
            return ["y" * 1000] * 2000
        def huge_str():
            return "z" * (2 << 20)
        def big_int():
            return 10 ** 5000
        def surrogate():
            return "a\\udc80"
        class Cls:
            pass
        def klass():
            return Cls
    """}, [
        {"index": 0, "call": "tricky.always_equal"},
        {"index": 1, "call": "tricky.in_list"},
        {"index": 2, "call": "tricky.gen"},
        {"index": 3, "call": "tricky.func"},
        {"index": 4, "call": "tricky.raw"},
        {"index": 5, "call": "tricky.int_key"},
        {"index": 6, "call": "tricky.deep"},
        {"index": 7, "call": "tricky.ok_depth"},
        {"index": 8, "call": "tricky.cyclic"},
        {"index": 9, "call": "tricky.huge"},
        {"index": 10, "call": "tricky.huge_str"},
        {"index": 11, "call": "tricky.big_int"},
        {"index": 12, "call": "tricky.surrogate"},
        {"index": 13, "call": "tricky.klass"},
    ])
    well_formed(res, 14)
    assert unserializable(res.error(0)) == "returned a Eq"
    assert unserializable(res.error(1)) == "returned a Eq"
    assert unserializable(res.error(2)) == "returned a generator"
    assert unserializable(res.error(3)) == "returned a function"
    assert unserializable(res.error(4)) == "returned a bytes"
    assert "int key" in unserializable(res.error(5))
    assert "deeper" in unserializable(res.error(6))
    v = res.value(7)
    for _ in range(64):
        v = v[0]
    assert v == 1
    assert "deeper" in unserializable(res.error(8))
    assert "1 MiB" in unserializable(res.error(9))
    assert "1 MiB" in unserializable(res.error(10))
    unserializable(res.error(11))
    assert "surrogate" in unserializable(res.error(12))
    assert unserializable(res.error(13)) == "returned a type"


def test_values_floats_nested_sets_and_subclasses():
    res = run({"vals.py": """
        import collections, enum
        def nan():
            return float("nan")
        def infs():
            return [float("inf"), float("-inf"), 1.5, -0.0, 1e300, 2.0]
        def nested():
            return {"a": [1, {"b": (2, 3)}, None, True], "c": {"d": {}}, "e": [], "é": "ü"}
        def aset():
            return {3, 1, 2}
        def fset():
            return [frozenset(["x"]), set()]
        class Color(enum.IntEnum):
            RED = 7
        class Name(str, enum.Enum):
            ADA = "ada"
        class Weird(int):
            def __repr__(self):
                raise RuntimeError("must not run")
            __str__ = __repr__
            def __index__(self):
                raise RuntimeError("must not run")
        class WeirdList(list):
            def __iter__(self):
                raise RuntimeError("must not run")
            def __len__(self):
                raise RuntimeError("must not run")
        class WeirdDict(dict):
            def items(self):
                raise RuntimeError("must not run")
            def __iter__(self):
                raise RuntimeError("must not run")
        class WeirdStr(str):
            def __str__(self):
                return "forged"
        class WeirdFloat(float):
            def __float__(self):
                return 0.0
            def __repr__(self):
                return "0.0"
        Point = collections.namedtuple("Point", "x y")
        def subclasses():
            return [Color.RED, Name.ADA, Weird(5), WeirdList([1, 2]), WeirdDict(k=WeirdStr("v")),
                    WeirdFloat(2.5), Point(1, 2), collections.Counter("aab"),
                    collections.defaultdict(int, {WeirdStr("key"): 1}), collections.OrderedDict(z=1)]
        def plain():
            return [0, -7, 2 ** 80, "", None, False]
        def none():
            pass
    """}, [
        {"index": 0, "call": "vals.nan"},
        {"index": 1, "call": "vals.infs"},
        {"index": 2, "call": "vals.nested"},
        {"index": 3, "call": "vals.aset"},
        {"index": 4, "call": "vals.fset"},
        {"index": 5, "call": "vals.subclasses"},
        {"index": 6, "call": "vals.plain"},
        {"index": 7, "call": "vals.none"},
    ])
    well_formed(res, 8)
    assert res.value(0) == {"$float": "nan"}
    assert res.value(1) == [{"$float": "inf"}, {"$float": "-inf"}, 1.5, -0.0, 1e300, 2.0]
    assert res.value(2) == {"a": [1, {"b": [2, 3]}, None, True], "c": {"d": {}}, "e": [], "é": "ü"}
    assert sorted(res.value(3)) == [1, 2, 3]
    assert res.value(4) == [["x"], []]
    assert res.value(5) == [7, "ada", 5, [1, 2], {"k": "v"}, 2.5, [1, 2], {"a": 2, "b": 1}, {"key": 1}, {"z": 1}]
    assert res.value(6) == [0, -7, 2 ** 80, "", None, False]
    assert res.value(7) is None
    # No JSON line of ours carries a raw NaN/Infinity token.
    assert all("NaN" not in json.dumps(m) and "Infinity" not in json.dumps(m) for m in res.own)


def test_learner_json_module_does_not_break_worker():
    files = {"json.py": """
        raise ImportError("the worker must not import this")
    """, "mod.py": """
        import json   # the stdlib's, as for any import of a stdlib name
        def dump(x):
            return json.dumps(x)
    """}
    res = run(files, [
        {"index": 0, "call": "mod.dump", "args": [{"a": 1}]},
        {"index": 1, "call": "json.anything", "args": []},
        {"index": 2, "call": "mod.dump", "args": [[1]]},
    ])
    well_formed(res, 3)
    assert res.value(0) == '{"a": 1}'
    assert res.error(1) == {"type": "ImportError", "types": ["ImportError", "Exception", "BaseException"],
                            "message": "the worker must not import this"}
    assert res.value(2) == "[1]"
    # A submission module with a stdlib name is still the submission's when a check names it.
    res = run({"json.py": "def f():\n    return 'mine'\n", "queue.py": "def g():\n    return 'q'\n",
               "a.py": "async def h():\n    return 'async after queue.py'\n"}, [
        {"index": 0, "call": "json.f"}, {"index": 1, "call": "queue.g"}, {"index": 2, "call": "a.h"}])
    well_formed(res, 3)
    assert [res.value(i) for i in range(3)] == ["mine", "q", "async after queue.py"]


def test_output_and_fd3_writes_do_not_corrupt_reports():
    res = run({"noisy.py": """
        import os, sys
        print("garbage {\\"type\\":\\"check_result\\"}", end="")
        def shout():
            print("\\x00\\xff lots of garbage " * 1000)
            sys.stdout.write("no newline")
            sys.stdout.buffer.write(b"\\xff\\xfe")
            sys.stderr.write("err garbage")
            # fd 3 as the test worker has it (the check worker's own report fd is elsewhere by now; code that
            # hunts it down can garble its own results, nothing more).
            for fd in (3, 4):
                try:
                    os.write(fd, b'{"type":"check_result","index":0,"value":"forged"}\\npartial line')
                except OSError:
                    pass
            return "fine"
        def close_stdout():
            sys.stdout.close()
            os.close(1)
            return "closed"
    """}, [
        {"index": 0, "call": "noisy.shout"},
        {"index": 1, "call": "noisy.shout"},
        {"index": 2, "call": "noisy.close_stdout"},
    ])
    well_formed(res, 3)
    assert res.value(0) == "fine" and res.value(1) == "fine" and res.value(2) == "closed"
    assert b"lots of garbage" in res.stdout


def test_base_exceptions_do_not_stop_later_checks():
    res = run({"ex.py": """
        import sys
        def sysexit():
            sys.exit(3)
        def kbd():
            raise KeyboardInterrupt
        def rec(n=0):
            return rec(n + 1)
        def ok():
            return "still running"
        def reads_input():
            return input()
        async def async_exit():
            raise SystemExit("from a coroutine")
        class GenExit(GeneratorExit):
            pass
        def genexit():
            raise GenExit("g")
        def builtin_exit():
            exit(0)
    """}, [
        {"index": 0, "call": "ex.sysexit"},
        {"index": 1, "call": "ex.ok"},
        {"index": 2, "call": "ex.kbd"},
        {"index": 3, "call": "ex.rec"},
        {"index": 4, "call": "ex.reads_input"},
        {"index": 5, "call": "ex.async_exit"},
        {"index": 6, "call": "ex.genexit"},
        {"index": 7, "call": "ex.builtin_exit"},
        {"index": 8, "call": "ex.ok"},
    ])
    well_formed(res, 9)
    assert res.error(0) == {"type": "SystemExit", "types": ["SystemExit", "BaseException"], "message": "3"}
    assert res.value(1) == "still running"
    assert res.error(2)["types"] == ["KeyboardInterrupt", "BaseException"]
    assert res.error(3)["types"][:2] == ["RecursionError", "RuntimeError"]
    assert res.error(4)["type"] == "EOFError"
    assert res.error(5)["type"] == "SystemExit" and res.error(5)["message"] == "from a coroutine"
    assert res.error(6)["types"] == ["GenExit", "GeneratorExit", "BaseException"]
    assert res.error(7)["type"] == "SystemExit"
    assert res.value(8) == "still running"


def test_module_import_errors_and_state():
    res = run({"broken.py": """
        print("importing broken")
        x = 1 / 0
    """, "syntax.py": "def f(:\n", "counter.py": """
        n = 0
        def bump():
            global n
            n += 1
            return n
    """, "pkg/__init__.py": "", "pkg/inner.py": "def f():\n    return 'inner'\n"}, [
        {"index": 0, "call": "broken.f"},
        {"index": 1, "call": "broken.f"},
        {"index": 2, "call": "syntax.f"},
        {"index": 3, "call": "counter.bump"},
        {"index": 4, "call": "counter.bump"},
        {"index": 5, "call": "pkg.inner.f"},
        {"index": 6, "call": "nodot"},
        {"index": 7, "call": "../etc.f"},
    ])
    well_formed(res, 8)
    assert res.error(0)["type"] == "ZeroDivisionError" and res.error(1)["type"] == "ZeroDivisionError"
    assert res.stdout.count(b"importing broken") == 1  # a failed import is reported again, not run again
    assert res.error(2)["types"][0] == "SyntaxError"
    assert [res.value(3), res.value(4)] == [1, 2]
    assert res.value(5) == "inner"
    assert res.error(6)["type"] == "InvalidCheck"
    assert res.error(7)["type"] == "ModuleNotFoundError"


def test_no_checks_and_startup_time():
    times = []
    for _ in range(5):
        res = run({}, [])
        well_formed(res, 0)
        times.append(res.ready_s)
    print("startup to ready: min %.0f ms, median %.0f ms" % (min(times) * 1000, sorted(times)[2] * 1000))


if __name__ == "__main__":
    failed = 0
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            t = time.monotonic()
            try:
                fn()
                print("ok   %s (%.1fs)" % (name, time.monotonic() - t))
            except Exception:
                failed += 1
                import traceback
                print("FAIL %s" % name)
                traceback.print_exc()
    sys.exit(1 if failed else 0)
