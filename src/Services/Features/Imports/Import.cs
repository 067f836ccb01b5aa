using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Imports;

/// <summary>Formats a course can be imported from.</summary>
public static class ImportFormats
{
    /// <summary>An Exercism track repository (https://exercism.org/docs/building/tracks), as <c>git archive --format=tar.gz</c> makes it.</summary>
    public const string Exercism = "exercism";

    public static readonly IReadOnlyList<string> All = [Exercism];
}

public static class ImportStatuses
{
    public const string Running = "running";
    public const string Finished = "finished";
    public const string Failed = "failed";
}

public static class ImportedExerciseStatuses
{
    public const string Pending = "pending";
    public const string Imported = "imported";
    public const string Invalid = "invalid";
    public const string Skipped = "skipped";
}

/// <summary>
/// One import of a course archive, as stored: accepted (202) means this document and its archive are in the store, so
/// a crash of the process running it only delays it (<see cref="ImportWorker"/> takes it over when its lease ends).
/// </summary>
public sealed class Import : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public string Format { get; set; } = "";

    public string Status { get; set; } = ImportStatuses.Running;

    /// <summary>The course imported into: asked for, or (admins) created from the track once it is read.</summary>
    public string? CourseId { get; set; }

    public string RequestedBy { get; set; } = "";

    /// <summary>Whether the requester was an admin (who may create a course); instructors import into a course they teach.</summary>
    public bool ByAdmin { get; set; }

    public string? Message { get; set; }

    public List<ImportedExercise> Exercises { get; set; } = [];

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Until when the worker running it holds it; past it, another worker may take it over.</summary>
    public DateTimeOffset LeaseUntil { get; set; }
}

public sealed class ImportedExercise
{
    public string Slug { get; set; } = "";

    public string Title { get; set; } = "";

    public string? ExerciseId { get; set; }

    public string Status { get; set; } = ImportedExerciseStatuses.Pending;

    public string? Reason { get; set; }
}

/// <summary>The archive of an import, kept apart so that progress reads and writes do not carry megabytes.</summary>
public sealed class ImportArchive : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public byte[] Data { get; set; } = [];
}

public sealed record ImportedExerciseDto(string Slug, string Title, string? ExerciseId, string Status, string? Reason);

/// <summary>An import as the API shows it: <c>processed</c> of <c>total</c> exercises done so far.</summary>
public sealed record ImportResponse(
    string Id, string Format, string Status, string? CourseId, int Total, int Processed, string? Message,
    IReadOnlyList<ImportedExerciseDto> Exercises, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt)
{
    public static ImportResponse From(Import i) => new(
        i.Id, i.Format, i.Status, i.CourseId,
        i.Exercises.Count, i.Exercises.Count(e => e.Status != ImportedExerciseStatuses.Pending), i.Message,
        [.. i.Exercises.Select(e => new ImportedExerciseDto(e.Slug, e.Title, e.ExerciseId, e.Status, e.Reason))],
        i.StartedAt, i.FinishedAt);
}

/// <summary>The imports' own database.</summary>
public sealed class ImportStore(IDocumentStoreFactory stores)
{
    public const string Database = "imports";

    private readonly IDocumentStore _store = stores.Open(Database);

    public IDocumentCollection<Import> Imports => _store.Collection<Import>("imports");

    public IDocumentCollection<ImportArchive> Archives => _store.Collection<ImportArchive>("archives");
}
