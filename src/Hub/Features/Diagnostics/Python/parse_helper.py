# Live diagnostics helper for learners' Python: parses, never runs.
#
# Protocol: one batch per stdin line, a JSON array of requests {"id", "mode": "syntax"|"lint", "file", "source",
# "maxLineLength"}; one stdout line per batch, the array of answers {"id", "markers": [...]} in the same order,
# markers in Monaco's IMarkerData shape (1-based positions).
#
# Threat model: the source is hostile. ast.parse builds a tree and never compiles to bytecode, imports or executes
# anything, so the learner's code cannot act. What remains is the parser itself: huge or deeply nested input
# (bounded by the host before sending, by the recursion limit and by RLIMIT_AS below) and parser bugs (the host kills
# and restarts this process on a timeout, a crash or garbage output). The process runs with -I -S (no user site,
# no PYTHON* variables, no current directory on sys.path) and needs no file or network access.
import ast
import json
import sys
import warnings

try:
    import resource

    _limit = int(sys.argv[1]) * 1024 * 1024 if len(sys.argv) > 1 else 512 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (_limit, _limit))
except Exception:  # not Linux, or not allowed: the host's timeout still applies
    pass

sys.setrecursionlimit(3000)

ERROR, WARNING, INFO, HINT = 8, 4, 2, 1


def marker(line, col, end_line, end_col, severity, message, code, source):
    line = max(int(line or 1), 1)
    col = max(int(col or 1), 1)
    end_line = max(int(end_line or line), line)
    end_col = int(end_col or 0)
    if end_line == line and end_col <= col:
        end_col = col + 1
    return {"startLineNumber": line, "startColumn": col, "endLineNumber": end_line, "endColumn": end_col,
            "severity": severity, "message": message, "code": code, "source": source}


def node_marker(node, severity, message, code):
    return marker(node.lineno, node.col_offset + 1, getattr(node, "end_lineno", None),
                  (getattr(node, "end_col_offset", None) or node.col_offset) + 1, severity, message, code, "lint")


def parse(source, filename):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tree = ast.parse(source, filename=filename)
    return tree, caught


def syntax_error_marker(error):
    kind = type(error).__name__
    message = f"{kind}: {error.msg}" if kind != "SyntaxError" else error.msg
    return marker(error.lineno, error.offset, getattr(error, "end_lineno", None), getattr(error, "end_offset", None),
                  ERROR, message, kind, "syntax")


def lint(tree, caught, source, max_line_length):
    markers = []
    for w in caught:
        if issubclass(w.category, (SyntaxWarning, DeprecationWarning)):
            markers.append(marker(w.lineno, 1, w.lineno, 0, WARNING, str(w.message), w.category.__name__, "lint"))

    # Unused module-level imports (pyflakes F401), unless the module declares __all__.
    imported = {}
    used = set()
    declares_all = False
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) and not (
                isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            for alias in node.names:
                if alias.name == "*":
                    continue
                name = alias.asname or alias.name.split(".")[0]
                imported.setdefault(name, node)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            declares_all = True
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Compare):
            for op, right in zip(node.ops, node.comparators):
                if isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(right, ast.Constant):
                    if right.value is None:
                        markers.append(node_marker(node, HINT, "Compare with None using 'is' / 'is not'", "E711"))
                    elif right.value is True or right.value is False:
                        markers.append(node_marker(node, HINT, f"Comparison with {right.value} is redundant", "E712"))
        elif isinstance(node, ast.ExceptHandler) and node.type is None:
            markers.append(marker(node.lineno, node.col_offset + 1, node.lineno, node.col_offset + 7, WARNING,
                                  "Bare 'except:' also catches KeyboardInterrupt and SystemExit; name the exception",
                                  "E722", "lint"))
    if not declares_all:
        for name, node in imported.items():
            if name not in used:
                markers.append(node_marker(node, WARNING, f"'{name}' imported but unused", "F401"))

    indents = set()
    for number, line in enumerate(source.splitlines(), start=1):
        if max_line_length and len(line) > max_line_length:
            markers.append(marker(number, max_line_length + 1, number, len(line) + 1, HINT,
                                  f"Line longer than {max_line_length} characters", "E501", "lint"))
        stripped = line[:len(line) - len(line.lstrip(" \t"))]
        if stripped:
            indents.add("\t" in stripped and " " in stripped and "mixed" or ("\t" in stripped and "tab" or "space"))
    if "mixed" in indents or {"tab", "space"} <= indents:
        markers.append(marker(1, 1, 1, 2, WARNING, "Indentation mixes tabs and spaces; use 4 spaces", "W191", "lint"))
    return markers


def handle(request):
    source = request["source"]
    filename = request.get("file") or "<learner>"
    try:
        tree, caught = parse(source, filename)
    except SyntaxError as error:  # includes IndentationError and TabError
        return [syntax_error_marker(error)] if request["mode"] == "syntax" else []
    except (ValueError, RecursionError, MemoryError) as error:  # null bytes, absurd nesting
        if request["mode"] != "syntax":
            return []
        return [marker(1, 1, 1, 2, ERROR, f"Cannot parse this file: {type(error).__name__}", type(error).__name__,
                       "syntax")]
    if request["mode"] == "syntax":
        return []
    return lint(tree, caught, source, int(request.get("maxLineLength") or 0))


def answer(request):
    try:
        markers = handle(request)
    except (RecursionError, MemoryError) as error:
        markers = [marker(1, 1, 1, 2, INFO, f"Check skipped: {type(error).__name__}", None, request["mode"])]
    return {"id": request["id"], "markers": markers}


def main():
    for line in sys.stdin:
        sys.stdout.write(json.dumps([answer(request) for request in json.loads(line)]) + "\n")
        sys.stdout.flush()


main()
