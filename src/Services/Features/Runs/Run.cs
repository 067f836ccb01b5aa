using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Runs;

/// <summary>A run as stored by the Runs feature: who asked for what, and the runner's result once it came.</summary>
public sealed class Run : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public string UserId { get; set; } = "";

    /// <summary>Null for instructors' ad-hoc runs.</summary>
    public string? ExerciseId { get; set; }

    public string? CourseId { get; set; }

    /// <summary><c>run</c> (visible tests) or <c>submit</c> (visible tests and hidden checks; counts for progress).</summary>
    public string Mode { get; set; } = RunModes.Run;

    public string Language { get; set; } = "";

    public DateTimeOffset SubmittedAt { get; set; }

    public List<string> Concepts { get; set; } = [];

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The request as queued (JSON of <see cref="RunRequest"/>): stored before it is queued, so that a queue
    /// that loses it (an emptied Redis) can be given it again (<see cref="RunRequeuer"/>).</summary>
    public string? RequestJson { get; set; }

    /// <summary>The request's entry in the runners' stream, once queued.</summary>
    public string? QueueEntryId { get; set; }

    public string? Verdict { get; set; }

    // The runner's result as its wire JSON: the contract's records stay the one definition of its shape, whichever
    // store keeps it.
    public string? ResultJson { get; set; }

    /// <summary>The hidden checks' values and errors (JSON of <see cref="CheckDetail"/>s): instructors and admins only.</summary>
    public string? CheckDetailsJson { get; set; }

    /// <summary>True once <c>SubmissionEvaluated</c> was published for this run (submits only).</summary>
    public bool EvaluationPublished { get; set; }

    public RunResult? Result => ResultJson is null ? null : JsonSerializer.Deserialize<RunResult>(ResultJson, RunJson.Options);

    public IReadOnlyList<CheckDetail>? CheckDetails() =>
        CheckDetailsJson is null ? null : JsonSerializer.Deserialize<List<CheckDetail>>(CheckDetailsJson, RunJson.Options);
}

public static class RunModes
{
    public const string Run = "run";
    public const string Submit = "submit";

    /// <summary>An author's reference solution or starter, run when an exercise is saved.</summary>
    public const string Trial = "trial";
}

/// <summary>What the API returns for a run. <see cref="CheckDetails"/> only for the course's instructors and admins.</summary>
public sealed record RunView(
    string Id,
    string Status,
    string Mode,
    string Language,
    string? ExerciseId,
    DateTimeOffset SubmittedAt,
    RunResult? Result,
    IReadOnlyList<CheckDetail>? CheckDetails = null)
{
    public static RunView From(Run run, RunResult? result = null, bool withCheckDetails = false)
    {
        result ??= run.Result;
        return new(run.Id, result is null ? RunStatuses.Queued : RunStatuses.Finished, run.Mode, run.Language, run.ExerciseId, run.SubmittedAt, result,
            withCheckDetails ? run.CheckDetails() : null);
    }
}
