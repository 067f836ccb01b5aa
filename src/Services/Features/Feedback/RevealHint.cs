using System.Security.Claims;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Features.Catalog;
using LearningPlatform.Services.Features.Exercises;

namespace LearningPlatform.Services.Features.Feedback;

/// <summary>
/// <c>POST /api/feedback/exercises/{exerciseId}/hints/next</c> reveals the exercise's next hint, in order;
/// <c>GET .../hints</c> lists the ones revealed so far (<c>?userId=</c>: a learner's, for the course's instructors and admins).
/// </summary>
public static class RevealHint
{
    public sealed record Response(string ExerciseId, IReadOnlyList<string> Hints, int HintsRemaining);

    public static void MapRevealHint(this IEndpointRouteBuilder group)
    {
        group.MapPost("/exercises/{exerciseId}/hints/next", RevealAsync)
            .WithName("RevealNextHint")
            .WithSummary("Reveals the next hint of the exercise (all hints revealed so far are returned).")
            .Produces<Response>();
        group.MapGet("/exercises/{exerciseId}/hints", ListAsync)
            .WithName("GetRevealedHints")
            .WithSummary("The hints of the exercise revealed to you so far, or with userId to that learner (instructors of the course and admins).")
            .Produces<Response>();
    }

    private static async Task<IResult> RevealAsync(
        string exerciseId, ClaimsPrincipal user, IExerciseCatalog exercises, FeedbackSessions sessions, CancellationToken cancellationToken)
    {
        if (await exercises.GetAsync(exerciseId, cancellationToken) is not { } exercise)
        {
            return ExerciseProblems.NotFound(exerciseId);
        }

        var session = await sessions.RevealNextAsync(user.UserId(), exercise, cancellationToken);
        return Results.Ok(View(exercise, session.HintsRevealed));
    }

    private static async Task<IResult> ListAsync(
        string exerciseId, string? userId, ClaimsPrincipal user, IExerciseCatalog exercises, FeedbackSessions sessions, CourseCatalog courses,
        CancellationToken cancellationToken)
    {
        if (await exercises.GetAsync(exerciseId, cancellationToken) is not { } exercise)
        {
            return ExerciseProblems.NotFound(exerciseId);
        }

        var learner = string.IsNullOrEmpty(userId) ? user.UserId() : userId;
        if (learner != user.UserId() && !await ExerciseProblems.CanEditAsync(user, exercise.CourseId, courses, cancellationToken))
        {
            return CatalogProblems.NotAnInstructor(exercise.CourseId);
        }

        var session = await sessions.GetAsync(learner, exerciseId, cancellationToken);
        return Results.Ok(View(exercise, session?.HintsRevealed ?? 0));
    }

    private static Response View(Exercise exercise, int revealed)
    {
        revealed = Math.Min(revealed, exercise.Hints.Count);
        return new Response(exercise.Id, exercise.Hints[..revealed], exercise.Hints.Count - revealed);
    }
}
