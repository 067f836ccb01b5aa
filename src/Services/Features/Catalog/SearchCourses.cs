using System.Linq.Expressions;
using System.Security.Claims;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Common;
using LearningPlatform.Services.Features.Exercises;
using LearningPlatform.Storage;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Catalog;

/// <summary>Lists courses matching text, tag, language and difficulty, a page at a time, with the total.</summary>
public static class SearchCourses
{
    /// <param name="Teaching">Only the courses the caller is an instructor of (what an author may pick from).</param>
    public sealed record Query(string? Q, string? Tag, string? Language, string? Difficulty, int? Page, int? PageSize, bool? Teaching);

    public sealed record CourseSummary(
        string Id,
        string Title,
        string Summary,
        string Difficulty,
        IReadOnlyList<string> Tags,
        IReadOnlyList<string> Languages,
        int ExerciseCount);

    public sealed record Response(IReadOnlyList<CourseSummary> Items, int Page, int PageSize, long Total);

    public static RouteHandlerBuilder MapSearchCourses(this IEndpointRouteBuilder group) =>
        group.MapGet("/", HandleAsync)
            .WithName("SearchCourses")
            .WithSummary("Lists courses matching text, tag, language and difficulty (and, with teaching=true, taught by the caller), paged.");

    public static ValidationErrors Validate(Query query, CatalogOptions options)
    {
        var errors = new ValidationErrors();
        if (query.Page is < 1 || query.Page > options.MaxPage)
        {
            errors.Add("page", $"From 1 to {options.MaxPage}.");
        }

        if (query.PageSize is < 1 || query.PageSize > options.MaxPageSize)
        {
            errors.Add("pageSize", $"From 1 to {options.MaxPageSize}.");
        }

        if (query.Q is { Length: var length } && length > options.MaxSearchTextLength)
        {
            errors.Add("q", $"At most {options.MaxSearchTextLength} characters.");
        }

        if (query.Difficulty is { } difficulty && !Difficulties.All.Contains(difficulty))
        {
            errors.Add("difficulty", $"One of: {string.Join(", ", Difficulties.All)}.");
        }

        if (query.Language is { } language && !ProgrammingLanguages.All.Contains(language))
        {
            errors.Add("language", $"One of: {string.Join(", ", ProgrammingLanguages.All)}.");
        }

        return errors;
    }

    private static async Task<IResult> HandleAsync(
        [AsParameters] Query query, ClaimsPrincipal user, CatalogStore store, IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var errors = Validate(query, limits);
        if (!errors.IsEmpty)
        {
            return Results.ValidationProblem(errors.ToDictionary());
        }

        var filter = Filter(query, user.UserId());
        var page = query.Page ?? 1;
        var pageSize = query.PageSize ?? limits.DefaultPageSize;
        var total = await store.Courses.CountAsync(filter, cancellationToken);
        var courses = await store.Courses.FindAsync(
            filter,
            new FindOptions<Course> { SortBy = c => c.Title, Skip = (page - 1) * pageSize, Limit = pageSize },
            cancellationToken);
        var items = courses
            .Select(c => new CourseSummary(c.Id, c.Title, c.Summary, c.Difficulty, c.Tags, c.Languages, c.Modules.Sum(m => m.Exercises.Count)))
            .ToList();
        return Results.Ok(new Response(items, page, pageSize, total));
    }

    /// <summary>The store filter: every word of the text must occur in the normalized search text.</summary>
    public static Expression<Func<Course, bool>> Filter(Query query, string userId)
    {
        Expression<Func<Course, bool>> filter = c => c.Id != "";
        foreach (var word in (query.Q ?? "").ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            filter = And(filter, c => c.SearchText.Contains(word));
        }

        if (!string.IsNullOrWhiteSpace(query.Tag))
        {
            var tag = CourseRules.NormalizeTag(query.Tag);
            filter = And(filter, c => c.Tags.Contains(tag));
        }

        if (query.Language is { } language)
        {
            filter = And(filter, c => c.Languages.Contains(language));
        }

        if (query.Difficulty is { } difficulty)
        {
            filter = And(filter, c => c.Difficulty == difficulty);
        }

        if (query.Teaching == true)
        {
            filter = And(filter, c => c.Instructors.Contains(userId));
        }

        return filter;
    }

    // Both adapters translate plain && over one parameter; Expression.Invoke they do not, so the parameter is rebound.
    private static Expression<Func<Course, bool>> And(Expression<Func<Course, bool>> left, Expression<Func<Course, bool>> right)
    {
        var body = new Rebind(right.Parameters[0], left.Parameters[0]).Visit(right.Body);
        return Expression.Lambda<Func<Course, bool>>(Expression.AndAlso(left.Body, body), left.Parameters[0]);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
