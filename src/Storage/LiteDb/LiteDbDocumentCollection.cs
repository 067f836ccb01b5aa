using System.Linq.Expressions;
using LiteDB;

namespace LearningPlatform.Storage.LiteDb;

// LiteDB is thread-safe per call; the gate (one per collection name, shared by every document type read from it)
// makes read-compare-write of a replace atomic within this process, the only writer of an embedded (direct mode) file.
internal sealed class LiteDbDocumentCollection<T>(LiteDatabase database, string name, Lock gate) : IDocumentCollection<T>
    where T : class, IDocument
{
    private const int DuplicateKeyError = 110;
    private readonly ILiteCollection<T> _collection = database.GetCollection<T>(name);

    public Task<T?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Task.FromResult<T?>(_collection.FindById(new BsonValue(id)));
    }

    public Task<IReadOnlyList<T>> FindAsync(Expression<Func<T, bool>> filter, FindOptions<T>? options = null, CancellationToken cancellationToken = default)
    {
        FilterExpressions.ValidatePaging(options?.Skip ?? 0, options?.Limit);
        var query = _collection.Query().Where(LiteDbFilters.Prepare(filter));
        if (options?.SortBy is { } sortBy)
        {
            query = options.Descending ? query.OrderByDescending(sortBy) : query.OrderBy(sortBy);
        }

        var result = query.Skip(options?.Skip ?? 0).Limit(options?.Limit ?? int.MaxValue).ToList();
        return Task.FromResult<IReadOnlyList<T>>(result);
    }

    public Task<long> CountAsync(Expression<Func<T, bool>> filter, CancellationToken cancellationToken = default) =>
        Task.FromResult(_collection.LongCount(LiteDbFilters.Prepare(filter)));

    public Task InsertAsync(T document, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(document.Id);
        var previous = document.Version;
        document.Version = 1;
        try
        {
            _collection.Insert(document);
        }
        catch (LiteException e) when (e.ErrorCode == DuplicateKeyError)
        {
            document.Version = previous;
            throw new DuplicateKeyException(name, e);
        }
        catch
        {
            document.Version = previous;
            throw;
        }

        return Task.CompletedTask;
    }

    public Task ReplaceAsync(T document, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(document.Id);
        lock (gate)
        {
            var stored = _collection.FindById(new BsonValue(document.Id))
                ?? throw new DocumentNotFoundException(name, document.Id);
            if (stored.Version != document.Version)
            {
                throw new ConcurrencyException(name, document.Id, document.Version);
            }

            var expected = document.Version;
            document.Version++;
            bool updated;
            try
            {
                updated = _collection.Update(document);
            }
            catch (LiteException e) when (e.ErrorCode == DuplicateKeyError)
            {
                document.Version = expected;
                throw new DuplicateKeyException(name, e);
            }
            catch
            {
                document.Version = expected;
                throw;
            }

            if (!updated)
            {
                // Deleted between the read and the write.
                document.Version = expected;
                throw new DocumentNotFoundException(name, document.Id);
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Task.FromResult(_collection.Delete(new BsonValue(id)));
    }

    public Task EnsureIndexAsync(Expression<Func<T, object?>> field, bool unique = false, CancellationToken cancellationToken = default)
    {
        _collection.EnsureIndex(field, unique);
        return Task.CompletedTask;
    }
}
