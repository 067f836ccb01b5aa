using LearningPlatform.Services.Features.Exercises;
using LearningPlatform.Storage;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Services.Features.Catalog.Seed;

/// <summary>
/// Inserts the built-in courses and exercises that are missing, by their fixed ids, before the server takes requests.
/// Never overwrites: what an admin edited stays edited, and running it twice (or on two instances) is harmless.
/// </summary>
public sealed class CatalogSeeder(
    CatalogStore catalog, ExerciseStore exercises, IOptions<CatalogOptions> options, ILogger<CatalogSeeder> logger) : IHostedService
{
    // StartAsync (not a BackgroundService loop) so the host starts listening only once the seed is in.
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await exercises.Exercises.EnsureIndexAsync(e => e.CourseId, cancellationToken: cancellationToken);
        if (options.Value.SeedOnStart)
        {
            await SeedAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Inserts what is missing; returns how many courses and exercises it inserted.</summary>
    public async Task<(int Courses, int Exercises)> SeedAsync(CancellationToken cancellationToken)
    {
        int insertedCourses = 0, insertedExercises = 0;
        foreach (var (course, courseExercises) in SeedContent.Courses())
        {
            foreach (var exercise in courseExercises)
            {
                if (await InsertIfMissingAsync(exercises.Exercises, exercise, cancellationToken))
                {
                    insertedExercises++;
                }
            }

            if (await InsertIfMissingAsync(catalog.Courses, course, cancellationToken))
            {
                insertedCourses++;
            }
        }

        if (insertedCourses + insertedExercises > 0)
        {
            CatalogLog.SeedInserted(logger, insertedCourses, insertedExercises);
        }

        return (insertedCourses, insertedExercises);
    }

    private static async Task<bool> InsertIfMissingAsync<T>(IDocumentCollection<T> collection, T document, CancellationToken cancellationToken)
        where T : class, IDocument
    {
        if (await collection.GetAsync(document.Id, cancellationToken) is not null)
        {
            return false;
        }

        try
        {
            await collection.InsertAsync(document, cancellationToken);
            return true;
        }
        catch (DuplicateKeyException)
        {
            return false; // another instance seeded it first
        }
    }
}
