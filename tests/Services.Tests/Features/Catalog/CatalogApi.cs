using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Services.Features.Catalog;

namespace LearningPlatform.Services.Tests.Features.Catalog;

/// <summary>Requests and assertions the catalog and exercise tests share.</summary>
public static class CatalogApi
{
    public static CreateCourse.Request NewCourse(string tag, string language = "python", List<ConceptInput>? concepts = null) => new(
        Title: $"Course {tag}",
        Summary: "A course made by a test.",
        Difficulty: "advanced",
        Tags: [tag],
        Languages: [language],
        Concepts: concepts ??
        [
            new ConceptInput("variables", "Variables", []),
            new ConceptInput("loops", "Loops", ["variables"]),
        ],
        Modules: [new ModuleInput("basics", "Basics", null), new ModuleInput("more", "More", null)],
        Instructors: null);

    public static async Task<CourseResponse> CreateCourseAsync(HttpClient instructor, CreateCourse.Request request)
    {
        var response = await instructor.PostAsJsonAsync("/api/courses", request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CourseResponse>())!;
    }

    public static UpdateCourse.Request ToUpdate(CourseResponse course, long? version = null, string? title = null) => new(
        version ?? course.Version,
        title ?? course.Title,
        course.Summary,
        course.Difficulty,
        [.. course.Tags],
        [.. course.Languages],
        [.. course.Concepts.Select(c => new ConceptInput(c.Id, c.Name, [.. c.Prerequisites]))],
        [.. course.Modules.Select(m => new ModuleInput(m.Id, m.Title, [.. m.Exercises.Select(e => e.Id)]))],
        null);

    /// <summary>Asserts a 400 ValidationProblem and returns its field errors.</summary>
    public static async Task<Dictionary<string, string[]>> AssertValidationProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }

    /// <summary>Asserts a ProblemDetails response with <paramref name="status"/>.</summary>
    public static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
    }
}
