using System.Diagnostics;
using LearningPlatform.Contracts.Workbench;
using LearningPlatform.Hub.Features.Diagnostics;

namespace LearningPlatform.Hub.Tests.Features.Diagnostics;

[Collection(DiagnosticsCollection.Name)]
public sealed class CSharpDiagnosticsTests(AnalyzersFixture analyzers)
{
    private const string Valid = """
        public static class Greeter
        {
            public static string Greet(string name)
            {
                var greeting = "Hello, " + name;
                return greeting;
            }
        }
        """;

    [Fact]
    public async Task SyntaxError_GivesSyntaxMarkerAtItsPosition_AndFixingItClearsIt()
    {
        using var h = analyzers.Pipeline();
        var broken = Valid.Replace("return greeting;", "return greeting", StringComparison.Ordinal);

        Assert.True(await h.Edit("Greeter.cs", 1, broken));
        var syntax = await h.Result("Greeter.cs", 1, DiagnosticsLayer.Syntax);

        var marker = Assert.Single(syntax.Markers);
        Assert.Equal("CS1002", marker.Code);
        Assert.Equal(MarkerSeverity.Error, marker.Severity);
        Assert.Equal(DiagnosticsLayer.Syntax, marker.Source);
        Assert.Equal(6, marker.StartLineNumber);
        Assert.Equal("        return greeting".Length + 1, marker.StartColumn);

        Assert.True(await h.Edit("Greeter.cs", 2, Valid));
        Assert.Empty((await h.Result("Greeter.cs", 2, DiagnosticsLayer.Syntax)).Markers);
    }

    [Fact]
    public async Task TypeError_GivesCompilerMarkerCS0029_AfterTheDebounce()
    {
        using var h = analyzers.Pipeline(o => o.SemanticDebounce = TimeSpan.FromMilliseconds(150));
        const string Code = """
            class Program
            {
                static void Main()
                {
                    int x = "s";
                    System.Console.WriteLine(x);
                }
            }
            """;
        var sent = Stopwatch.StartNew();

        await h.Edit("Program.cs", 1, Code);
        Assert.Empty((await h.Result("Program.cs", 1, DiagnosticsLayer.Syntax)).Markers);
        var compiler = await h.Result("Program.cs", 1, DiagnosticsLayer.Compiler);

        Assert.True(sent.Elapsed >= TimeSpan.FromMilliseconds(140), $"compiler markers came after {sent.Elapsed}, before the debounce");
        var marker = Assert.Single(compiler.Markers, m => m.Code == "CS0029");
        Assert.Equal(MarkerSeverity.Error, marker.Severity);
        Assert.Equal(DiagnosticsLayer.Compiler, marker.Source);
        Assert.Equal(5, marker.StartLineNumber);
        Assert.Equal("        int x = ".Length + 1, marker.StartColumn);
        Assert.Equal(marker.StartColumn + 3, marker.EndColumn);
    }

    [Fact]
    public async Task XunitTestFile_CompilesWithoutErrors_WithImplicitUsings()
    {
        using var h = analyzers.Pipeline(o => o.SemanticDebounce = TimeSpan.Zero);
        const string Tests = """
            public class CalculatorTests
            {
                [Fact]
                public async Task Adds()
                {
                    var values = new List<int> { 1, 2, 3 }.Where(v => v > 1).ToArray();
                    await Task.Delay(1, CancellationToken.None);
                    Assert.Equal(2, values.Length);
                    Assert.False(File.Exists(Path.Combine("nowhere", "x")));
                    using var client = new HttpClient();
                }

                [Theory]
                [InlineData(1, 2)]
                public void Theories(int a, int b) => Assert.True(Calculator.Add(a, b) == 3);
            }
            """;
        h.Pipeline.SetSessionFiles(h.Session, new Dictionary<string, string>
        {
            ["Calculator.cs"] = "public static class Calculator { public static int Add(int a, int b) => a + b; }",
        });

        await h.Edit("CalculatorTests.cs", 1, Tests);
        var compiler = await h.Result("CalculatorTests.cs", 1, DiagnosticsLayer.Compiler);

        Assert.DoesNotContain(compiler.Markers, m => m.Severity == MarkerSeverity.Error);
        Assert.Empty((await h.Result("CalculatorTests.cs", 1, DiagnosticsLayer.Syntax)).Markers);
    }

    [Fact]
    public async Task LintRules_ReportEmptyCatchAndBooleanComparison()
    {
        using var h = analyzers.Pipeline(o => o.SemanticDebounce = TimeSpan.Zero);
        const string Code = """
            class C
            {
                bool M(bool flag)
                {
                    try { System.Console.WriteLine(); } catch { }
                    return flag == true;
                }
            }
            """;

        await h.Edit("C.cs", 1, Code);
        var lint = await h.Result("C.cs", 1, DiagnosticsLayer.Lint);

        Assert.Contains(lint.Markers, m => m is { Code: "LP0001", StartLineNumber: 5, Severity: MarkerSeverity.Warning });
        Assert.Contains(lint.Markers, m => m is { Code: "LP0002", StartLineNumber: 6 });
        Assert.All(lint.Markers, m => Assert.Equal(DiagnosticsLayer.Lint, m.Source));
    }

    [Fact]
    public async Task IncrementalEdits_WithMonacoChanges_GiveTheSameMarkersAsAFullParse()
    {
        using var incremental = analyzers.Pipeline(o => o.SemanticDebounce = TimeSpan.Zero);
        using var full = analyzers.Pipeline(o => o.SemanticDebounce = TimeSpan.Zero);
        var text = Valid;
        await incremental.Edit("Greeter.cs", 1, text);

        // Each step is one Monaco change event: typing, deleting, a paste over a selection, a multi-cursor edit
        // (changes listed from the end, as Monaco does) and a change list that does not match the text (lost edit).
        var steps = new List<Func<string, (string Text, ContentChange[] Changes)>>
        {
            t => Replace(t, t.IndexOf("return", StringComparison.Ordinal), 0, "in"),
            t => Replace(t, t.IndexOf("inreturn", StringComparison.Ordinal), 2, ""),
            t => Replace(t, t.IndexOf("greeting;", StringComparison.Ordinal) + 8, 1, ""),
            t => Replace(t, t.IndexOf("\"Hello, \"", StringComparison.Ordinal), 9, "$\"Hi {name}, \""),
            t =>
            {
                var a = t.IndexOf("string name", StringComparison.Ordinal);
                var b = t.IndexOf("var greeting", StringComparison.Ordinal);
                var changes = new[] { new ContentChange(b, 3, "int"), new ContentChange(a, 6, "object") };
                return (t[..a] + "object" + t[(a + 6)..b] + "int" + t[(b + 3)..], changes);
            },
            t => (t.Replace("Greet", "Welcome", StringComparison.Ordinal), [new ContentChange(0, 1, "x")]),
            t => Replace(t, t.Length - 1, 1, ""),
        };

        for (var i = 0; i < steps.Count; i++)
        {
            var version = i + 2;
            (text, var changes) = steps[i](text);
            await incremental.Edit("Greeter.cs", version, text, changes);
            // A fresh session parses the whole text from scratch.
            await full.Pipeline.DocumentChangedAsync(new DocumentUpdate(full.Session + version, "Greeter.cs", 1, text));

            var expected = await full.Sink.WaitForAsync(r => r.SessionId == full.Session + version && r.Layer == DiagnosticsLayer.Syntax, Harness.Timeout);
            var actual = await incremental.Result("Greeter.cs", version, DiagnosticsLayer.Syntax);
            Assert.Equal(expected.Markers, actual.Markers);
        }

        Assert.Contains((await incremental.Result("Greeter.cs", steps.Count + 1, DiagnosticsLayer.Syntax)).Markers, m => m.Severity == MarkerSeverity.Error);
        var expectedCompiler = await full.Sink.WaitForAsync(r => r.SessionId == full.Session + (steps.Count + 1) && r.Layer == DiagnosticsLayer.Compiler, Harness.Timeout);
        var actualCompiler = await incremental.Result("Greeter.cs", steps.Count + 1, DiagnosticsLayer.Compiler);
        Assert.Equal(expectedCompiler.Markers, actualCompiler.Markers);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(150)]
    public async Task RapidVersions_AreDeliveredInIncreasingOrder_EndingAtTheLast(int debounceMs)
    {
        using var h = analyzers.Pipeline(o => o.SemanticDebounce = TimeSpan.FromMilliseconds(debounceMs));
        var text = Valid;
        for (var version = 1; version <= 20; version++)
        {
            var at = text.IndexOf("return", StringComparison.Ordinal);
            text = text[..at] + (version % 3 == 0 ? "int y = \"s\"; " : "x") + text[at..];
            Assert.True(await h.Edit("Greeter.cs", version, text));
        }

        await h.Result("Greeter.cs", 20, DiagnosticsLayer.Compiler);
        await h.Result("Greeter.cs", 20, DiagnosticsLayer.Lint);

        foreach (var layer in DiagnosticsLayer.All)
        {
            var versions = h.Sink.Results.Where(r => r.Layer == layer).Select(r => r.Version).ToList();
            Assert.Equal(versions.Order(), versions);
            Assert.Equal(versions.Count, versions.Distinct().Count());
            Assert.Equal(20, versions[^1]);
        }

        Assert.Equal(Enumerable.Range(1, 20).Select(v => (long)v), h.Sink.Results.Where(r => r.Layer == DiagnosticsLayer.Syntax).Select(r => r.Version));
        Assert.False(await h.Edit("Greeter.cs", 7, text), "an older version must be refused");
    }

    [Fact]
    public async Task UnderLoad_EachFileIsCompiledForItsNewestVersion_AndNoOlderOneFollows()
    {
        using var h = analyzers.Pipeline(o =>
        {
            o.SemanticDebounce = TimeSpan.Zero;
            o.MaxConcurrentSemanticAnalyses = 1;
        });
        var files = Enumerable.Range(0, 8).Select(i => $"File{i}.cs").ToArray();
        for (var version = 1; version <= 5; version++)
        {
            foreach (var file in files)
            {
                await h.Edit(file, version, Valid.Replace("Greeter", "Greeter" + file[4] + "v" + version, StringComparison.Ordinal));
            }
        }

        foreach (var file in files)
        {
            await h.Result(file, 5, DiagnosticsLayer.Compiler);
            var versions = h.Sink.Results.Where(r => r.File == file && r.Layer == DiagnosticsLayer.Compiler).Select(r => r.Version).ToList();
            Assert.Equal(versions.Order(), versions);
            Assert.Equal(5, versions[^1]);
        }

        // With one slot and 40 edits arriving faster than they compile, intermediate versions are skipped.
        Assert.True(h.Sink.Results.Count(r => r.Layer == DiagnosticsLayer.Compiler) < 40);
    }

    [Fact]
    public async Task DeeplyNestedExpression_IsRefusedWithAMarker_WithoutCrashingOrHanging()
    {
        using var h = analyzers.Pipeline(o => o.SemanticDebounce = TimeSpan.Zero);
        var code = "class C { int M() => " + new string('(', 5000) + "1" + new string(')', 5000) + "; }";
        var started = Stopwatch.StartNew();

        await h.Edit("Deep.cs", 1, code);
        var syntax = await h.Result("Deep.cs", 1, DiagnosticsLayer.Syntax);
        var compiler = await h.Result("Deep.cs", 1, DiagnosticsLayer.Compiler);

        Assert.Contains(syntax.Markers, m => m.Severity == MarkerSeverity.Error);
        Assert.DoesNotContain(compiler.Markers, m => m.Severity == MarkerSeverity.Error && m.Code == "CS0029");
        Assert.True(started.Elapsed < Harness.Timeout);

        // The session still works afterwards.
        await h.Edit("Deep.cs", 2, Valid);
        Assert.Empty((await h.Result("Deep.cs", 2, DiagnosticsLayer.Syntax)).Markers);
    }

    [Fact]
    public async Task TenMegabyteFile_IsRefusedWithAWarning_AndNotAnalysed()
    {
        using var h = analyzers.Pipeline();
        var huge = "class C {\n" + string.Concat(Enumerable.Repeat("    int f" + "; // padding padding padding padding\n", 250_000)) + "}\n";
        Assert.True(huge.Length > 10_000_000);

        await h.Edit("Huge.cs", 1, huge);
        var syntax = await h.Result("Huge.cs", 1, DiagnosticsLayer.Syntax);

        var marker = Assert.Single(syntax.Markers);
        Assert.Equal(MarkerSeverity.Warning, marker.Severity);
        Assert.Contains("too large", marker.Message, StringComparison.Ordinal);
        Assert.Empty((await h.Result("Huge.cs", 1, DiagnosticsLayer.Compiler)).Markers);
    }

    private static (string Text, ContentChange[] Changes) Replace(string text, int offset, int length, string insert) =>
        (text[..offset] + insert + text[(offset + length)..], [new ContentChange(offset, length, insert)]);
}
