using System.ComponentModel.DataAnnotations;
using LearningPlatform.Storage.LiteDb;
using LearningPlatform.Storage.Mongo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Storage;

/// <summary>Where documents live when MongoDB is not configured.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Folder of the embedded LiteDB files, one per service database.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";
}

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDocumentStoreFactory"/>: MongoDB when <c>ConnectionStrings:Mongo</c> is set,
    /// embedded LiteDB files under <see cref="StorageOptions.DataDirectory"/> otherwise.
    /// </summary>
    public static IServiceCollection AddDocumentStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var mongo = configuration.GetConnectionString("Mongo");
        if (!string.IsNullOrWhiteSpace(mongo))
        {
            services.AddSingleton<IDocumentStoreFactory>(_ => new MongoDocumentStoreFactory(mongo));
        }
        else
        {
            services.AddSingleton<IDocumentStoreFactory>(sp =>
                new LiteDbDocumentStoreFactory(sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory));
        }

        return services;
    }
}
