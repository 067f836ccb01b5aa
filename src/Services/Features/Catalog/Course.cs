using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Catalog;

/// <summary>Course difficulties, as they appear in documents and queries.</summary>
public static class Difficulties
{
    public const string Beginner = "beginner";
    public const string Intermediate = "intermediate";
    public const string Advanced = "advanced";

    public static readonly IReadOnlyList<string> All = [Beginner, Intermediate, Advanced];
}

/// <summary>A course as stored: modules holding ordered exercise references, and the course's concept graph.</summary>
public sealed class Course : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public string Title { get; set; } = "";

    public string Summary { get; set; } = "";

    public string Difficulty { get; set; } = Difficulties.Beginner;

    public List<string> Tags { get; set; } = [];

    public List<string> Languages { get; set; } = [];

    public List<Concept> Concepts { get; set; } = [];

    public List<Module> Modules { get; set; } = [];

    /// <summary>User ids of the instructors who may edit the course and its exercises.</summary>
    public List<string> Instructors { get; set; } = [];

    /// <summary>
    /// Lower-cased title, summary, tags, concepts and exercise titles: the store can only filter with Contains,
    /// so free-text search runs against this one normalized field.
    /// </summary>
    public string SearchText { get; set; } = "";

    public void RefreshSearchText() =>
        SearchText = string.Join('\n',
            new[] { Title, Summary }
                .Concat(Tags)
                .Concat(Concepts.Select(c => c.Name))
                .Concat(Modules.Select(m => m.Title))
                .Concat(Modules.SelectMany(m => m.Exercises).Select(e => e.Title)))
            .ToLowerInvariant();
}

public sealed class Concept
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Ids of the concepts (of the same course) a learner should know first.</summary>
    public List<string> Prerequisites { get; set; } = [];
}

public sealed class Module
{
    public string Id { get; set; } = "";

    public string Title { get; set; } = "";

    /// <summary>The module's exercises in the order learners take them.</summary>
    public List<ExerciseRef> Exercises { get; set; } = [];
}

public sealed class ExerciseRef
{
    public string Id { get; set; } = "";

    public string Title { get; set; } = "";
}

public sealed record ConceptDto(string Id, string Name, IReadOnlyList<string> Prerequisites);

/// <summary>An exercise in a course's listing; <c>Graded</c>: it has hidden checks, judged outside the sandbox (else
/// its visible tests are all there is: self-checked).</summary>
public sealed record ExerciseRefDto(string Id, string Title, bool Graded);

public sealed record ModuleDto(string Id, string Title, IReadOnlyList<ExerciseRefDto> Exercises);

/// <summary>A course as the API returns it.</summary>
public sealed record CourseResponse(
    string Id,
    long Version,
    string Title,
    string Summary,
    string Difficulty,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Languages,
    IReadOnlyList<ConceptDto> Concepts,
    IReadOnlyList<ModuleDto> Modules,
    IReadOnlyList<string> Instructors)
{
    /// <param name="graded">Ids of the course's exercises that have hidden checks (<c>IExerciseCatalog.GradedAsync</c>).</param>
    public static CourseResponse From(Course c, IReadOnlySet<string> graded) => new(
        c.Id,
        c.Version,
        c.Title,
        c.Summary,
        c.Difficulty,
        c.Tags,
        c.Languages,
        [.. c.Concepts.Select(x => new ConceptDto(x.Id, x.Name, x.Prerequisites))],
        [.. c.Modules.Select(m => new ModuleDto(m.Id, m.Title, [.. m.Exercises.Select(e => new ExerciseRefDto(e.Id, e.Title, graded.Contains(e.Id)))]))],
        c.Instructors);
}
