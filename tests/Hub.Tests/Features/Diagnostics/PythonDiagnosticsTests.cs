using LearningPlatform.Contracts.Workbench;
using LearningPlatform.Hub.Features.Diagnostics;

namespace LearningPlatform.Hub.Tests.Features.Diagnostics;

[Collection(DiagnosticsCollection.Name)]
public sealed class PythonDiagnosticsTests(AnalyzersFixture analyzers)
{
    [Fact]
    public async Task BrokenDef_GivesSyntaxMarkerOnLineOne()
    {
        Assert.True(analyzers.Python.Available, "python3 is required on this machine");
        using var h = analyzers.Pipeline();

        await h.Edit("main.py", 1, "def f(:\n    pass\n");
        var syntax = await h.Result("main.py", 1, DiagnosticsLayer.Syntax);

        var marker = Assert.Single(syntax.Markers);
        Assert.Equal(1, marker.StartLineNumber);
        Assert.Equal(7, marker.StartColumn);
        Assert.Equal(MarkerSeverity.Error, marker.Severity);
        Assert.Equal(DiagnosticsLayer.Syntax, marker.Source);
    }

    [Fact]
    public async Task ValidCode_GivesNoSyntaxMarkers()
    {
        using var h = analyzers.Pipeline();

        await h.Edit("main.py", 1, "def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n");

        Assert.Empty((await h.Result("main.py", 1, DiagnosticsLayer.Syntax)).Markers);
        Assert.Empty((await h.Result("main.py", 1, DiagnosticsLayer.Lint)).Markers);
    }

    [Fact]
    public async Task HarmfulCode_IsOnlyParsed_NeverRun()
    {
        using var h = analyzers.Pipeline(o => o.SemanticDebounce = TimeSpan.Zero);
        var proof = Path.Combine(Path.GetTempPath(), "pwned-" + Guid.NewGuid().ToString("N"));
        var code = $"import os; os.system(\"touch {proof}\")\nopen(\"{proof}\", \"w\").write(\"x\")\n";

        await h.Edit("evil.py", 1, code);
        Assert.Empty((await h.Result("evil.py", 1, DiagnosticsLayer.Syntax)).Markers);
        await h.Result("evil.py", 1, DiagnosticsLayer.Lint);

        Assert.False(File.Exists(proof), "the learner's code was executed");
    }

    [Fact]
    public async Task Lint_ReportsUnusedImportAndNoneComparison_AndFixingTheErrorClearsSyntax()
    {
        using var h = analyzers.Pipeline(o => o.SemanticDebounce = TimeSpan.Zero);

        await h.Edit("main.py", 1, "import sys\nx = 1\nif x == None\n    pass\n");
        Assert.Equal(3, Assert.Single((await h.Result("main.py", 1, DiagnosticsLayer.Syntax)).Markers).StartLineNumber);
        await h.Edit("main.py", 2, "import sys\nx = 1\nif x == None:\n    pass\n");
        Assert.Empty((await h.Result("main.py", 2, DiagnosticsLayer.Syntax)).Markers);
        var lint = await h.Result("main.py", 2, DiagnosticsLayer.Lint);

        Assert.Contains(lint.Markers, m => m is { Code: "F401", StartLineNumber: 1, Severity: MarkerSeverity.Warning });
        Assert.Contains(lint.Markers, m => m is { Code: "E711", StartLineNumber: 3 });
    }

    [Fact]
    public async Task FilesWaitingForABusyHelper_AreCheckedLate_NotMarkedAsTooSlow()
    {
        // The pipeline's syntax limit is 50 ms; 400 files of 2,000 characters take the helper several times that in
        // all. Waiting for the helper is not analysing: every file must get its real syntax error.
        using var h = analyzers.Pipeline(o => (o.SyntaxTimeLimit, o.MaxSessionLength) = (TimeSpan.FromMilliseconds(50), 100_000_000));
        var body = string.Concat(Enumerable.Repeat("value = [i * 2 for i in range(10)]\n", 60));
        var files = Enumerable.Range(0, 400).Select(i => $"f{i}.py").ToList();

        await Task.WhenAll(files.Select(f => h.Edit(f, 1, body + "def broken(:\n")));

        foreach (var file in files)
        {
            var marker = Assert.Single((await h.Result(file, 1, DiagnosticsLayer.Syntax)).Markers);
            Assert.Equal(MarkerSeverity.Error, marker.Severity);
            Assert.Equal(61, marker.StartLineNumber);
        }
    }

    [Fact]
    public async Task FilesBeyondTheSyntaxSlots_WaitForOne_WithoutRequestsPilingUpAtTheHelper()
    {
        // 300 files edited at once, three versions each, 8 syntax slots: at most 8 files are at the helper at any
        // time (before the slots every file's request waited there), and every file ends at its newest version.
        var counting = new CountingAnalyzer(analyzers.Python);
        var sink = new RecordingSink();
        var options = Microsoft.Extensions.Options.Options.Create(new DiagnosticsOptions { MaxConcurrentSyntaxAnalyses = 8 });
        using var h = new Harness(new DiagnosticsPipeline([counting], sink, options, Microsoft.Extensions.Logging.Abstractions.NullLogger<DiagnosticsPipeline>.Instance), sink);
        var files = Enumerable.Range(0, 300).Select(i => $"f{i}.py").ToList();

        for (var version = 1; version <= 3; version++)
        {
            foreach (var file in files)
            {
                _ = h.Edit(file, version, $"x = {version}\n" + string.Concat(Enumerable.Repeat("\n", version)) + "def broken(:\n");
            }
        }

        foreach (var file in files)
        {
            var marker = Assert.Single((await h.Result(file, 3, DiagnosticsLayer.Syntax)).Markers);
            Assert.Equal(5, marker.StartLineNumber);
        }

        Assert.InRange(counting.MostAtOnce, 1, 8);
    }

    [Fact]
    public async Task PathologicalNesting_GivesAMarker_AndTheHelperKeepsWorking()
    {
        using var h = analyzers.Pipeline();

        await h.Edit("deep.py", 1, "x = " + new string('(', 5000) + "1" + new string(')', 5000) + "\n");
        Assert.Contains((await h.Result("deep.py", 1, DiagnosticsLayer.Syntax)).Markers, m => m.Severity == MarkerSeverity.Error);

        await h.Edit("deep.py", 2, "x = (1)\n");
        Assert.Empty((await h.Result("deep.py", 2, DiagnosticsLayer.Syntax)).Markers);
    }
}

public sealed class PythonWithoutInterpreterTests
{
    [Fact]
    public async Task MissingInterpreter_GivesNoMarkers_AndNoException()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new DiagnosticsOptions { PythonExecutable = "/nonexistent/python3" });
        using var python = new LearningPlatform.Hub.Features.Diagnostics.Python.PythonAnalyzer(
            options, Microsoft.Extensions.Logging.Abstractions.NullLogger<LearningPlatform.Hub.Features.Diagnostics.Python.PythonAnalyzer>.Instance);

        var markers = await python.SyntaxAsync(new DocumentSnapshot("s", "a.py", 1, "def f(:", null, new Dictionary<string, string>()), CancellationToken.None);

        Assert.Empty(markers);
        Assert.False(python.Available);
    }
}

/// <summary>The real analyzer, counting how many syntax requests it has in progress at once.</summary>
internal sealed class CountingAnalyzer(ILanguageAnalyzer inner) : ILanguageAnalyzer
{
    private int _now;
    private int _most;

    public int MostAtOnce => Volatile.Read(ref _most);

    public string Language => inner.Language;

    public bool Handles(string file) => inner.Handles(file);

    public async ValueTask<IReadOnlyList<Marker>> SyntaxAsync(DocumentSnapshot document, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _now);
        for (var most = Volatile.Read(ref _most); now > most && Interlocked.CompareExchange(ref _most, now, most) != most; most = Volatile.Read(ref _most))
        {
        }

        try
        {
            return await inner.SyntaxAsync(document, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _now);
        }
    }

    public Task<SemanticMarkers> SemanticAsync(DocumentSnapshot document, CancellationToken cancellationToken) => inner.SemanticAsync(document, cancellationToken);

    public void Forget(string sessionId) => inner.Forget(sessionId);
}
