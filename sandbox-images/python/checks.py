"""Python check worker: runs the hidden checks of a submit (docs/hidden-checks-protocol.md).

Started by the supervisor next to the test worker; says `ready` on fd 3, blocks on one line from stdin, runs each
check in order and reports `check_started` / `check_result` per check, then `checks_done`, then exits at once.

Values are serialized without running any code of the submission: exact built-in types as they are; subclasses of
int/float/str/list/tuple/dict/set/frozenset (IntEnum, Counter, defaultdict, OrderedDict, namedtuple, ...) through
the built-in's own methods (`int.__repr__`, `float.__float__`, `str.__str__`, `list.__iter__`, `dict.items`...), so
their overrides never run; dict keys must be strings; anything else is `$unserializable`.

The work dir is `/work` unless SANDBOX_WORK says otherwise (tests only; the supervisor does not set it).
"""
import ctypes

try:
    ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 0: no ptrace, no /proc/<pid>/mem for the same uid
except Exception:
    pass

import fcntl, json, os, sys, time, types
import importlib, importlib.util

WORK = os.path.abspath(os.environ.get("SANDBOX_WORK", "/work"))
MAX_DEPTH = 64
MAX_BYTES = 1 << 20
MESSAGE_CHARS = 2000

# Everything the worker itself needs, bound before any submitted code runs (a `json.py` in the work dir, or code
# that patches json/os later, does not reach these).
_loads = json.loads
_dumps = json.dumps
_enc_str = json.encoder.encode_basestring_ascii
_write = os.write
_read = os.read
_monotonic = time.monotonic
_exit = os._exit
_int_repr = int.__repr__
_float_float = float.__float__
_float_repr = float.__repr__
_str_str = str.__str__
_str_encode = str.encode
_str_isascii = str.isascii
_list_iter = list.__iter__
_tuple_iter = tuple.__iter__
_set_iter = set.__iter__
_frozenset_iter = frozenset.__iter__
_dict_items = dict.items
_type_name = type.__dict__["__name__"].__get__
_type_mro = type.__dict__["__mro__"].__get__
_CoroutineType = types.CoroutineType
_STDLIB = frozenset(sys.stdlib_module_names)
_MISSING = object()


def _make_sender():
    # Reports move off fd 3 to a private close-on-exec descriptor: the code under test (or a program a check
    # starts) that writes to "fd 3" cannot splice a partial line into ours.
    out = [3]

    nonce = [b""]

    def send_raw(text):
        data = nonce[0] + (text + "\n").encode("utf-8")
        while data:
            try:
                n = _write(out[0], data)
            except InterruptedError:
                continue
            except OSError:
                _exit(1)
            data = data[n:]

    def arm(value):
        nonce[0] = value.encode("ascii") + b" " if value else b""
        try:
            fd = fcntl.fcntl(3, fcntl.F_DUPFD_CLOEXEC, 100)
            os.close(3)
            out[0] = fd
        except OSError:
            pass

    return send_raw, arm


send_raw, _arm = _make_sender()
del _make_sender


def clip(text, n=MESSAGE_CHARS):
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def clean(text):
    """A str safe to put in JSON for any reader: no unpaired surrogates."""
    return _str_encode(text, "utf-8", "replace").decode("utf-8")


def type_name(t):
    try:
        name = _type_name(t)
        return _str_str(name) if isinstance(name, str) else "?"
    except Exception:
        return "?"


class Unserializable(Exception):
    pass


def encode(value, budget=MAX_BYTES):
    """JSON text for value, or Unserializable. Runs no code of the submission."""
    parts = []
    size = [0]

    def add(s):
        size[0] += len(s)
        if size[0] > budget:
            raise Unserializable("returned more than 1 MiB of JSON")
        parts.append(s)

    def add_str(s):
        if len(s) > budget:
            raise Unserializable("returned more than 1 MiB of JSON")
        if not _str_isascii(s):
            try:
                _str_encode(s, "utf-8")
            except UnicodeEncodeError:
                raise Unserializable("returned a str with unpaired surrogates")
        add(_enc_str(s))

    def seq(it, depth):
        add("[")
        first = True
        for x in it:
            if not first:
                add(",")
            first = False
            enc(x, depth)
        add("]")

    def enc(v, depth):
        if depth > MAX_DEPTH:
            raise Unserializable("returned a value nested deeper than %d" % MAX_DEPTH)
        t = type(v)
        if v is None:
            add("null")
        elif t is bool:
            add("true" if v else "false")
        elif t is str:
            add_str(v)
        elif t is int:
            add(_int_repr(v))
        elif t is float:
            num(v)
        elif t is list:
            seq(_list_iter(v), depth + 1)
        elif t is dict:
            obj(v, depth + 1)
        elif t is tuple:
            seq(_tuple_iter(v), depth + 1)
        elif t is set:
            seq(_set_iter(v), depth + 1)
        elif t is frozenset:
            seq(_frozenset_iter(v), depth + 1)
        # Subclasses of built-ins: through the built-in's own methods, never the subclass's.
        elif issubclass(t, int):
            add(_int_repr(v))
        elif issubclass(t, float):
            num(_float_float(v))
        elif issubclass(t, str):
            add_str(_str_str(v))
        elif issubclass(t, dict):
            obj(v, depth + 1)
        elif issubclass(t, list):
            seq(_list_iter(v), depth + 1)
        elif issubclass(t, tuple):
            seq(_tuple_iter(v), depth + 1)
        elif issubclass(t, frozenset):
            seq(_frozenset_iter(v), depth + 1)
        elif issubclass(t, set):
            seq(_set_iter(v), depth + 1)
        else:
            raise Unserializable("returned a " + type_name(t))

    def num(f):
        if f != f:
            add('{"$float":"nan"}')
        elif f == _INF:
            add('{"$float":"inf"}')
        elif f == -_INF:
            add('{"$float":"-inf"}')
        else:
            add(_float_repr(f))

    def obj(d, depth):
        add("{")
        seen = set()
        first = True
        for k, x in _dict_items(d):
            tk = type(k)
            if tk is not str:
                if not issubclass(tk, str):
                    raise Unserializable("returned a dict with a %s key" % type_name(tk))
                k = _str_str(k)
            if k in seen:
                raise Unserializable("returned a dict with a duplicate key")
            seen.add(k)
            if not first:
                add(",")
            first = False
            add_str(k)
            add(":")
            enc(x, depth)
        add("}")

    try:
        enc(value, 0)
    except Unserializable:
        raise
    except RecursionError:
        raise Unserializable("returned a value nested too deeply")
    except ValueError as e:  # an int over the interpreter's digit limit
        raise Unserializable("returned an unrepresentable value: %s" % clip(clean(_str_str(str(e)))))
    except Exception as e:  # e.g. a thread of the submission mutated a container while it was read
        raise Unserializable("could not read the value: " + type_name(type(e)))
    return "".join(parts)


_INF = float("inf")


class ExitCode(Exception):
    pass


class Timeout(Exception):
    pass


class InvalidCheck(Exception):
    pass


def error_of(e):
    """The protocol's error shape for an exception (any BaseException) of the submission."""
    if isinstance(e, Unserializable):
        return {"type": "$unserializable", "types": ["$unserializable"], "message": clip(clean(e.args[0]))}
    t = type(e)
    if t is ExitCode or t is Timeout or t is InvalidCheck:
        names = [t.__name__]
    else:
        try:
            names = [clean(type_name(c)) for c in _type_mro(t) if c is not object]
        except Exception:
            names = [clean(type_name(t))]
    try:
        message = str(e)
        message = _str_str(message) if isinstance(message, str) else "<unprintable>"
    except BaseException:
        message = "<unprintable %s>" % names[0]
    return {"type": names[0], "types": names, "message": clip(clean(message))}


# --- loading the submission ------------------------------------------------------------------------------------

_modules = {}  # name -> module, or the exception its import raised (reported again, not re-run)


def load_module(name):
    if name in _modules:
        m = _modules[name]
        if isinstance(m, BaseException):
            raise m
        return m
    try:
        m = _import(name)
    except BaseException as e:
        _modules[name] = e
        raise
    _modules[name] = m
    return m


def _import(name):
    parts = name.split(".")
    if not all(p.isidentifier() for p in parts):
        raise ModuleNotFoundError("No module named %r" % name)
    if len(parts) > 1:
        # A package of the submission: the normal import system (the work dir is on sys.path, after the stdlib).
        return importlib.import_module(name)
    path = os.path.join(WORK, name + ".py")
    if not os.path.isfile(path):
        init = os.path.join(WORK, name, "__init__.py")
        if not os.path.isfile(init):
            raise ModuleNotFoundError("No module named %r in the solution" % name)
        path = init
    prev = sys.modules.get(name, _MISSING)
    if prev is not _MISSING and getattr(prev, "__dict__", {}).get("__file__") == path:
        return prev  # already imported by another module of the submission
    # Loaded from its file even when the stdlib has a module of that name (the stdlib comes first on sys.path).
    spec = importlib.util.spec_from_file_location(name, path, submodule_search_locations=(
        [os.path.dirname(path)] if path.endswith("__init__.py") else None))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        if prev is _MISSING:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = prev
        raise
    # A stdlib name keeps meaning the stdlib for everything else (asyncio, subprocess... imported later).
    if prev is not _MISSING:
        sys.modules[name] = prev
    elif name in _STDLIB:
        sys.modules.pop(name, None)
    return module


def resolve(call):
    """`module.name` (module may be dotted, name may be dotted below it) -> the object."""
    if type(call) is not str or not call:
        raise InvalidCheck("no call")
    parts = call.split(".")
    if len(parts) < 2:
        raise InvalidCheck("call is not <module>.<name>: %r" % call)
    # The longest prefix that is a module file of the submission; else everything but the last part.
    cut = len(parts) - 1
    for i in range(len(parts) - 1, 0, -1):
        base = os.path.join(WORK, *parts[:i])
        if os.path.isfile(base + ".py") or os.path.isfile(os.path.join(base, "__init__.py")):
            cut = i
            break
    target = load_module(".".join(parts[:cut]))
    for attr in parts[cut:]:
        target = getattr(target, attr)
    return target


# --- running ---------------------------------------------------------------------------------------------------

class _Loop:
    """One asyncio runner per check (created only when a call returns an awaitable), so a check's steps share
    one event loop. asyncio is imported on first use: it costs more than the rest of the worker."""

    def __init__(self):
        self.runner = None

    def settle(self, v):
        t = type(v)
        if t is not _CoroutineType:
            if t in _PLAIN or getattr(t, "__await__", None) is None:
                return v
        if self.runner is None:
            import asyncio
            self.runner = asyncio.Runner()
        if t is not _CoroutineType:
            v = _await(v)
        return self.runner.run(v)


_PLAIN = frozenset((type(None), bool, int, float, str, list, tuple, dict, set, frozenset))


async def _await(a):
    return await a


def run_call(check):
    loop = _Loop()
    target = resolve(check.get("call"))
    args = check.get("args") or []
    if type(args) is not list:
        raise InvalidCheck("args is not an array")
    steps = check.get("steps")
    if steps is None:
        return encode(loop.settle(target(*args)))
    if type(steps) is not list:
        raise InvalidCheck("steps is not an array")
    obj = target(*args)
    # Each step's result is serialized as soon as it returns (a later step may change a returned list).
    out = []
    budget = MAX_BYTES
    for step in steps:
        method = step.get("method") if type(step) is dict else None
        sargs = (step.get("args") or []) if type(step) is dict else None
        if type(method) is not str or type(sargs) is not list:
            raise InvalidCheck("a step needs a method name and an args array")
        text = encode(loop.settle(getattr(obj, method)(*sargs)), budget)
        budget -= len(text) + 1
        out.append(text)
    return "[" + ",".join(out) + "]"


def run_program(check, deadline):
    """`python3 <module>.py` with the check's stdin; its stdout is the value."""
    import selectors, signal, subprocess
    name = check.get("call")
    stdin = check.get("stdin")
    if type(name) is not str or type(stdin) is not str:
        raise InvalidCheck("a program check needs call and stdin strings")
    parts = name.split(".")
    if not all(p.isidentifier() for p in parts):
        raise InvalidCheck("bad module name %r" % name)
    path = os.path.join(WORK, *parts) + ".py"
    if not os.path.isfile(path) and len(parts) > 1:  # "main.main" -> main.py
        path = os.path.join(WORK, *parts[:-1]) + ".py"
    if not os.path.isfile(path):
        raise FileNotFoundError("No file %s.py in the solution" % name.replace(".", "/"))
    # -E -s -B rather than -I: -I also leaves the script's own directory off sys.path, and a program that imports
    # another file of the submission must work as it does when run by hand.
    p = subprocess.Popen([sys.executable, "-E", "-s", "-B", path], cwd=WORK, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    data = _str_encode(stdin, "utf-8", "replace")
    out = bytearray()
    err = bytearray()
    too_much = timed_out = exited = False
    sel = selectors.DefaultSelector()
    for f in (p.stdin, p.stdout, p.stderr):
        os.set_blocking(f.fileno(), False)
    if data:
        sel.register(p.stdin, selectors.EVENT_WRITE, "in")
    else:
        p.stdin.close()
    reading = {p.stdout: out, p.stderr: err}
    for f in reading:
        sel.register(f, selectors.EVENT_READ, "read")
    try:
        pidfd = os.pidfd_open(p.pid)
        sel.register(pidfd, selectors.EVENT_READ, "exit")
    except (AttributeError, OSError):
        pidfd = None

    def drain(f):
        nonlocal too_much
        into = reading[f]
        while True:
            try:
                chunk = _read(f.fileno(), 65536)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                sel.unregister(f)
                del reading[f]
                return
            into += chunk
            if into is out:
                if len(out) > MAX_BYTES:
                    too_much = True
                    return
            elif len(err) > 16384:
                del err[:-8192]

    while not (exited or too_much):
        remaining = deadline - _monotonic()
        if remaining <= 0:
            timed_out = True
            break
        for key, _ in sel.select(remaining if pidfd is not None else min(remaining, 0.02)):
            if key.data == "in":
                try:
                    n = _write(p.stdin.fileno(), data[:65536])
                    data = data[n:]
                except BlockingIOError:
                    continue
                except OSError:  # the program stopped reading
                    data = b""
                if not data:
                    sel.unregister(p.stdin)
                    p.stdin.close()
            elif key.data == "read":
                if key.fileobj in reading:
                    drain(key.fileobj)
            elif key.data == "exit":
                exited = True
        if pidfd is None and p.poll() is not None:
            exited = True
    if exited:
        # What it wrote before exiting is in the pipes already; a child it left holding them is not waited for.
        for f in list(reading):
            if not too_much:
                drain(f)
    try:
        os.killpg(p.pid, signal.SIGKILL)  # it and anything it started in its session
    except OSError:
        pass
    code = p.wait()
    for f in (p.stdin, p.stdout, p.stderr):
        try:
            f.close()
        except OSError:
            pass
    sel.close()
    if pidfd is not None:
        os.close(pidfd)
    if timed_out:
        raise Timeout("the program did not finish in time")
    if too_much:
        raise Unserializable("the program wrote more than 1 MiB")
    if code != 0:
        tail = bytes(err).decode("utf-8", "replace").rstrip("\n")
        head = ("exit code %d" % code) if code > 0 else ("killed by signal %d" % -code)
        room = MESSAGE_CHARS - len(head) - 1
        if len(tail) > room:
            tail = "\u2026" + tail[-(room - 1):]
        raise ExitCode(head + ("\n" + tail if tail else ""))
    return encode(bytes(out).decode("utf-8", "replace"))


def main():
    send_raw('{"type":"ready"}')
    buf = b""
    while b"\n" not in buf:
        chunk = _read(0, 1 << 20)
        if not chunk:
            break
        buf += chunk
    if not buf.strip():
        _exit(0)
    # From here on stdin is empty: code of the submission that reads input() gets EOF instead of blocking.
    try:
        fd = os.open(os.devnull, os.O_RDONLY)
        os.dup2(fd, 0)
        os.close(fd)
    except OSError:
        pass
    run = _loads(buf.split(b"\n", 1)[0].decode("utf-8", "replace"))
    _arm(run.pop("nonce", ""))
    globals().pop("_arm", None)
    deadline = _monotonic() + int(run.get("timeoutMs", 10000)) / 1000.0
    # The submission's own modules import each other from the work dir, but never ahead of the stdlib.
    sys.path.append(WORK)
    checks = run.get("checks") or []
    for position, check in enumerate(checks):
        index = check.get("index", position) if type(check) is dict else position
        index = index if type(index) is int else position
        send_raw('{"type":"check_started","index":%d}' % index)
        try:
            if type(check) is not dict:
                raise InvalidCheck("a check is not an object")
            text = run_program(check, deadline) if "stdin" in check else run_call(check)
            line = '{"type":"check_result","index":%d,"value":%s}' % (index, text)
        except BaseException as e:  # SystemExit, KeyboardInterrupt, RecursionError... of the submission included
            try:
                err = error_of(e)
            except BaseException:
                err = {"type": "?", "types": ["?"], "message": ""}
            line = '{"type":"check_result","index":%d,"error":%s}' % (index, _dumps(err, separators=(",", ":")))
        send_raw(line)
    send_raw('{"type":"checks_done"}')
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except BaseException:
            pass
    _exit(0)


if __name__ == "__main__":
    try:
        main()
    except BaseException:
        try:
            import traceback
            traceback.print_exc()
            sys.stderr.flush()
        finally:
            _exit(1)
