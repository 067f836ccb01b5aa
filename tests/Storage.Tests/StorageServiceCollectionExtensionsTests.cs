using LearningPlatform.Storage.LiteDb;
using LearningPlatform.Storage.Mongo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LearningPlatform.Storage.Tests;

public sealed class StorageServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "storage-tests", Guid.NewGuid().ToString("N"));

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddDocumentStorage(configuration).BuildServiceProvider();
    }

    [Fact]
    public void AddDocumentStorage_WithMongoConnectionString_UsesMongo()
    {
        // Nothing listens on this port: constructing and opening must not connect.
        using var services = Build(new() { ["ConnectionStrings:Mongo"] = "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=100" });

        var factory = services.GetRequiredService<IDocumentStoreFactory>();

        Assert.IsType<MongoDocumentStoreFactory>(factory);
        Assert.NotNull(factory.Open("users").Collection<Lesson>("lessons"));
    }

    [Fact]
    public void AddDocumentStorage_WithoutMongo_UsesLiteDbInTheDataDirectory()
    {
        using var services = Build(new() { ["Storage:DataDirectory"] = _directory });

        var factory = services.GetRequiredService<IDocumentStoreFactory>();

        Assert.IsType<LiteDbDocumentStoreFactory>(factory);
        factory.Open("users").Collection<Lesson>("lessons");
        Assert.True(File.Exists(Path.Combine(_directory, "users.db")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
