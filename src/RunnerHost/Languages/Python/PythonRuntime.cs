using System.Text.RegularExpressions;
using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Languages.Python;

/// pytest files as they stand. The host lists the test functions it can see statically (top-level `def test*`,
/// and `def test*` methods of `Test*` classes or TestCase subclasses); each must be reported by the sandbox.
internal sealed partial class PythonRuntime : ILanguageRuntime
{
    // Files pytest or Python would pick up as configuration or plugins: a submission could change how tests
    // are collected or reported through them.
    private static readonly HashSet<string> Forbidden = new(StringComparer.OrdinalIgnoreCase)
    {
        "conftest.py", "pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml", "sitecustomize.py", "usercustomize.py",
        "pytest.py", "_pytest.py", "pluggy.py", "unittest.py",
    };

    public RunLanguage Language => RunLanguage.Python;

    public ValueTask<PreparedRun> PrepareAsync(RunRequest request, CancellationToken ct)
    {
        var bad = request.Files.FirstOrDefault(f => Forbidden.Contains(f.Name) || !f.Name.EndsWith(".py", StringComparison.Ordinal));
        if (bad is not null)
        {
            return ValueTask.FromResult(PreparedRun.Rejected($"file name not allowed for Python runs: {bad.Name}"));
        }
        var tests = request.Files.Where(f => f.IsTest).ToList();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in tests)
        {
            foreach (var name in StaticTests(f.Content))
            {
                expected.Add(name);
            }
        }
        return ValueTask.FromResult(new PreparedRun(PreparedRun.Utf8(request.Files), tests.Select(f => f.Name).ToList(), expected, KeyOf));
    }

    /// "TestX::test_y[1-2]" -> "test_y"
    internal static string KeyOf(string reported)
    {
        var bracket = reported.IndexOf('[', StringComparison.Ordinal);
        var name = bracket >= 0 ? reported[..bracket] : reported;
        var sep = name.LastIndexOf("::", StringComparison.Ordinal);
        return sep >= 0 ? name[(sep + 2)..] : name;
    }

    internal static IEnumerable<string> StaticTests(string source)
    {
        string? cls = null;
        var clsIsTest = false;
        foreach (var raw in source.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }
            var top = !char.IsWhiteSpace(line[0]);
            var c = ClassLine().Match(line);
            if (c.Success)
            {
                cls = c.Groups[1].Value;
                clsIsTest = cls.StartsWith("Test", StringComparison.Ordinal) || c.Groups[2].Value.Contains("TestCase", StringComparison.Ordinal);
                continue;
            }
            var d = DefLine().Match(line);
            if (top)
            {
                cls = null;
                if (d.Success && d.Groups[1].Value.Length == 0)
                {
                    yield return d.Groups[2].Value;
                }
                continue;
            }
            // One indentation level inside a test class: a test method.
            if (d.Success && cls is not null && clsIsTest && d.Groups[1].Value.Length is > 0 and <= 4)
            {
                yield return d.Groups[2].Value;
            }
        }
    }

    [GeneratedRegex(@"^class\s+(\w+)\s*(\([^)]*\))?\s*:")]
    private static partial Regex ClassLine();

    [GeneratedRegex(@"^(\s*)(?:async\s+)?def\s+(test\w*)\s*\(")]
    private static partial Regex DefLine();
}
