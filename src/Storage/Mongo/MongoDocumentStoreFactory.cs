namespace LearningPlatform.Storage.Mongo;

/// <summary>MongoDB adapter: one database per service. (Being written; see tests/Storage.Tests.)</summary>
public sealed class MongoDocumentStoreFactory(string connectionString) : IDocumentStoreFactory
{
    public IDocumentStore Open(string database) =>
        throw new NotSupportedException($"The MongoDB adapter is not written yet ({connectionString.Length} chars of connection string ignored).");
}
