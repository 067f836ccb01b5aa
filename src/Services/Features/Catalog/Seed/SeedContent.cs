using System.Text.Json;
using LearningPlatform.Contracts.Runs;
using LearningPlatform.Services.Features.Exercises;

namespace LearningPlatform.Services.Features.Catalog.Seed;

/// <summary>A built-in course and its exercises, in module order.</summary>
public sealed record SeedCourse(Course Course, IReadOnlyList<Exercise> Exercises);

/// <summary>
/// The built-in content: one small course per language. Fresh objects on every call, because inserting sets
/// versions on them. The runner checks every reference solution against the visible tests and hidden checks.
/// </summary>
public static class SeedContent
{
    public static IReadOnlyList<SeedCourse> Courses() => [CSharpFoundations.Create(), PythonFoundations.Create(), JavaScriptFoundations.Create()];

    /// <summary>The concept graph every built-in course shares: concept id, name, prerequisites.</summary>
    public static List<Concept> Concepts(string listsName) =>
    [
        Concept("variables", "Variables and values"),
        Concept("conditionals", "Conditionals", "variables"),
        Concept("functions", "Functions", "variables"),
        Concept("strings", "Strings", "variables"),
        Concept("loops", "Loops", "variables", "conditionals"),
        Concept("lists", listsName, "loops"),
        Concept("recursion", "Recursion", "functions", "conditionals"),
    ];

    public static Course Course(
        string id, string title, string summary, string difficulty, string language, List<string> tags, List<Concept> concepts,
        params (string Id, string Title, Exercise[] Exercises)[] modules)
    {
        var course = new Course
        {
            Id = id,
            Title = title,
            Summary = summary,
            Difficulty = difficulty,
            Tags = tags,
            Languages = [language],
            Concepts = concepts,
            Modules = [.. modules.Select(m => new Module
            {
                Id = m.Id,
                Title = m.Title,
                Exercises = [.. m.Exercises.Select(e => new ExerciseRef { Id = e.Id, Title = e.Title })],
            })],
        };
        course.RefreshSearchText();
        return course;
    }

    public static ExerciseFile File(string name, string content) => new() { Name = name, Content = content + "\n" };

    /// <summary>Hidden checks as stored (<see cref="Exercise.HiddenChecksJson"/>).</summary>
    public static string Checks(params HiddenCheck[] checks) => JsonSerializer.Serialize(checks, RunJson.Options);

    /// <summary>A call with its arguments (a JSON array) that must return <paramref name="expected"/> (JSON).</summary>
    public static HiddenCheck Check(string call, string args, string expected, string description) =>
        new(call, Json<List<JsonElement>>(args), Expected: Json<JsonElement>(expected), Description: description);

    /// <summary>A call with its arguments (a JSON array) that must fail with an error of type <paramref name="error"/>.</summary>
    public static HiddenCheck Throws(string call, string args, string error, string description) =>
        new(call, Json<List<JsonElement>>(args), ExpectedError: error, Description: description);

    private static T Json<T>(string json) => JsonSerializer.Deserialize<T>(json, RunJson.Options)!;

    private static Concept Concept(string id, string name, params string[] prerequisites) =>
        new() { Id = id, Name = name, Prerequisites = [.. prerequisites] };
}
