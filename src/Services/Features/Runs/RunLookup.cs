namespace LearningPlatform.Services.Features.Runs;

/// <summary>Who ran what, and the result once it came, for in-process features (Feedback) that never open the runs' database.</summary>
public interface IRunLookup
{
    Task<RunInfo?> GetAsync(string runId, CancellationToken cancellationToken);
}

/// <summary>A run as other features see it.</summary>
public sealed record RunInfo(string RunId, string UserId, string? ExerciseId, string Mode, string Language, Contracts.Runs.RunResult? Result);

internal sealed class RunLookup(RunStore store) : IRunLookup
{
    public async Task<RunInfo?> GetAsync(string runId, CancellationToken cancellationToken) =>
        await store.Runs.GetAsync(runId, cancellationToken) is { } run
            ? new RunInfo(run.Id, run.UserId, run.ExerciseId, run.Mode, run.Language, run.Result)
            : null;
}
