using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Recommendations;

/// <summary>A learner's knowledge state: overall ability, per-concept ratings, and what it was learned from.</summary>
public sealed class LearnerKnowledge : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public double Ability { get; set; }

    public int AbilityAttempts { get; set; }

    public List<ConceptKnowledge> Concepts { get; set; } = [];

    /// <summary>Runs already counted, so a repeated event (whatever its event id) moves nothing twice.</summary>
    public List<string> ProcessedRunIds { get; set; } = [];

    public List<string> CompletedExercises { get; set; } = [];

    public List<string> CourseIds { get; set; } = [];

    public DateTimeOffset LastActivityAt { get; set; }

    public ConceptKnowledge? Find(string conceptId) => Concepts.FirstOrDefault(c => c.ConceptId == conceptId);
}

/// <summary>An exercise's difficulty, learned from every learner's attempts.</summary>
public sealed class ItemState : IDocument
{
    public string Id { get; set; } = "";

    public long Version { get; set; }

    public double Difficulty { get; set; }

    public int Attempts { get; set; }
}

/// <summary>The Recommendations feature's own database.</summary>
public sealed class KnowledgeStore(IDocumentStoreFactory stores)
{
    public const string Database = "recommendations";

    public IDocumentCollection<LearnerKnowledge> Learners { get; } = stores.Open(Database).Collection<LearnerKnowledge>("learners");

    public IDocumentCollection<ItemState> Items { get; } = stores.Open(Database).Collection<ItemState>("items");
}

/// <summary>Per-concept mastery of a learner now, for Progress and learning records (read in process).</summary>
public interface IMasteryReader
{
    Task<IReadOnlyDictionary<string, double>> MasteryAsync(string userId, CancellationToken cancellationToken);
}
