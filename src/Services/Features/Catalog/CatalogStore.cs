using LearningPlatform.Storage;

namespace LearningPlatform.Services.Features.Catalog;

/// <summary>The catalog's own database.</summary>
public sealed class CatalogStore(IDocumentStoreFactory stores)
{
    public const string Database = "catalog";

    public IDocumentCollection<Course> Courses { get; } = stores.Open(Database).Collection<Course>("courses");
}
