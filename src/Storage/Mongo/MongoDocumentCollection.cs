using System.Linq.Expressions;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace LearningPlatform.Storage.Mongo;

internal sealed class MongoDocumentCollection<T> : IDocumentCollection<T> where T : class, IDocument
{
    private const string IdField = "_id";
    private static readonly FilterDefinitionBuilder<T> Filter = Builders<T>.Filter;

    private readonly IMongoCollection<T> _collection;
    private readonly string _name;
    private readonly string _versionField;

    public MongoDocumentCollection(IMongoCollection<T> collection)
    {
        _collection = collection;
        _name = collection.CollectionNamespace.CollectionName;
        // Field names by class map, not by expression: x.Version on a generic T is an interface member access.
        _versionField = BsonClassMap.LookupClassMap(typeof(T)).AllMemberMaps
            .Single(m => m.MemberName == nameof(IDocument.Version)).ElementName;
    }

    public async Task<T?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await _collection.Find(ById(id)).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<T>> FindAsync(Expression<Func<T, bool>> filter, FindOptions<T>? options = null, CancellationToken cancellationToken = default)
    {
        FilterExpressions.ValidatePaging(options?.Skip ?? 0, options?.Limit);
        if (options?.Limit == 0)
        {
            // The server reads a limit of 0 as "no limit".
            return [];
        }

        var find = _collection.Find(Where(filter));
        if (options?.SortBy is { } sortBy)
        {
            find = find.Sort(Sort(sortBy, options.Descending));
        }

        if (options?.Skip is > 0)
        {
            find = find.Skip(options.Skip);
        }

        if (options?.Limit is { } limit)
        {
            find = find.Limit(limit);
        }

        return await find.ToListAsync(cancellationToken);
    }

    public Task<long> CountAsync(Expression<Func<T, bool>> filter, CancellationToken cancellationToken = default) =>
        _collection.CountDocumentsAsync(Where(filter), cancellationToken: cancellationToken);

    public async Task InsertAsync(T document, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(document.Id);
        var previous = document.Version;
        document.Version = 1;
        try
        {
            await _collection.InsertOneAsync(document, cancellationToken: cancellationToken);
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            document.Version = previous;
            throw new DuplicateKeyException(_name, e);
        }
        catch
        {
            document.Version = previous;
            throw;
        }
    }

    public async Task ReplaceAsync(T document, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(document.Id);
        var expected = document.Version;
        // The filter on the version makes read-compare-write one atomic server operation: of two writers that
        // read the same version, the second matches nothing.
        var filter = ById(document.Id) & Filter.Eq(_versionField, expected);
        document.Version = expected + 1;
        ReplaceOneResult result;
        try
        {
            result = await _collection.ReplaceOneAsync(filter, document, new ReplaceOptions { IsUpsert = false }, cancellationToken);
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            document.Version = expected;
            throw new DuplicateKeyException(_name, e);
        }
        catch
        {
            document.Version = expected;
            throw;
        }

        if (result.MatchedCount == 0)
        {
            document.Version = expected;
            var exists = await _collection.Find(ById(document.Id)).Limit(1).CountDocumentsAsync(cancellationToken) > 0;
            throw exists
                ? new ConcurrencyException(_name, document.Id, expected)
                : new DocumentNotFoundException(_name, document.Id);
        }
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var result = await _collection.DeleteOneAsync(ById(id), cancellationToken);
        return result.DeletedCount > 0;
    }

    public async Task EnsureIndexAsync(Expression<Func<T, object?>> field, bool unique = false, CancellationToken cancellationToken = default)
    {
        // createIndexes is a no-op when an index with the same keys and options exists.
        var keys = Builders<T>.IndexKeys.Ascending(new ExpressionFieldDefinition<T>(field));
        await _collection.Indexes.CreateOneAsync(
            new CreateIndexModel<T>(keys, new CreateIndexOptions { Unique = unique }), cancellationToken: cancellationToken);
    }

    private static FilterDefinition<T> ById(string id) => Filter.Eq(IdField, id);

    internal static FilterDefinition<T> Where(Expression<Func<T, bool>> filter) => Filter.Where(FilterExpressions.WithoutSpans(filter));

    internal static SortDefinition<T> Sort(Expression<Func<T, object?>> field, bool descending)
    {
        var definition = new ExpressionFieldDefinition<T>(field);
        return descending ? Builders<T>.Sort.Descending(definition) : Builders<T>.Sort.Ascending(definition);
    }
}
