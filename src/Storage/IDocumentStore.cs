using System.Linq.Expressions;

namespace LearningPlatform.Storage;

/// <summary>A stored document: a string id and a version that the store bumps on every write.</summary>
public interface IDocument
{
    /// <summary>The document's id; unique within its collection.</summary>
    string Id { get; set; }

    /// <summary>Optimistic-concurrency version: 1 after insert, +1 on every replace. Set by the store.</summary>
    long Version { get; set; }
}

/// <summary>One logical database (one per service): LiteDB file or MongoDB database.</summary>
public interface IDocumentStore
{
    /// <summary>The collection <paramref name="name"/> of documents of type <typeparamref name="T"/>.</summary>
    IDocumentCollection<T> Collection<T>(string name) where T : class, IDocument;
}

/// <summary>Opens the document store of one service by name.</summary>
public interface IDocumentStoreFactory
{
    /// <summary>Opens (or returns the already open) store named <paramref name="database"/>.</summary>
    IDocumentStore Open(string database);
}

/// <summary>Sort, skip and limit for <see cref="IDocumentCollection{T}.FindAsync"/>.</summary>
public sealed record FindOptions<T>
{
    /// <summary>Field to sort by; insertion order is not guaranteed without one.</summary>
    public Expression<Func<T, object?>>? SortBy { get; init; }

    /// <summary>Sort descending instead of ascending.</summary>
    public bool Descending { get; init; }

    /// <summary>Documents to skip.</summary>
    public int Skip { get; init; }

    /// <summary>Most documents to return; null for all, 0 for none.</summary>
    public int? Limit { get; init; }
}

/// <summary>
/// The storage seam every service uses. Filters are LINQ expressions in the subset both adapters translate:
/// <list type="bullet">
/// <item>==, !=, &lt;, &lt;=, &gt;, &gt;= between a field (also nested: <c>x.Address.City</c>) and a constant or captured
/// value, on strings, numbers, bools, enums, DateTimeOffset (compared as UTC instants) and nullables (<c>== null</c>);</item>
/// <item>&amp;&amp;, ||, ! and a bare bool field (<c>x.Published</c>, <c>!x.Published</c>);</item>
/// <item>string <c>StartsWith(value)</c> and <c>Contains(value)</c>, literal (no wildcards) and case-sensitive;</item>
/// <item><c>x.Tags.Contains(value)</c> on a list field, and <c>values.Contains(x.Field)</c> on a captured list or array.</item>
/// </list>
/// String equality, unique indexes and sorting are ordinal (case-sensitive) in both adapters. DateTimeOffset values
/// are stored as UTC instants at millisecond precision and read back with offset zero. The contract tests in
/// tests/Storage.Tests pin this subset; anything else may work in one adapter only.
/// </summary>
public interface IDocumentCollection<T> where T : class, IDocument
{
    /// <summary>The document with this id, or null.</summary>
    Task<T?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Documents matching <paramref name="filter"/>, sorted and paged by <paramref name="options"/>.</summary>
    Task<IReadOnlyList<T>> FindAsync(Expression<Func<T, bool>> filter, FindOptions<T>? options = null, CancellationToken cancellationToken = default);

    /// <summary>How many documents match <paramref name="filter"/>.</summary>
    Task<long> CountAsync(Expression<Func<T, bool>> filter, CancellationToken cancellationToken = default);

    /// <summary>Inserts a new document with version 1. Throws <see cref="DuplicateKeyException"/> on a taken id or unique key.</summary>
    Task InsertAsync(T document, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the stored document whose id and version match <paramref name="document"/>, then bumps the version
    /// on the stored and the given document. Throws <see cref="ConcurrencyException"/> when the stored version differs
    /// (a lost update), <see cref="DocumentNotFoundException"/> when there is none, <see cref="DuplicateKeyException"/>
    /// on a unique key taken by another document.
    /// </summary>
    Task ReplaceAsync(T document, CancellationToken cancellationToken = default);

    /// <summary>Deletes the document; false when there was none.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Creates the index on <paramref name="field"/> when missing (a no-op when it exists).</summary>
    Task EnsureIndexAsync(Expression<Func<T, object?>> field, bool unique = false, CancellationToken cancellationToken = default);
}
