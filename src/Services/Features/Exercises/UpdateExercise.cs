using LearningPlatform.Contracts.Runs;
using System.Security.Claims;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Common;
using LearningPlatform.Services.Features.Catalog;
using LearningPlatform.Storage;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Exercises;

/// <summary>
/// An instructor of the exercise's course (or an admin) replaces the exercise. The client sends the version it read;
/// a stale one is a 409 and changes nothing.
/// </summary>
public static class UpdateExercise
{
    public sealed record Request(
        long? Version,
        string? Title,
        string? Instructions,
        string? Language,
        List<FileContent>? StarterFiles,
        List<FileContent>? VisibleTests,
        List<FileContent>? HiddenTests,
        List<HiddenCheck>? HiddenChecks,
        List<FileContent>? Solution,
        List<string>? Hints,
        List<string>? ConceptsTaught,
        List<string>? ConceptsPractised,
        ExerciseLimits? Limits) : IExerciseInput;

    public static RouteHandlerBuilder MapUpdateExercise(this IEndpointRouteBuilder group) =>
        group.MapPut("/{id}", HandleAsync)
            .RequireAuthorization(AuthExtensions.InstructorOrAdmin)
            .RequireRateLimiting(AccountRateLimits.Authoring)
            .WithName("UpdateExercise")
            .WithSummary("Replaces an exercise (instructors of its course and admins); a stale version is a 409.");

    private static async Task<IResult> HandleAsync(
        string id,
        Request request,
        ClaimsPrincipal user,
        ExerciseStore store,
        CourseCatalog courses,
        IOptions<ExercisesOptions> options,
        ExerciseTrials trials,
        ILogger<ExerciseStore> logger,
        CancellationToken cancellationToken)
    {
        if (await store.Exercises.GetAsync(id, cancellationToken) is not { } exercise)
        {
            return ExerciseProblems.NotFound(id);
        }

        if (!await ExerciseProblems.CanEditAsync(user, exercise.CourseId, courses, cancellationToken)
            || await courses.GetAsync(exercise.CourseId, cancellationToken) is not { } course)
        {
            return CatalogProblems.NotAnInstructor(exercise.CourseId);
        }

        var errors = ExerciseRules.Validate(request, options.Value, course);
        if (request.Version is null)
        {
            errors.Add("version", "Required: the version of the exercise this change is based on.");
        }

        if (!errors.IsEmpty)
        {
            return Results.ValidationProblem(errors.ToDictionary());
        }

        var oldTitle = exercise.Title;
        ExerciseRules.Apply(request, exercise, options.Value);
        exercise.Version = request.Version!.Value;
        if (await trials.CheckAsync(exercise, user.UserId(), cancellationToken) is { } problem)
        {
            return problem;
        }

        // Mapped here rather than left to the storage exception handler: a stale version is an expected answer.
        try
        {
            await store.Exercises.ReplaceAsync(exercise, cancellationToken);
        }
        catch (ConcurrencyException)
        {
            return CatalogProblems.Stale("exercise", id);
        }
        catch (DocumentNotFoundException)
        {
            return ExerciseProblems.NotFound(id);
        }

        if (exercise.Title != oldTitle)
        {
            await courses.RenameExerciseAsync(exercise.CourseId, exercise.Id, exercise.Title, cancellationToken);
        }

        ExercisesLog.ExerciseUpdated(logger, exercise.Id, exercise.Version, user.UserId());
        return Results.Ok(ExerciseDetails.From(exercise));
    }
}
