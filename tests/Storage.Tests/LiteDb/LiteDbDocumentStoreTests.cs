using LearningPlatform.Storage.LiteDb;
using LiteDB;

namespace LearningPlatform.Storage.Tests.LiteDb;

/// <summary>The contract against real LiteDB files in a temporary folder.</summary>
public sealed class LiteDbDocumentStoreTests : DocumentStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "storage-tests", Guid.NewGuid().ToString("N"));
    private readonly List<LiteDbDocumentStoreFactory> _factories = [];

    protected override IDocumentStoreFactory CreateFactory()
    {
        var factory = new LiteDbDocumentStoreFactory(_directory);
        _factories.Add(factory);
        return factory;
    }

    protected override Task ReleaseFactoriesAsync(bool dropData)
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }

        _factories.Clear();
        if (dropData && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public void Open_WritesOneFilePerDatabase()
    {
        CreateFactory().Open("other").Collection<Lesson>("lessons");

        Assert.True(File.Exists(Path.Combine(_directory, "other.db")));
    }

    [Fact]
    public async Task Open_FileCreatedWithTheDefaultCollation_IsRebuiltToOrdinal()
    {
        Directory.CreateDirectory(_directory);
        using (var legacy = new LiteDatabase(Path.Combine(_directory, "legacy.db")))
        {
            legacy.GetCollection("lessons").Insert(new BsonDocument { ["_id"] = "a", ["Title"] = "Alpha", ["Version"] = 1L });
        }

        var lessons = CreateFactory().Open("legacy").Collection<Lesson>("lessons");

        Assert.Empty(await lessons.FindAsync(x => x.Title == "alpha"));
        Assert.Single(await lessons.FindAsync(x => x.Title == "Alpha"));
    }
}
