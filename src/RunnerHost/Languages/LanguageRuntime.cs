using System.Text;
using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Languages;

/// Turns a request into what goes into the sandbox, for one language.
internal interface ILanguageRuntime
{
    RunLanguage Language { get; }

    ValueTask<PreparedRun> PrepareAsync(RunRequest request, CancellationToken ct);
}

/// What a language runtime prepared for the sandbox.
/// <param name="Files">Files to write into the sandbox's work dir.</param>
/// <param name="TestFiles">Which of them hold tests.</param>
/// <param name="ExpectedTests">Test keys found statically on the host (e.g. Python test functions, C# [Fact]
/// methods): each must show up in the results, whatever the code in the sandbox does to collection.</param>
/// <param name="KeyOf">Maps a reported test name to its static key.</param>
/// <param name="TestCode">Source of each test, by static key, where the host knows it.</param>
internal sealed record PreparedRun(
    IReadOnlyList<(string Name, byte[] Content)> Files,
    IReadOnlyList<string> TestFiles,
    IReadOnlyCollection<string> ExpectedTests,
    Func<string, string> KeyOf,
    IReadOnlyDictionary<string, string>? TestCode = null,
    IReadOnlyList<CompileDiagnostic>? Diagnostics = null,
    bool CompileFailed = false,
    long CompileMs = 0,
    string? RejectReason = null)
{
    public static PreparedRun Rejected(string reason) => new([], [], [], n => n, RejectReason: reason);

    public static IReadOnlyList<(string, byte[])> Utf8(IEnumerable<RunFile> files) =>
        files.Select(f => (f.Name, Encoding.UTF8.GetBytes(f.Content))).ToList();
}
