using System.Diagnostics;
using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Languages.CSharp;

/// xunit test classes as they stand: compiled here, run in the sandbox by our reflection harness.
internal sealed class CSharpRuntime(CSharpCompiler compiler) : ILanguageRuntime
{
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
        if (output.Assembly is null)
        {
            return new PreparedRun([], [], output.TestKeys, KeyOf, output.TestCode, output.Diagnostics, CompileFailed: true, CompileMs: sw.ElapsedMilliseconds);
        }
        return new PreparedRun([("submission.dll", output.Assembly)], [], output.TestKeys, KeyOf, output.TestCode, output.Diagnostics, CompileMs: sw.ElapsedMilliseconds);
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
            await compiler.CompileAsync([new RunFile("Warmup.cs", "public class WarmupTests { [Fact] public void A() => Assert.Equal(1, 1); }", true)], stoppingToken);
        }
        finally
        {
            Warmed.TrySetResult();
        }
    }
}
