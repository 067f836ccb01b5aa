using System.Net.ServerSentEvents;
using System.Security.Claims;
using LearningPlatform.Contracts;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Features.Catalog;

namespace LearningPlatform.Services.Features.Runs;

/// <summary><c>GET /api/runs/{id}</c> and its live events as Server-Sent Events. Learners see only their own runs, and
/// of hidden checks only number, description and pass/fail; the course's instructors and admins see the details.</summary>
public static class GetRun
{
    public static void MapGetRun(this IEndpointRouteBuilder group)
    {
        group.MapGet("/{id}", GetAsync)
            .WithName("GetRun")
            .WithSummary("The run and, once finished, its result.");
        group.MapGet("/{id}/events", EventsAsync)
            .WithName("GetRunEvents")
            .WithSummary("The run's events as Server-Sent Events, from the first to 'finished'.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
    }

    private static async Task<IResult> GetAsync(string id, ClaimsPrincipal user, RunStore store, RunQueue queue, CourseCatalog courses, CancellationToken cancellationToken)
    {
        var (run, teaches) = await FindVisibleAsync(id, user, store, courses, cancellationToken);
        if (run is null)
        {
            return NotFound(id);
        }

        // The stored result trails the runner's 'finished' event (its RunCompleted is handled after); don't make the caller wait.
        var result = run.Result ?? await queue.WaitForResultAsync(run.Id, TimeSpan.Zero, cancellationToken);
        return Results.Ok(RunView.From(run, result, withCheckDetails: teaches));
    }

    private static async Task<IResult> EventsAsync(string id, ClaimsPrincipal user, RunStore store, RunQueue queue, CourseCatalog courses, CancellationToken cancellationToken)
    {
        var (run, _) = await FindVisibleAsync(id, user, store, courses, cancellationToken);
        if (run is null)
        {
            return NotFound(id);
        }

        return TypedResults.ServerSentEvents(Items(run.Id, queue, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<string>> Items(string runId, RunQueue queue, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in queue.FollowAsync(runId, cancellationToken))
        {
            yield return new SseItem<string>(e.Json, e.Type);
        }
    }

    /// The run if the caller may see it, and whether the caller teaches its course (admins count): only they see
    /// the hidden checks' details.
    private static async Task<(Run? Run, bool Teaches)> FindVisibleAsync(string id, ClaimsPrincipal user, RunStore store, CourseCatalog courses, CancellationToken cancellationToken)
    {
        var run = await store.Runs.GetAsync(id, cancellationToken);
        if (run is null)
        {
            return (null, false);
        }

        var teaches = user.IsInRole(Roles.Admin)
            || (run.CourseId is not null && user.IsInRole(Roles.Instructor)
                && await courses.GetAsync(run.CourseId, cancellationToken) is { } course && CourseRules.CanEdit(user, course));
        // Someone else's run answers like a missing one: its existence is nobody else's business.
        return run.UserId == user.UserId() || teaches ? (run, teaches) : (null, false);
    }

    private static IResult NotFound(string id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No run '{id}'.");
}
