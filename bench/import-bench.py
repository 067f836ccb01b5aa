#!/usr/bin/env python3
"""Import benchmark: builds a synthetic Exercism-format track of N practice exercises per language (the shapes public
tracks use: unittest and parametrized pytest; ES-module Jest specs importing from '@jest/globals' with xtest, test.each
and async tests; xunit facts and theories with Skip), imports it into a running platform as the development admin and
reports how long import + validation took and how many exercises came out valid.

    ./run.sh &   # a running platform (http://localhost:8080)
    python3 bench/import-bench.py [--count 140] [--languages python,javascript,csharp] [--runs 1]

Settings: LP_URL (http://localhost:8080); the admin login is read from .dev/secrets.env.
"""
import argparse, io, json, os, tarfile, time, urllib.request, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
URL = os.environ.get("LP_URL", "http://localhost:8080")


def python_exercise(i, kind):
    mod = f"task_{i}"
    if kind == 0:  # unittest class, subTest, skips on all but the first test
        tests = f"""import unittest

import pytest

from {mod} import scale


class ScaleTest(unittest.TestCase):
    def test_zero(self):
        self.assertEqual(scale(0), 0)

    @pytest.mark.skip
    def test_small(self):
        for n in range(1, 4):
            with self.subTest(n=n):
                self.assertEqual(scale(n), n * {i + 2})

    @pytest.mark.skip
    def test_negative(self):
        self.assertEqual(scale(-1), -{i + 2})
"""
        example, stub = f"def scale(n):\n    return n * {i + 2}\n", "def scale(n):\n    pass\n"
    elif kind == 1:  # parametrize
        tests = f"""import pytest

from {mod} import shift


@pytest.mark.parametrize("word,expected", [("abc", "abc{i}"), ("", "{i}"), ("x y", "x y{i}")])
def test_shift(word, expected):
    assert shift(word) == expected
"""
        example, stub = f"def shift(word):\n    return word + \"{i}\"\n", "def shift(word):\n    pass\n"
    elif kind == 2:  # pytest.raises with match
        tests = f"""import pytest

from {mod} import checked


def test_valid():
    assert checked({i}) == {i}


def test_invalid():
    with pytest.raises(ValueError, match="negative"):
        checked(-1)
"""
        example = "def checked(n):\n    if n < 0:\n        raise ValueError(\"negative input\")\n    return n\n"
        stub = "def checked(n):\n    pass\n"
    else:  # collections
        tests = f"""from {mod} import evens


def test_evens():
    assert evens(list(range({i % 7 + 4}))) == [n for n in range({i % 7 + 4}) if n % 2 == 0]


def test_empty():
    assert evens([]) == []
"""
        example, stub = "def evens(items):\n    return [n for n in items if n % 2 == 0]\n", "def evens(items):\n    pass\n"
    return {f"{mod}.py": stub, f"{mod}_test.py": tests, ".meta/example.py": example}, [f"{mod}.py"], [f"{mod}_test.py"], [".meta/example.py"]


def javascript_exercise(i, kind):
    mod = f"task-{i}"
    if kind == 0:
        tests = f"""import {{ describe, expect, test, xtest }} from '@jest/globals';
import {{ scale }} from './{mod}';

describe('scale', () => {{
  test('zero', () => {{
    expect(scale(0)).toBe(0);
  }});

  xtest('small numbers', () => {{
    expect([1, 2, 3].map(scale)).toEqual([{i + 2}, {2 * (i + 2)}, {3 * (i + 2)}]);
  }});
}});
"""
        example, stub = f"export const scale = (n) => n * {i + 2};\n", "export const scale = () => {\n  throw new Error('Remove this line and implement the function');\n};\n"
    elif kind == 1:
        tests = f"""import {{ describe, expect, test }} from '@jest/globals';
import {{ shift }} from './{mod}';

describe('shift', () => {{
  test.each([
    ['abc', 'abc{i}'],
    ['', '{i}'],
  ])('shifts %p', (word, expected) => {{
    expect(shift(word)).toBe(expected);
  }});
}});
"""
        example, stub = f"export const shift = (word) => `${{word}}{i}`;\n", "export const shift = () => {\n  throw new Error('Remove this line and implement the function');\n};\n"
    elif kind == 2:
        tests = f"""import {{ describe, expect, test, xtest }} from '@jest/globals';
import {{ fetchValue }} from './{mod}';

describe('fetchValue', () => {{
  test('resolves', async () => {{
    await expect(fetchValue({i})).resolves.toBe({i});
  }});

  xtest('rejects negatives', async () => {{
    await expect(fetchValue(-1)).rejects.toThrow('negative');
  }});
}});
"""
        example = "export const fetchValue = async (n) => {\n  if (n < 0) throw new Error('negative input');\n  return n;\n};\n"
        stub = "export const fetchValue = () => {\n  throw new Error('Remove this line and implement the function');\n};\n"
    else:
        tests = f"""const {{ evens }} = require('./{mod}');

describe('evens', () => {{
  test('keeps the even numbers', () => {{
    expect(evens([...Array({i % 7 + 4}).keys()])).toEqual([...Array({i % 7 + 4}).keys()].filter((n) => n % 2 === 0));
  }});

  test('throws on a non-array', () => {{
    expect(() => evens(null)).toThrow(TypeError);
  }});
}});
"""
        example = "module.exports.evens = (items) => {\n  if (!Array.isArray(items)) throw new TypeError('not an array');\n  return items.filter((n) => n % 2 === 0);\n};\n"
        stub = "module.exports.evens = () => {\n  throw new Error('Remove this line and implement the function');\n};\n"
    return {f"{mod}.js": stub, f"{mod}.spec.js": tests, ".meta/proof.ci.js": example}, [f"{mod}.js"], [f"{mod}.spec.js"], [".meta/proof.ci.js"]


def csharp_exercise(i, kind):
    cls = f"Task{i}"
    stub_body = 'throw new NotImplementedException("You need to implement this method.");'
    if kind == 0:
        method, ret, impl = "Scale(int n)", "int", f"n * {i + 2}"
        tests = f"""using Xunit;

public class {cls}Tests
{{
    [Fact]
    public void Zero() => Assert.Equal(0, {cls}.Scale(0));

    [Fact(Skip = "Remove this Skip property to run this test")]
    public void One() => Assert.Equal({i + 2}, {cls}.Scale(1));
}}
"""
    elif kind == 1:
        method, ret, impl = "Shift(string word)", "string", f"word + \"{i}\""
        tests = f"""using Xunit;

public class {cls}Tests
{{
    [Theory(Skip = "Remove this Skip property to run this test")]
    [InlineData("abc", "abc{i}")]
    [InlineData("", "{i}")]
    public void Shifts(string word, string expected) => Assert.Equal(expected, {cls}.Shift(word));
}}
"""
    elif kind == 2:
        method, ret, impl = "Checked(int n)", "int", "n < 0 ? throw new ArgumentOutOfRangeException(nameof(n)) : n"
        tests = f"""using System;
using Xunit;

public class {cls}Tests
{{
    [Fact]
    public void Valid() => Assert.Equal({i}, {cls}.Checked({i}));

    [Fact(Skip = "Remove this Skip property to run this test")]
    public void Invalid() => Assert.Throws<ArgumentOutOfRangeException>(() => {cls}.Checked(-1));
}}
"""
    else:
        method, ret, impl = "Evens(int[] items)", "int[]", "items.Where(n => n % 2 == 0).ToArray()"
        tests = f"""using System.Collections.Generic;
using Xunit;

public class {cls}Tests
{{
    public static IEnumerable<object[]> Cases => new List<object[]>
    {{
        new object[] {{ new[] {{ 1, 2, 3, 4 }}, new[] {{ 2, 4 }} }},
        new object[] {{ new int[0], new int[0] }},
    }};

    [Theory]
    [MemberData(nameof(Cases))]
    public void Keeps_the_even_numbers(int[] items, int[] expected) => Assert.Equal(expected, {cls}.Evens(items));
}}
"""
    stub = f"using System;\n\npublic static class {cls}\n{{\n    public static {ret} {method}\n    {{\n        {stub_body}\n    }}\n}}\n"
    example = f"using System;\nusing System.Linq;\n\npublic static class {cls}\n{{\n    public static {ret} {method} => {impl};\n}}\n"
    return {f"{cls}.cs": stub, f"{cls}Tests.cs": tests, ".meta/Example.cs": example, f"{cls}.csproj": "<Project Sdk=\"Microsoft.NET.Sdk\" />\n"}, \
        [f"{cls}.cs"], [f"{cls}Tests.cs"], [".meta/Example.cs"]


MAKERS = {"python": (python_exercise, "Python"), "javascript": (javascript_exercise, "JavaScript"), "csharp": (csharp_exercise, "C#")}


def track_archive(language, count, slug):
    make, name = MAKERS[language]
    files, practice = {}, []
    for i in range(count):
        ex_slug = f"task-{i}"
        ex_files, solution, test, example = make(i, i % 4)
        base = f"exercises/practice/{ex_slug}/"
        for path, content in ex_files.items():
            files[base + path] = content
        files[base + ".meta/config.json"] = json.dumps({"authors": ["bench"], "files": {"solution": solution, "test": test, "example": example}})
        files[base + ".docs/instructions.md"] = f"# Instructions\n\nExercise {i} of a generated track.\n"
        files[base + ".docs/hints.md"] = "# Hints\n\n## General\n\n- Read the tests.\n"
        practice.append({"slug": ex_slug, "name": f"Task {i}", "uuid": str(uuid.uuid4()), "practices": ["basics"], "prerequisites": [], "difficulty": 1 + i % 10})
    files["config.json"] = json.dumps({"language": name, "slug": slug, "blurb": "Generated.", "exercises": {"concept": [], "practice": practice},
                                       "concepts": [{"uuid": str(uuid.uuid4()), "slug": "basics", "name": "Basics"}]})
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for path, content in sorted(files.items()):
            data = content.encode()
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def request(method, path, token=None, body=None, content_type="application/json"):
    req = urllib.request.Request(URL + path, data=body, method=method)
    if body is not None:
        req.add_header("Content-Type", content_type)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as response:
        return json.loads(response.read() or b"null")


def admin_token():
    env = dict(line.strip().split("=", 1) for line in open(os.path.join(ROOT, ".dev/secrets.env")) if "=" in line)
    login = {"email": env["LP_ADMIN_EMAIL"], "password": env["LP_ADMIN_PASSWORD"]}
    return request("POST", "/api/auth/login", body=json.dumps(login).encode())["accessToken"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=140)
    parser.add_argument("--languages", default="python,javascript,csharp")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    token = admin_token()
    for run in range(args.runs):
        for language in args.languages.split(","):
            archive = track_archive(language, args.count, f"bench-{language}-{uuid.uuid4().hex[:6]}")
            started = time.monotonic()
            import_id = request("POST", "/api/imports?format=exercism", token, archive, "application/gzip")["id"]
            while True:
                state = request("GET", f"/api/imports/{import_id}", token)
                if state["status"] != "running":
                    break
                time.sleep(1)
                if time.monotonic() - started > 30 * 60:
                    raise SystemExit(f"import {import_id} still running after 30 minutes")
            seconds = time.monotonic() - started
            practice = [e for e in state["exercises"]]
            valid = sum(e["status"] == "imported" for e in practice)
            print(f"{language}: {len(practice)} exercises, {valid} valid ({100 * valid / max(1, len(practice)):.1f} %), "
                  f"import + validation {seconds:.1f} s, archive {len(archive) / 1024:.0f} KB, status {state['status']}", flush=True)
            for e in practice:
                if e["status"] != "imported":
                    print(f"  {e['slug']}: {e['status']}: {(e['reason'] or '')[:300]}")


if __name__ == "__main__":
    main()
