using System.Text.Json;
using LearningPlatform.Contracts.Runs;
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
/// An exercise as stored, hidden checks and reference solution included. Never returned as is: learners get
/// <see cref="ExerciseView"/>, authors <see cref="ExerciseDetails"/>.
/// </summary>
public sealed class Exercise : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public string CourseId { get; set; } = "";

    /// <summary>The exercise's name in the track it was imported from (unique in its course): a re-import updates the
    /// exercise with the same slug in place, so learners' sessions and progress, keyed by <see cref="Id"/>, stay.</summary>
    public string? Slug { get; set; }

    public string Title { get; set; } = "";

    /// <summary>Markdown.</summary>
    public string Instructions { get; set; } = "";

    public string Language { get; set; } = "";

    public List<ExerciseFile> StarterFiles { get; set; } = [];

    public List<ExerciseFile> VisibleTests { get; set; } = [];

    // The hidden checks as their wire JSON (their arguments and expected values are arbitrary JSON, which the
    // document stores would each map differently): the contract's record stays the one definition of their shape.
    public string? HiddenChecksJson { get; set; }

    /// <summary>The reference solution: replaces the starter files of the same names when checking the tests.</summary>
    public List<ExerciseFile> Solution { get; set; } = [];

    /// <summary>In the order a learner should see them.</summary>
    public List<string> Hints { get; set; } = [];

    public List<string> ConceptsTaught { get; set; } = [];

    public List<string> ConceptsPractised { get; set; } = [];

    public int TimeLimitMs { get; set; }

    public int MemoryLimitMb { get; set; }

    /// <summary>The hidden checks: a submit passes only when RunnerHost finds every one of them right. None: a practice
    /// exercise, whose passes are self-checked.</summary>
    public IReadOnlyList<HiddenCheck> Checks() =>
        HiddenChecksJson is null ? [] : JsonSerializer.Deserialize<List<HiddenCheck>>(HiddenChecksJson, RunJson.Options) ?? [];

    public void SetChecks(IReadOnlyList<HiddenCheck> checks) =>
        HiddenChecksJson = checks.Count == 0 ? null : JsonSerializer.Serialize(checks, RunJson.Options);

    public RunLimits RunLimits() => new(TimeLimitMs, MemoryLimitMb);
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

/// <summary>What a learner may know of a hidden check before running it: its number and the author's description.</summary>
public sealed record HiddenCheckSummary(int Number, string? Description);

/// <summary>What a learner sees of an exercise: of the hidden checks only their descriptions, no solution, and the
/// hints released to this learner so far (after failed attempts or on request).</summary>
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
    int HintsTotal,
    IReadOnlyList<string> ConceptsTaught,
    IReadOnlyList<string> ConceptsPractised,
    ExerciseLimits Limits,
    bool Graded,
    IReadOnlyList<HiddenCheckSummary> HiddenChecks)
{
    public static ExerciseView From(Exercise e, int hintsReleased) => new(
        e.Id, e.Version, e.CourseId, e.Title, e.Instructions, e.Language,
        FileContent.From(e.StarterFiles), FileContent.From(e.VisibleTests),
        e.Hints[..Math.Clamp(hintsReleased, 0, e.Hints.Count)], e.Hints.Count, e.ConceptsTaught, e.ConceptsPractised,
        new ExerciseLimits(e.TimeLimitMs, e.MemoryLimitMb), e.HiddenChecksJson is not null,
        [.. e.Checks().Select((c, i) => new HiddenCheckSummary(i + 1, c.Description))]);
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
    IReadOnlyList<HiddenCheck> HiddenChecks,
    IReadOnlyList<FileContent> Solution,
    IReadOnlyList<string> Hints,
    IReadOnlyList<string> ConceptsTaught,
    IReadOnlyList<string> ConceptsPractised,
    ExerciseLimits Limits)
{
    public static ExerciseDetails From(Exercise e) => new(
        e.Id, e.Version, e.CourseId, e.Title, e.Instructions, e.Language,
        FileContent.From(e.StarterFiles), FileContent.From(e.VisibleTests),
        e.Checks(), FileContent.From(e.Solution),
        e.Hints, e.ConceptsTaught, e.ConceptsPractised, new ExerciseLimits(e.TimeLimitMs, e.MemoryLimitMb));
}
