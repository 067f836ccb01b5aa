using System.Collections.Concurrent;
using System.Globalization;
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
    // Ordinal, like MongoDB without a collation: equality, LIKE, unique indexes and sort are case-sensitive, and
    // strings sort by code unit. LiteDB's default (culture, ignore case) would let "alice" find "Alice" here only.
    private static readonly Collation OrdinalCollation = new(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal);

    private readonly LiteDatabase _database;
    private readonly ConcurrentDictionary<(string Name, Type Type), object> _collections = new();
    private readonly ConcurrentDictionary<string, Lock> _gates = new(StringComparer.Ordinal);

    public LiteDbDocumentStore(string path)
    {
        // Strings as they are: LiteDB's defaults trim them and turn "" into null, which would change file contents.
        var mapper = new BsonMapper { EnumAsInteger = false, TrimWhitespace = false, EmptyStringToNull = false };
        // LiteDB keeps DateTime only: store offsets as UTC instants (millisecond precision, like MongoDB).
        mapper.RegisterType(
            serialize: value => new BsonValue(value.UtcDateTime),
            deserialize: bson => new DateTimeOffset(DateTime.SpecifyKind(bson.AsDateTime, DateTimeKind.Utc)));
        RebuildToOrdinal(path);
        _database = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, Collation = OrdinalCollation }, mapper);
        _database.UtcDate = true;
    }

    public IDocumentCollection<T> Collection<T>(string name) where T : class, IDocument
    {
        StoreNames.Validate(name);
        return (IDocumentCollection<T>)_collections.GetOrAdd((name, typeof(T)),
            key => new LiteDbDocumentCollection<T>(_database, key.Name, _gates.GetOrAdd(key.Name, _ => new Lock())));
    }

    public void Dispose() => _database.Dispose();

    // A file's collation is fixed when it is created, and opening it with another one fails: a file made before
    // the collation was set (or by another tool) is rebuilt once.
    private static void RebuildToOrdinal(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var existing = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct });
        if (existing.Collation.SortOptions != CompareOptions.Ordinal)
        {
            existing.Rebuild(new LiteDB.Engine.RebuildOptions { Collation = OrdinalCollation });
        }
    }
}
