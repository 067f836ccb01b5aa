using LearningPlatform.Services.Common;
using System.Security.Claims;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Features.Catalog;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Exercises;

/// <summary>
/// An author tries an exercise before saving it: its reference solution and its starter run in the sandbox against its
/// visible tests and hidden checks, and the answer shows each test and check of both runs and what would stop a save.
/// Nothing is stored but the two trial runs.
/// </summary>
public static class ValidateExercise
{
    public sealed record TrialTest(string Name, TestStatus Status, string? Message);

    public sealed record TrialView(string RunId, RunVerdict Verdict, string? Message, IReadOnlyList<TrialTest> Tests, IReadOnlyList<CheckOutcome> Checks)
    {
        public static TrialView From(TrialRun run, RunResult result) => new(
            run.RunId, result.Verdict, result.Message,
            [.. result.Tests.Select(t => new TrialTest(t.Name, t.Status, t.Message))],
            result.Checks ?? []);
    }

    /// <param name="Problems">What would make saving refuse the exercise, by field, as a save's 400 would say it;
    /// empty when it may be saved.</param>
    public sealed record Response(TrialView Reference, TrialView Starter, IReadOnlyDictionary<string, string[]> Problems);

    public static RouteHandlerBuilder MapValidateExercise(this IEndpointRouteBuilder group) =>
        group.MapPost("/validate", HandleAsync)
            .RequireAuthorization(AuthExtensions.InstructorOrAdmin)
            .RequireRateLimiting(AccountRateLimits.Authoring)
            .WithName("ValidateExercise")
            .WithSummary("Runs an exercise's reference solution and starter in the sandbox without saving it, and answers each run's tests and hidden checks (instructors of the course and admins; moduleId is ignored).");

    private static async Task<IResult> HandleAsync(
        CreateExercise.Request request,
        ClaimsPrincipal user,
        CourseCatalog courses,
        IOptions<ExercisesOptions> options,
        ExerciseTrials trials,
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

        // The rules a save applies, so that the runs only ever see an exercise that could be saved.
        var errors = ExerciseRules.Validate(request, options.Value, course);
        if (!errors.IsEmpty)
        {
            return Results.ValidationProblem(errors.ToDictionary());
        }

        var candidate = new Exercise { CourseId = course.Id };
        ExerciseRules.Apply(request, candidate, options.Value);
        var trial = await trials.RunAsync(candidate, user.UserId(), cancellationToken);
        if (trial is not { Reference: { Result: { } reference }, Starter: { Result: { } starter } })
        {
            return ExerciseTrials.NoAnswer(options.Value);
        }

        return Results.Ok(new Response(
            TrialView.From(trial.Reference, reference), TrialView.From(trial.Starter, starter), trial.Problems().ToDictionary()));
    }
}
