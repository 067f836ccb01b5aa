using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Languages.JavaScript;

/// Jest-style files on Node. Test names are built at run time (template titles, test.each), so the collected
/// list reported before any test runs is the expectation; there is no static list.
internal sealed class JavaScriptRuntime : ILanguageRuntime
{
    public RunLanguage Language => RunLanguage.JavaScript;

    public ValueTask<PreparedRun> PrepareAsync(RunRequest request, CancellationToken ct)
    {
        var bad = request.Files.FirstOrDefault(f => !(f.Name.EndsWith(".js", StringComparison.Ordinal) || f.Name.EndsWith(".mjs", StringComparison.Ordinal)
            || f.Name.EndsWith(".cjs", StringComparison.Ordinal) || f.Name.EndsWith(".json", StringComparison.Ordinal)) || f.Name == "package.json");
        if (bad is not null)
        {
            return ValueTask.FromResult(PreparedRun.Rejected($"file name not allowed for JavaScript runs: {bad.Name}"));
        }
        return ValueTask.FromResult(new PreparedRun(PreparedRun.Utf8(request.Files), request.Files.Where(f => f.IsTest).Select(f => f.Name).ToList(), [], n => n));
    }
}
