using LearningPlatform.Storage.Mongo;
using MongoDB.Driver;

namespace LearningPlatform.Storage.Tests.Mongo;

/// <summary>The contract against the MongoDB server at MONGODB_URI; skipped, with the reason, when it is not set.</summary>
[RequiresEnvironmentVariable(UriVariable,
    "Start a server (docker compose up -d mongo) and set MONGODB_URI=mongodb://localhost:27017 to run the MongoDB contract tests.")]
public sealed class MongoDocumentStoreTests : DocumentStoreContract
{
    private const string UriVariable = "MONGODB_URI";
    private readonly List<MongoDocumentStoreFactory> _factories = [];

    private static string Uri => Environment.GetEnvironmentVariable(UriVariable)!;

    protected override IDocumentStoreFactory CreateFactory()
    {
        var factory = new MongoDocumentStoreFactory(Uri);
        _factories.Add(factory);
        return factory;
    }

    protected override async Task ReleaseFactoriesAsync(bool dropData)
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }

        _factories.Clear();
        if (dropData && !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(UriVariable)))
        {
            using var client = new MongoClient(Uri);
            await client.DropDatabaseAsync(DatabaseName);
        }
    }
}
