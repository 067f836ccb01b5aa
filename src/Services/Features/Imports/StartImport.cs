using System.Security.Claims;
using LearningPlatform.Contracts;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Common;
using LearningPlatform.Services.Features.Catalog;
using LearningPlatform.Services.Features.Exercises;
using LearningPlatform.Services.Features.Imports.Exercism;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Imports;

/// <summary>
/// An admin (or an instructor, into a course they teach) sends a track archive; it is read at once (a bad archive is
/// a 422 naming what is wrong), stored, and imported in the background: 202 with where to follow it.
/// </summary>
public static class StartImport
{
    public sealed record Accepted(string Id);

    private static readonly string[] GzipTypes = ["application/gzip", "application/x-gzip", "application/octet-stream"];

    public static RouteHandlerBuilder MapStartImport(this IEndpointRouteBuilder group) =>
        group.MapPost("/", HandleAsync)
            .RequireAuthorization(AuthExtensions.InstructorOrAdmin)
            .Accepts<IFormFile>("application/gzip")
            .RequireRateLimiting(AccountRateLimits.Authoring)
            .WithName("StartImport")
            .WithSummary("Imports a course from an archive (format=exercism: a track repository as `git archive --format=tar.gz HEAD` makes it).");

    private static async Task<IResult> HandleAsync(
        HttpContext http,
        string? format,
        string? courseId,
        ClaimsPrincipal user,
        ImportStore store,
        CourseCatalog courses,
        ImportWorker worker,
        IOptions<ImportsOptions> options,
        IOptions<ExercisesOptions> exerciseOptions,
        IOptions<CatalogOptions> catalogOptions,
        TimeProvider time,
        ILogger<ImportStore> logger,
        CancellationToken cancellationToken)
    {
        if (format is null || !ImportFormats.All.Contains(format))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["format"] = [$"One of: {string.Join(", ", ImportFormats.All)}."] });
        }

        var admin = user.IsInRole(Roles.Admin);
        Course? course = null;
        if (courseId is not null || !admin)
        {
            course = courseId is null ? null : await courses.GetAsync(courseId, cancellationToken);
            if (course is null)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["courseId"] = [courseId is null ? "Instructors import into a course they teach: name it." : $"There is no course '{courseId}'."],
                });
            }

            if (!CourseRules.CanEdit(user, course))
            {
                return CatalogProblems.NotAnInstructor(course.Id);
            }
        }

        if (!GzipTypes.Contains(http.Request.ContentType?.Split(';')[0].Trim(), StringComparer.OrdinalIgnoreCase))
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: "Send the archive itself as the body, with Content-Type: application/gzip.");
        }

        var max = options.Value.MaxArchiveBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > max)
            {
                return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Archive too large",
                    detail: $"Archives up to {max / (1024 * 1024)} MB are accepted (Imports:MaxArchiveBytes).");
            }

            body.Write(buffer, 0, read);
        }

        var data = body.ToArray();
        TrackPlan plan;
        try
        {
            plan = ExercismTrack.Read(TrackArchive.Read(data, options.Value, ExercismTrack.ConfigFile), exerciseOptions.Value, catalogOptions.Value);
        }
        catch (ImportFormatException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Not an Exercism track", detail: e.Message);
        }

        if (course is not null && !course.Languages.Contains(plan.Language))
        {
            return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Wrong language",
                detail: $"Course '{course.Id}' is taught in {string.Join(", ", course.Languages)}; the track is {plan.Language}.");
        }

        // The archive first: the import document is what says "accepted", and its worker needs the archive.
        var id = Guid.CreateVersion7().ToString("N");
        await store.Archives.InsertAsync(new ImportArchive { Id = id, Data = data }, cancellationToken);
        await store.Imports.InsertAsync(new Import
        {
            Id = id, Format = format, CourseId = course?.Id, RequestedBy = user.UserId(), ByAdmin = admin, StartedAt = time.GetUtcNow(),
        }, cancellationToken);
        worker.Wake();
        ImportsLog.Accepted(logger, id, format, user.UserId(), course?.Id);
        return Results.Accepted($"/api/imports/{id}", new Accepted(id));
    }
}
