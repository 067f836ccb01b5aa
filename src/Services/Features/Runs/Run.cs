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

    /// <summary><c>run</c> (visible tests) or <c>submit</c> (all tests; counts for progress).</summary>
    public string Mode { get; set; } = RunModes.Run;

    public string Language { get; set; } = "";

    public DateTimeOffset SubmittedAt { get; set; }

    public List<string> Concepts { get; set; } = [];

    public DateTimeOffset? FinishedAt { get; set; }

    public string? Verdict { get; set; }

    // The runner's result as its wire JSON: the contract's records stay the one definition of its shape, whichever
    // store keeps it.
    public string? ResultJson { get; set; }

    /// <summary>True once <c>SubmissionEvaluated</c> was published for this run (submits only).</summary>
    public bool EvaluationPublished { get; set; }

    public RunResult? Result => ResultJson is null ? null : JsonSerializer.Deserialize<RunResult>(ResultJson, RunJson.Options);
}

public static class RunModes
{
    public const string Run = "run";
    public const string Submit = "submit";
}

/// <summary>What the API returns for a run.</summary>
public sealed record RunView(
    string Id,
    string Status,
    string Mode,
    string Language,
    string? ExerciseId,
    DateTimeOffset SubmittedAt,
    RunResult? Result)
{
    public static RunView From(Run run, RunResult? result = null)
    {
        result ??= run.Result;
        return new(run.Id, result is null ? "queued" : "finished", run.Mode, run.Language, run.ExerciseId, run.SubmittedAt, result);
    }
}
