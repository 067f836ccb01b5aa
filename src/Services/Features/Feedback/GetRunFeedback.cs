using System.Security.Claims;
using LearningPlatform.Contracts;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Features.Exercises;
using LearningPlatform.Services.Features.Runs;

namespace LearningPlatform.Services.Features.Feedback;

/// <summary><c>GET /api/feedback/runs/{runId}</c>: what a finished run means and what to try, with the hints revealed so far.</summary>
public static class GetRunFeedback
{
    public sealed record Response(
        string RunId, string? ExerciseId, string Verdict, IReadOnlyList<FeedbackItem> Items, IReadOnlyList<string> Hints, int HintsRemaining, int FailedAttempts);

    public static void MapGetRunFeedback(this IEndpointRouteBuilder group) =>
        group.MapGet("/runs/{runId}", HandleAsync)
            .WithName("GetRunFeedback")
            .WithSummary("Feedback on a finished run of yours: explained errors, expected and actual values, revealed hints.")
            .Produces<Response>();

    private static async Task<IResult> HandleAsync(
        string runId, ClaimsPrincipal user, IRunLookup runs, FeedbackSessions sessions, IExerciseCatalog exercises, CancellationToken cancellationToken)
    {
        var run = await runs.GetAsync(runId, cancellationToken);
        if (run is null || (run.UserId != user.UserId() && !user.IsInRole(Roles.Admin)))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No run '{runId}'.");
        }

        if (run.Result is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not finished", detail: "The run has no result yet; ask again when it has finished.");
        }

        var session = run.ExerciseId is null ? null : await sessions.GetAsync(run.UserId, run.ExerciseId, cancellationToken);
        // Computed on demand when the event has not been handled yet (or the run fell out of the kept window).
        var feedback = session?.Runs.FirstOrDefault(r => r.RunId == runId) ?? sessions.Explain(run);
        var hints = run.ExerciseId is null ? [] : (await exercises.GetAsync(run.ExerciseId, cancellationToken))?.Hints ?? [];
        var revealed = Math.Min(session?.HintsRevealed ?? 0, hints.Count);
        return Results.Ok(new Response(run.RunId, run.ExerciseId, feedback.Verdict, feedback.Items, hints[..revealed], hints.Count - revealed, session?.FailedAttempts ?? 0));
    }
}
