using System.Security.Claims;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Features.Exercises;

namespace LearningPlatform.Services.Features.Progress;

/// <summary><c>PUT</c> and <c>DELETE /api/progress/me/bookmarks/{exerciseId}</c>: both idempotent.</summary>
public static class Bookmarks
{
    public sealed record Response(IReadOnlyList<string> Bookmarks);

    public static void MapBookmarks(this IEndpointRouteBuilder group)
    {
        group.MapPut("/me/bookmarks/{exerciseId}", AddAsync)
            .WithName("AddBookmark")
            .WithSummary("Bookmarks an exercise (again is fine).")
            .Produces<Response>();
        group.MapDelete("/me/bookmarks/{exerciseId}", RemoveAsync)
            .WithName("RemoveBookmark")
            .WithSummary("Removes a bookmark (a missing one is fine).")
            .Produces<Response>();
    }

    private static async Task<IResult> AddAsync(
        string exerciseId, ClaimsPrincipal user, IExerciseCatalog exercises, ProgressStore store, CancellationToken cancellationToken)
    {
        if (await exercises.GetAsync(exerciseId, cancellationToken) is null)
        {
            return ExerciseProblems.NotFound(exerciseId);
        }

        var learner = await store.ChangeAsync(user.UserId(), l =>
        {
            if (l.Bookmarks.Contains(exerciseId))
            {
                return false;
            }

            l.Bookmarks.Add(exerciseId);
            return true;
        }, cancellationToken);
        return Results.Ok(new Response(learner.Bookmarks));
    }

    private static async Task<IResult> RemoveAsync(string exerciseId, ClaimsPrincipal user, ProgressStore store, CancellationToken cancellationToken)
    {
        var learner = await store.ChangeAsync(user.UserId(), l => l.Bookmarks.Remove(exerciseId), cancellationToken);
        return Results.Ok(new Response(learner.Bookmarks));
    }
}
