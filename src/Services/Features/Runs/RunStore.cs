using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Runs;

/// <summary>The Runs feature's own database.</summary>
public sealed class RunStore(IDocumentStoreFactory stores)
{
    public IDocumentCollection<Run> Runs { get; } = stores.Open("runs").Collection<Run>("runs");
}
