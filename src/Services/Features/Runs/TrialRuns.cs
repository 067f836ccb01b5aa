using LearningPlatform.Contracts.Runs;
using LearningPlatform.ServiceDefaults.Correlation;

namespace LearningPlatform.Services.Features.Runs;

/// <summary>
/// Runs an author's files through the real runner and waits for the verdict: how saving an exercise checks that its
/// reference solution passes and its starter does not. Each trial is an ordinary run (mode <c>trial</c>) of the author,
/// so its details can be read with <c>GET /api/runs/{id}</c>; it counts for no one's progress.
/// </summary>
public interface ITrialRuns
{
    /// <returns>The run id and its result, or a null result when the runner did not answer within <paramref name="timeout"/>.</returns>
    Task<(string RunId, RunResult? Result)> RunAsync(
        string userId, string courseId, string language, IReadOnlyList<RunFile> files, IReadOnlyList<HiddenCheck> checks, RunLimits limits,
        TimeSpan timeout, CancellationToken cancellationToken);
}

internal sealed class TrialRuns(RunStore store, RunQueue queue, TimeProvider time) : ITrialRuns
{
    public async Task<(string RunId, RunResult? Result)> RunAsync(
        string userId, string courseId, string language, IReadOnlyList<RunFile> files, IReadOnlyList<HiddenCheck> checks, RunLimits limits,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var run = new Run
        {
            Id = Guid.CreateVersion7().ToString("N"), UserId = userId, CourseId = courseId, Mode = RunModes.Trial, Language = language,
            SubmittedAt = time.GetUtcNow(),
        };
        await queue.AcceptAsync(store, run, new RunRequest(
            run.Id, userId, SubmitRun.ParseLanguage(language), files, run.SubmittedAt, null, CorrelationId.Current, checks, limits, RunMode.Trial), cancellationToken);
        return (run.Id, await queue.WaitForResultAsync(run.Id, timeout, cancellationToken));
    }
}
