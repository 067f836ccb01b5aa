using System.Collections.Concurrent;
using LiteDB;

namespace LearningPlatform.Storage.LiteDb;

/// <summary>Embedded storage: one LiteDB file per service database under a data folder.</summary>
public sealed class LiteDbDocumentStoreFactory : IDocumentStoreFactory, IDisposable
{
    private readonly string _directory;
    private readonly ConcurrentDictionary<string, Lazy<LiteDbDocumentStore>> _stores = new(StringComparer.Ordinal);

    public LiteDbDocumentStoreFactory(string directory)
    {
        _directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(_directory);
    }

    public IDocumentStore Open(string database)
    {
        StoreNames.Validate(database);
        return _stores.GetOrAdd(database, name => new Lazy<LiteDbDocumentStore>(
            () => new LiteDbDocumentStore(Path.Combine(_directory, name + ".db")))).Value;
    }

    public void Dispose()
    {
        foreach (var store in _stores.Values.Where(s => s.IsValueCreated))
        {
            store.Value.Dispose();
        }
    }
}

internal sealed class LiteDbDocumentStore : IDocumentStore, IDisposable
{
    private readonly LiteDatabase _database;
    private readonly ConcurrentDictionary<string, object> _collections = new(StringComparer.Ordinal);

    public LiteDbDocumentStore(string path)
    {
        var mapper = new BsonMapper { EnumAsInteger = false };
        // LiteDB keeps DateTime only: store offsets as UTC instants (millisecond precision, like MongoDB).
        mapper.RegisterType(
            serialize: value => new BsonValue(value.UtcDateTime),
            deserialize: bson => new DateTimeOffset(DateTime.SpecifyKind(bson.AsDateTime, DateTimeKind.Utc)));
        _database = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }, mapper);
        _database.UtcDate = true;
    }

    public IDocumentCollection<T> Collection<T>(string name) where T : class, IDocument
    {
        StoreNames.Validate(name);
        return (IDocumentCollection<T>)_collections.GetOrAdd(name, n => new LiteDbDocumentCollection<T>(_database, n));
    }

    public void Dispose() => _database.Dispose();
}
