using System.Diagnostics;
using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Languages.CSharp;

/// xunit test classes as they stand: compiled here (Solution.dll, and Tests.dll when there are tests), run in the
/// sandbox by our reflection harness; hidden checks call into Solution.dll alone.
internal sealed class CSharpRuntime(CSharpCompiler compiler) : ILanguageRuntime
{
    internal const string SolutionFile = "Solution.dll";
    internal const string TestsFile = "Tests.dll";

    public RunLanguage Language => RunLanguage.CSharp;

    public async ValueTask<PreparedRun> PrepareAsync(RunRequest request, CancellationToken ct)
    {
        var bad = request.Files.FirstOrDefault(f => !f.Name.EndsWith(".cs", StringComparison.Ordinal));
        if (bad is not null)
        {
            return PreparedRun.Rejected($"file name not allowed for C# runs: {bad.Name}");
        }
        var sw = Stopwatch.StartNew();
        var output = await compiler.CompileAsync(request.Files, ct);
        if (!output.Success)
        {
            return new PreparedRun([], [], output.TestKeys, KeyOf, output.TestCode, output.Diagnostics, CompileFailed: true, CompileMs: sw.ElapsedMilliseconds);
        }
        // Files not listed as test files are the solution's: the supervisor writes them again before hidden checks.
        List<(string, byte[])> files = [(SolutionFile, output.Solution!)];
        List<string> testFiles = [];
        if (output.Tests is not null)
        {
            files.Add((TestsFile, output.Tests));
            testFiles.Add(TestsFile);
        }
        return new PreparedRun(files, testFiles, output.TestKeys, KeyOf, output.TestCode, output.Diagnostics, CompileMs: sw.ElapsedMilliseconds);
    }

    /// "Class.Method(a: 1)" -> "Class.Method"
    internal static string KeyOf(string reported)
    {
        var paren = reported.IndexOf('(', StringComparison.Ordinal);
        return paren >= 0 ? reported[..paren] : reported;
    }
}

/// Roslyn's first compilation in a process costs seconds (JIT, reference loading): pay it at start.
internal sealed class CSharpWarmup(CSharpCompiler compiler) : BackgroundService
{
    public TaskCompletionSource Warmed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await compiler.CompileAsync(
            [
                new RunFile("Warmup.cs", "public static class Warmup { public static int One() => 1; }"),
                new RunFile("WarmupTests.cs", "public class WarmupTests { [Fact] public void A() => Assert.Equal(1, Warmup.One()); }", true),
            ], stoppingToken);
        }
        finally
        {
            Warmed.TrySetResult();
        }
    }
}
