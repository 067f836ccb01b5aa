using System.Collections.Concurrent;
using MongoDB.Driver;

namespace LearningPlatform.Storage.Mongo;

/// <summary>MongoDB storage: one database per service on the server of the connection string.</summary>
public sealed class MongoDocumentStoreFactory : IDocumentStoreFactory, IDisposable
{
    private readonly MongoClient _client;
    private readonly ConcurrentDictionary<string, MongoDocumentStore> _stores = new(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="connectionString"/> now; the driver connects on the first operation.</summary>
    public MongoDocumentStoreFactory(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        MongoConventions.EnsureRegistered();
        _client = new MongoClient(connectionString);
    }

    public IDocumentStore Open(string database)
    {
        StoreNames.Validate(database);
        return _stores.GetOrAdd(database, name => new MongoDocumentStore(_client.GetDatabase(name)));
    }

    public void Dispose() => _client.Dispose();
}

internal sealed class MongoDocumentStore(IMongoDatabase database) : IDocumentStore
{
    private readonly ConcurrentDictionary<(string Name, Type Type), object> _collections = new();

    public IDocumentCollection<T> Collection<T>(string name) where T : class, IDocument
    {
        StoreNames.Validate(name);
        return (IDocumentCollection<T>)_collections.GetOrAdd((name, typeof(T)),
            key => new MongoDocumentCollection<T>(database.GetCollection<T>(key.Name)));
    }
}
