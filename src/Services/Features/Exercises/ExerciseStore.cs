using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Exercises;

/// <summary>The exercises' own database.</summary>
public sealed class ExerciseStore(IDocumentStoreFactory stores)
{
    public const string Database = "exercises";

    public IDocumentCollection<Exercise> Exercises { get; } = stores.Open(Database).Collection<Exercise>("exercises");
}

/// <summary>The full exercise (hidden tests and solution included) for in-process callers such as Runs.</summary>
public interface IExerciseCatalog
{
    Task<Exercise?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Ids of the course's exercises that have hidden checks (graded), for listings that must not carry the checks.</summary>
    Task<IReadOnlySet<string>> GradedAsync(string courseId, CancellationToken cancellationToken);
}

internal sealed class ExerciseCatalog(ExerciseStore store) : IExerciseCatalog
{
    public Task<Exercise?> GetAsync(string id, CancellationToken cancellationToken) => store.Exercises.GetAsync(id, cancellationToken);

    public async Task<IReadOnlySet<string>> GradedAsync(string courseId, CancellationToken cancellationToken) =>
        (await store.Exercises.FindAsync(e => e.CourseId == courseId && e.HiddenChecksJson != null, cancellationToken: cancellationToken))
            .Select(e => e.Id).ToHashSet();
}
