namespace LearningPlatform.Storage;

/// <summary>Base of the errors the storage seam reports in the same way for every adapter.</summary>
public abstract class StorageException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>An insert or replace would break a unique index (or reuse an id).</summary>
public sealed class DuplicateKeyException(string collection, Exception? inner = null)
    : StorageException($"A document with the same unique key already exists in '{collection}'.", inner)
{
    /// <summary>The collection written to.</summary>
    public string Collection { get; } = collection;
}

/// <summary>A replace found another version than the one it was given: someone else wrote first.</summary>
public sealed class ConcurrencyException(string collection, string id, long expectedVersion)
    : StorageException($"Document '{id}' in '{collection}' was changed by someone else (expected version {expectedVersion}).")
{
    /// <summary>The document's id.</summary>
    public string Id { get; } = id;
}

/// <summary>A replace found no document with that id.</summary>
public sealed class DocumentNotFoundException(string collection, string id)
    : StorageException($"Document '{id}' does not exist in '{collection}'.");
