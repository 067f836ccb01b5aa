using LearningPlatform.Contracts;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.ServiceDefaults.Correlation;
using LearningPlatform.Services.Common;
using LearningPlatform.Services.Features.Exercises;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Runs;

/// <summary>
/// <c>POST /api/runs</c>: a learner's files against an exercise's visible tests (run), and its hidden checks too
/// (submit), or, for instructors and admins, an ad-hoc run of any files and tests.
/// </summary>
public static class SubmitRun
{
    public sealed record FileDto(string Name, string Content);

    public sealed record Request(string? ExerciseId, string? Mode, List<FileDto>? Files, string? Language, List<FileDto>? Tests);

    public sealed record Accepted(string RunId, string Status);

    public static RouteHandlerBuilder MapSubmitRun(this IEndpointRouteBuilder group) =>
        group.MapPost("/", HandleAsync)
            .RequireRateLimiting(AccountRateLimits.Runs)
            .WithName("SubmitRun")
            .WithSummary("Runs or submits code; with ?wait=true answers with the verdict (bounded), otherwise 202 with the run id.");

    private static async Task<IResult> HandleAsync(
        Request request,
        bool? wait,
        HttpContext http,
        IExerciseCatalog exercises,
        RunStore store,
        RunQueue queue,
        IOptions<RunsOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var user = http.User;
        var errors = new ValidationErrors();
        var mode = request.Mode ?? RunModes.Run;
        if (mode is not (RunModes.Run or RunModes.Submit))
        {
            errors.Add("mode", "Either 'run' or 'submit'.");
        }

        var run = new Run { Id = Guid.CreateVersion7().ToString("N"), UserId = user.UserId(), Mode = mode, SubmittedAt = time.GetUtcNow() };
        List<RunFile> files;
        IReadOnlyList<HiddenCheck>? checks = null;
        RunLimits? limits = null;
        if (request.ExerciseId is not null)
        {
            var exercise = await exercises.GetAsync(request.ExerciseId, cancellationToken);
            if (exercise is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No exercise '{request.ExerciseId}'.");
            }

            files = ExerciseFiles(exercise, request.Files ?? [], errors);
            // The checks travel to the runner whole (it judges against their expectations); only their calls enter the sandbox.
            checks = mode == RunModes.Submit ? exercise.Checks() : null;
            limits = exercise.RunLimits();
            run.ExerciseId = exercise.Id;
            run.CourseId = exercise.CourseId;
            run.Language = exercise.Language;
            run.Concepts = [.. exercise.ConceptsTaught.Union(exercise.ConceptsPractised)];
        }
        else if (user.IsInRole(Roles.Instructor) || user.IsInRole(Roles.Admin))
        {
            if (mode == RunModes.Submit)
            {
                errors.Add("mode", "Ad-hoc runs cannot be submitted: there is no exercise to count them for.");
            }

            if (!ProgrammingLanguages.All.Contains(request.Language))
            {
                errors.Add("language", $"One of {string.Join(", ", ProgrammingLanguages.All)}.");
            }

            files = [.. (request.Files ?? []).Select(f => new RunFile(f.Name, f.Content)), .. (request.Tests ?? []).Select(f => new RunFile(f.Name, f.Content, IsTest: true))];
            run.Language = request.Language ?? "";
            if (!files.Any(f => f.IsTest))
            {
                errors.Add("tests", "An ad-hoc run needs at least one test file.");
            }
        }
        else
        {
            errors.Add("exerciseId", "Required: learners run code against an exercise.");
            files = [];
        }

        CheckSizes(files, options.Value, errors);
        if (!errors.IsEmpty)
        {
            return Results.ValidationProblem(errors.ToDictionary());
        }

        await queue.AcceptAsync(store, run, new RunRequest(
            run.Id, run.UserId, ParseLanguage(run.Language), files, run.SubmittedAt, run.ExerciseId, CorrelationId.Current, checks, limits,
            mode == RunModes.Submit ? RunMode.Submit : RunMode.Run, user.AccountCreatedAt()), cancellationToken);

        if (wait == true)
        {
            var result = await queue.WaitForResultAsync(run.Id, options.Value.MaxWait, cancellationToken);
            if (result is not null)
            {
                return Results.Ok(RunView.From(run, result));
            }
        }

        return Results.Accepted($"/api/runs/{run.Id}", new Accepted(run.Id, RunStatuses.Queued));
    }

    // Learners send only the exercise's own solution files: a test file, a conftest.py or any other extra file could
    // change how the tests run. Files they leave out keep their starter content.
    internal static List<RunFile> ExerciseFiles(Exercise exercise, List<FileDto> sent, ValidationErrors errors)
    {
        var starter = exercise.StarterFiles.ToDictionary(f => f.Name, f => f.Content, StringComparer.Ordinal);
        foreach (var file in sent.Where(f => !starter.ContainsKey(f.Name ?? "")))
        {
            errors.Add("files", $"'{file.Name}' is not a file of this exercise; expected one of: {string.Join(", ", starter.Keys)}.");
        }

        if (sent.GroupBy(f => f.Name).Any(g => g.Count() > 1))
        {
            errors.Add("files", "Each file may be sent once.");
        }

        var solution = starter.ToDictionary(kv => kv.Key, kv => sent.FirstOrDefault(f => f.Name == kv.Key)?.Content ?? kv.Value);
        var testFiles = exercise.VisibleTests.Select(t => new RunFile(t.Name, t.Content, IsTest: true)).ToList();
        return [.. solution.Where(kv => testFiles.All(t => t.Name != kv.Key)).Select(kv => new RunFile(kv.Key, kv.Value ?? "")), .. testFiles];
    }

    private const int MaxFileNameLength = 100;

    private static void CheckSizes(List<RunFile> files, RunsOptions options, ValidationErrors errors)
    {
        if (files.Count > options.MaxFiles)
        {
            errors.Add("files", $"At most {options.MaxFiles} files.");
        }

        foreach (var file in files)
        {
            if (ExerciseRules.FileNameError(file.Name, MaxFileNameLength) is { } error)
            {
                errors.Add("files", $"'{file.Name}': {error}");
            }

            if (file.Content is null || file.Content.Length > options.MaxFileChars)
            {
                errors.Add("files", $"'{file.Name}' must have content of at most {options.MaxFileChars} characters.");
            }
        }

        if (files.Sum(f => (long)(f.Content?.Length ?? 0)) > options.MaxTotalChars)
        {
            errors.Add("files", $"All files together may hold at most {options.MaxTotalChars} characters.");
        }
    }

    internal static RunLanguage ParseLanguage(string language) => language switch
    {
        ProgrammingLanguages.CSharp => RunLanguage.CSharp,
        ProgrammingLanguages.JavaScript => RunLanguage.JavaScript,
        _ => RunLanguage.Python,
    };
}
