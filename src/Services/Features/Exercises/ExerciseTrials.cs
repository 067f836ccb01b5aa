using System.Globalization;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Services.Common;
using LearningPlatform.Services.Features.Runs;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Exercises;

/// <summary>One trial run: its id (<c>GET /api/runs/{id}</c> shows it whole) and its result, null when the runner did
/// not answer in time.</summary>
public sealed record TrialRun(string RunId, RunResult? Result);

/// <summary>The reference solution and the starter of an exercise, each run against its tests and hidden checks.</summary>
public sealed record ExerciseTrial(TrialRun Reference, TrialRun Starter)
{
    public bool Answered => Reference.Result is not null && Starter.Result is not null;

    /// <summary>What makes the exercise unfit to publish, by field: a reference that does not pass, a starter that does.</summary>
    public ValidationErrors Problems()
    {
        var errors = new ValidationErrors();
        if (Reference.Result is { } reference && reference.Verdict != RunVerdict.Passed)
        {
            errors.Add("solution", $"The reference solution does not pass ({Summary(reference)}). Run {Reference.RunId}: GET /api/runs/{Reference.RunId} shows each test and hidden check.");
        }

        if (Starter.Result is { Verdict: RunVerdict.Passed })
        {
            errors.Add("starterFiles", $"The starter passes every visible test and hidden check, so a learner would pass without doing anything. Run {Starter.RunId}.");
        }

        return errors;
    }

    private static string Summary(RunResult result)
    {
        var failedTests = result.Tests.Where(t => t.Status != TestStatus.Pass).Select(t => t.Name).Take(5).ToList();
        var failedChecks = (result.Checks ?? []).Where(c => c.Status != TestStatus.Pass).Select(c => c.Number.ToString(CultureInfo.InvariantCulture)).ToList();
        var parts = new List<string> { System.Text.Json.JsonSerializer.Serialize(result.Verdict, RunJson.Options).Trim('"') };
        if (result.Message is { Length: > 0 } message)
        {
            parts.Add(message.Length <= 300 ? message : message[..300] + "…");
        }

        if (failedTests.Count > 0)
        {
            parts.Add("failing tests: " + string.Join(", ", failedTests));
        }

        if (failedChecks.Count > 0)
        {
            parts.Add("failing hidden checks: " + string.Join(", ", failedChecks));
        }

        return string.Join("; ", parts);
    }
}

/// <summary>
/// Before an exercise is saved, its reference solution and its starter run in the sandbox against its visible tests
/// and hidden checks: the reference must pass, the starter must not. Otherwise learners would meet an exercise no one
/// can pass, or one that passes untouched.
/// </summary>
public sealed class ExerciseTrials(ITrialRuns trials, IOptions<ExercisesOptions> options)
{
    /// <summary>Runs the reference and the starter side by side (whatever <see cref="ExercisesOptions.ValidateWithRunner"/> says).</summary>
    public async Task<ExerciseTrial> RunAsync(Exercise candidate, string authorId, CancellationToken cancellationToken)
    {
        var ignored = new ValidationErrors();
        var referenceFiles = SubmitRun.ExerciseFiles(candidate, [.. candidate.Solution.Select(f => new SubmitRun.FileDto(f.Name, f.Content))], ignored);
        var starterFiles = SubmitRun.ExerciseFiles(candidate, [], ignored);
        var checks = candidate.Checks();
        var timeout = options.Value.ValidationTimeout;
        var reference = trials.RunAsync(authorId, candidate.CourseId, candidate.Language, referenceFiles, checks, candidate.RunLimits(), timeout, cancellationToken);
        var starter = trials.RunAsync(authorId, candidate.CourseId, candidate.Language, starterFiles, checks, candidate.RunLimits(), timeout, cancellationToken);
        var (referenceRun, referenceResult) = await reference;
        var (starterRun, starterResult) = await starter;
        return new ExerciseTrial(new TrialRun(referenceRun, referenceResult), new TrialRun(starterRun, starterResult));
    }

    /// <returns>Null when the exercise may be saved; otherwise the problem to answer with.</returns>
    public async Task<IResult?> CheckAsync(Exercise candidate, string authorId, CancellationToken cancellationToken)
    {
        if (!options.Value.ValidateWithRunner)
        {
            return null;
        }

        var trial = await RunAsync(candidate, authorId, cancellationToken);
        if (!trial.Answered)
        {
            return NoAnswer(options.Value);
        }

        var errors = trial.Problems();
        return errors.IsEmpty ? null : Results.ValidationProblem(errors.ToDictionary(), title: "The exercise does not hold together");
    }

    public static IResult NoAnswer(ExercisesOptions o) => Results.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable, title: "The runner did not answer",
        detail: $"Checking an exercise runs its reference solution and its starter in the sandbox; no verdict came within {o.ValidationTimeout.TotalSeconds:0} s. Nothing was saved: try again.");
}
