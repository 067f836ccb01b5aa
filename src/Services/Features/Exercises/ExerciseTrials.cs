using System.Globalization;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Services.Common;
using LearningPlatform.Services.Features.Runs;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Exercises;

/// <summary>
/// Before an exercise is saved, its reference solution and its starter run in the sandbox against its visible tests
/// and hidden checks: the reference must pass, the starter must not. Otherwise learners would meet an exercise no one
/// can pass, or one that passes untouched.
/// </summary>
public sealed class ExerciseTrials(ITrialRuns trials, IOptions<ExercisesOptions> options)
{
    /// <returns>Null when the exercise may be saved; otherwise the problem to answer with.</returns>
    public async Task<IResult?> CheckAsync(Exercise candidate, string authorId, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.ValidateWithRunner)
        {
            return null;
        }

        var ignored = new ValidationErrors();
        var referenceFiles = SubmitRun.ExerciseFiles(candidate, [.. candidate.Solution.Select(f => new SubmitRun.FileDto(f.Name, f.Content))], ignored);
        var starterFiles = SubmitRun.ExerciseFiles(candidate, [], ignored);
        var checks = candidate.Checks();
        var reference = trials.RunAsync(authorId, candidate.CourseId, candidate.Language, referenceFiles, checks, candidate.RunLimits(), o.ValidationTimeout, cancellationToken);
        var starter = trials.RunAsync(authorId, candidate.CourseId, candidate.Language, starterFiles, checks, candidate.RunLimits(), o.ValidationTimeout, cancellationToken);
        var (referenceRun, referenceResult) = await reference;
        var (starterRun, starterResult) = await starter;
        if (referenceResult is null || starterResult is null)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "The runner did not answer",
                detail: $"Saving an exercise runs its reference solution and its starter in the sandbox; no verdict came within {o.ValidationTimeout.TotalSeconds:0} s. Nothing was saved: try again.");
        }

        var errors = new ValidationErrors();
        if (referenceResult.Verdict != RunVerdict.Passed)
        {
            errors.Add("solution", $"The reference solution does not pass ({Summary(referenceResult)}). Run {referenceRun}: GET /api/runs/{referenceRun} shows each test and hidden check.");
        }

        if (starterResult.Verdict == RunVerdict.Passed)
        {
            errors.Add("starterFiles", $"The starter passes every visible test and hidden check, so a learner would pass without doing anything. Run {starterRun}.");
        }

        return errors.IsEmpty ? null : Results.ValidationProblem(errors.ToDictionary(), title: "The exercise does not hold together");
    }

    private static string Summary(RunResult result)
    {
        var failedTests = result.Tests.Where(t => t.Status != TestStatus.Pass).Select(t => t.Name).Take(5).ToList();
        var failedChecks = (result.Checks ?? []).Where(c => c.Status != TestStatus.Pass).Select(c => c.Number.ToString(CultureInfo.InvariantCulture)).ToList();
        var parts = new List<string> { JsonNamingVerdict(result.Verdict) };
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

    private static string JsonNamingVerdict(RunVerdict verdict) =>
        System.Text.Json.JsonSerializer.Serialize(verdict, RunJson.Options).Trim('"');
}
