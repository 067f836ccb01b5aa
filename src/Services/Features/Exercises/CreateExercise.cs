using LearningPlatform.Contracts.Runs;
using System.Security.Claims;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Common;
using LearningPlatform.Services.Features.Catalog;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Exercises;

/// <summary>An instructor of a course (or an admin) adds an exercise at the end of one of the course's modules.</summary>
public static class CreateExercise
{
    public sealed record Request(
        string? CourseId,
        string? ModuleId,
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

    public static RouteHandlerBuilder MapCreateExercise(this IEndpointRouteBuilder group) =>
        group.MapPost("/", HandleAsync)
            .RequireAuthorization(AuthExtensions.InstructorOrAdmin)
            .RequireRateLimiting(AccountRateLimits.Authoring)
            .WithName("CreateExercise")
            .WithSummary("Adds an exercise at the end of a module of a course (instructors of the course and admins).");

    private static async Task<IResult> HandleAsync(
        Request request,
        ClaimsPrincipal user,
        ExerciseStore store,
        CourseCatalog courses,
        IOptions<ExercisesOptions> options,
        ExerciseTrials trials,
        ILogger<ExerciseStore> logger,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.CourseId) || await courses.GetAsync(request.CourseId, cancellationToken) is not { } course)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["courseId"] = [$"There is no course '{request.CourseId}'."] });
        }

        if (!CourseRules.CanEdit(user, course))
        {
            return CatalogProblems.NotAnInstructor(course.Id);
        }

        var errors = ExerciseRules.Validate(request, options.Value, course);
        if (!course.Modules.Any(m => m.Id == request.ModuleId))
        {
            errors.Add("moduleId", $"Course '{course.Id}' has modules: {string.Join(", ", course.Modules.Select(m => m.Id))}.");
        }

        if (!errors.IsEmpty)
        {
            return Results.ValidationProblem(errors.ToDictionary());
        }

        var exercise = new Exercise { Id = Guid.NewGuid().ToString("N"), CourseId = course.Id };
        ExerciseRules.Apply(request, exercise, options.Value);
        if (await trials.CheckAsync(exercise, user.UserId(), cancellationToken) is { } problem)
        {
            return problem;
        }

        await store.Exercises.InsertAsync(exercise, cancellationToken);
        if (!await courses.AttachExerciseAsync(course.Id, request.ModuleId!, exercise.Id, exercise.Title, cancellationToken))
        {
            // The module went away between the check and the attach: an exercise outside any module would be unreachable.
            await store.Exercises.DeleteAsync(exercise.Id, CancellationToken.None);
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["moduleId"] = [$"Module '{request.ModuleId}' was removed meanwhile."] });
        }

        ExercisesLog.ExerciseCreated(logger, exercise.Id, course.Id, user.UserId());
        return Results.Created($"/api/exercises/{exercise.Id}/full", ExerciseDetails.From(exercise));
    }
}
