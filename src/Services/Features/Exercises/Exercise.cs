using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Exercises;

/// <summary>The languages exercises are written and run in.</summary>
public static class ProgrammingLanguages
{
    public const string CSharp = "csharp";
    public const string Python = "python";
    public const string JavaScript = "javascript";

    public static readonly IReadOnlyList<string> All = [CSharp, Python, JavaScript];
}

/// <summary>
/// An exercise as stored, hidden tests and reference solution included. Never returned as is: learners get
/// <see cref="ExerciseView"/>, authors <see cref="ExerciseDetails"/>.
/// </summary>
public sealed class Exercise : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public string CourseId { get; set; } = "";

    public string Title { get; set; } = "";

    /// <summary>Markdown.</summary>
    public string Instructions { get; set; } = "";

    public string Language { get; set; } = "";

    public List<ExerciseFile> StarterFiles { get; set; } = [];

    public List<ExerciseFile> VisibleTests { get; set; } = [];

    public List<ExerciseFile> HiddenTests { get; set; } = [];

    /// <summary>The reference solution: replaces the starter files of the same names when checking the tests.</summary>
    public List<ExerciseFile> Solution { get; set; } = [];

    /// <summary>In the order a learner should see them.</summary>
    public List<string> Hints { get; set; } = [];

    public List<string> ConceptsTaught { get; set; } = [];

    public List<string> ConceptsPractised { get; set; } = [];

    public int TimeLimitMs { get; set; }

    public int MemoryLimitMb { get; set; }
}

// Files are a list of name/content pairs rather than a dictionary: file names hold dots, which document
// stores treat specially in field names.
public sealed class ExerciseFile
{
    public string Name { get; set; } = "";

    public string Content { get; set; } = "";
}

public sealed record FileContent(string Name, string Content)
{
    public static List<FileContent> From(IEnumerable<ExerciseFile> files) => [.. files.Select(f => new FileContent(f.Name, f.Content))];
}

public sealed record ExerciseLimits(int TimeMs, int MemoryMb);

/// <summary>What a learner sees of an exercise: no hidden tests, no solution.</summary>
public sealed record ExerciseView(
    string Id,
    long Version,
    string CourseId,
    string Title,
    string Instructions,
    string Language,
    IReadOnlyList<FileContent> StarterFiles,
    IReadOnlyList<FileContent> VisibleTests,
    IReadOnlyList<string> Hints,
    IReadOnlyList<string> ConceptsTaught,
    IReadOnlyList<string> ConceptsPractised,
    ExerciseLimits Limits)
{
    public static ExerciseView From(Exercise e) => new(
        e.Id, e.Version, e.CourseId, e.Title, e.Instructions, e.Language,
        FileContent.From(e.StarterFiles), FileContent.From(e.VisibleTests),
        e.Hints, e.ConceptsTaught, e.ConceptsPractised, new ExerciseLimits(e.TimeLimitMs, e.MemoryLimitMb));
}

/// <summary>What the course's instructors and admins see: everything.</summary>
public sealed record ExerciseDetails(
    string Id,
    long Version,
    string CourseId,
    string Title,
    string Instructions,
    string Language,
    IReadOnlyList<FileContent> StarterFiles,
    IReadOnlyList<FileContent> VisibleTests,
    IReadOnlyList<FileContent> HiddenTests,
    IReadOnlyList<FileContent> Solution,
    IReadOnlyList<string> Hints,
    IReadOnlyList<string> ConceptsTaught,
    IReadOnlyList<string> ConceptsPractised,
    ExerciseLimits Limits)
{
    public static ExerciseDetails From(Exercise e) => new(
        e.Id, e.Version, e.CourseId, e.Title, e.Instructions, e.Language,
        FileContent.From(e.StarterFiles), FileContent.From(e.VisibleTests),
        FileContent.From(e.HiddenTests), FileContent.From(e.Solution),
        e.Hints, e.ConceptsTaught, e.ConceptsPractised, new ExerciseLimits(e.TimeLimitMs, e.MemoryLimitMb));
}
