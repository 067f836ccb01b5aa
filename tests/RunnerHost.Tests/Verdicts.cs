using LearningPlatform.Contracts.Runs;

namespace LearningPlatform.RunnerHost.Tests;

internal static class Verdicts
{
    /// Assert.Equal on the verdict, with the run's messages in the failure text.
    public static void Expect(RunVerdict expected, RunResult r) =>
        Assert.True(expected == r.Verdict, $"expected {expected}, got {r.Verdict}: {r.Message}\n"
            + string.Join("\n", r.Tests.Select(t => $"{t.Name}: {t.Status} {t.Message}")) + "\noutput: " + r.Output);
}
