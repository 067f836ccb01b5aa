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
}

internal sealed class ExerciseCatalog(ExerciseStore store) : IExerciseCatalog
{
    public Task<Exercise?> GetAsync(string id, CancellationToken cancellationToken) => store.Exercises.GetAsync(id, cancellationToken);
}
