using System.Text.Json;
using LearningPlatform.Contracts.Events;
using LearningPlatform.ServiceDefaults.Redis;
using LearningPlatform.Services.Features.Catalog;
using LearningPlatform.Services.Features.Exercises;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearningPlatform.Services.Features.Recommendations;

/// <summary>Computes a learner's ranked next exercises from their knowledge and the catalog, and caches them in Redis.</summary>
public sealed class RecommendationService(
    KnowledgeStore store,
    CourseCatalog courses,
    IExerciseCatalog exercises,
    IConnectionMultiplexer redis,
    RedisKeys keys,
    IOptions<RecommendationsOptions> options,
    TimeProvider time) : IMasteryReader
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<List<RecommendedExercise>> ComputeAsync(string userId, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var learner = await store.Learners.GetAsync(userId, cancellationToken) ?? new LearnerKnowledge { Id = userId };
        var graphs = await GraphsAsync(cancellationToken);
        // Courses the learner works in; everything for a newcomer.
        var mine = graphs.Where(g => learner.CourseIds.Contains(g.CourseId)).ToList();
        var items = await ItemsAsync(graphs, cancellationToken);
        return Recommender.Rank(
            new Recommender.Learner(learner.Ability, learner.Find, learner.CompletedExercises.ToHashSet(),
                id => items.TryGetValue(id, out var d) ? d : o.Knowledge.InitialDifficulty),
            mine.Count > 0 ? mine : graphs, time.GetUtcNow(), o.Knowledge, o.Ranking);
    }

    /// <summary>The cached list, or a fresh one (cached, not published: nothing changed for anyone yet).</summary>
    public async Task<IReadOnlyList<RecommendedExercise>> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var cached = await redis.GetDatabase().StringGetAsync(CacheKey(userId));
        if (cached.HasValue)
        {
            return JsonSerializer.Deserialize<List<RecommendedExercise>>((string)cached!, Json)!;
        }

        var items = await ComputeAsync(userId, cancellationToken);
        await redis.GetDatabase().StringSetAsync(CacheKey(userId), JsonSerializer.Serialize(items, Json), options.Value.CacheTtl);
        return items;
    }

    /// <summary>Stores <paramref name="items"/>; true when they differ from the cached list (or there was none).</summary>
    public async Task<bool> StoreAsync(string userId, IReadOnlyList<RecommendedExercise> items)
    {
        var json = JsonSerializer.Serialize(items, Json);
        var previous = await redis.GetDatabase().StringGetSetAsync(CacheKey(userId), json);
        await redis.GetDatabase().KeyExpireAsync(CacheKey(userId), options.Value.CacheTtl);
        return previous != json;
    }

    public async Task<IReadOnlyDictionary<string, double>> MasteryAsync(string userId, CancellationToken cancellationToken)
    {
        var learner = await store.Learners.GetAsync(userId, cancellationToken);
        var now = time.GetUtcNow();
        var p = options.Value.Knowledge;
        return learner is null
            ? new Dictionary<string, double>()
            : learner.Concepts.ToDictionary(c => c.ConceptId, c => Math.Round(EloKnowledge.Mastery(learner.Ability, c, now, p), 3));
    }

    private RedisKey CacheKey(string userId) => keys.Key($"recommendations:{userId}");

    private async Task<List<CourseGraph>> GraphsAsync(CancellationToken cancellationToken)
    {
        var graphs = new List<CourseGraph>();
        foreach (var course in await courses.AllAsync(cancellationToken))
        {
            var list = new List<ExerciseInfo>();
            var order = 0;
            foreach (var reference in course.Modules.SelectMany(m => m.Exercises))
            {
                if (await exercises.GetAsync(reference.Id, cancellationToken) is { } exercise)
                {
                    list.Add(new ExerciseInfo(exercise.Id, course.Id, exercise.Title, order++, exercise.ConceptsTaught, exercise.ConceptsPractised));
                }
            }

            graphs.Add(new CourseGraph(
                course.Id,
                course.Concepts.ToDictionary(c => c.Id, c => c.Name),
                course.Concepts.ToDictionary(c => c.Id, c => (IReadOnlyList<string>)c.Prerequisites),
                list));
        }

        return graphs;
    }

    private async Task<Dictionary<string, double>> ItemsAsync(List<CourseGraph> graphs, CancellationToken cancellationToken)
    {
        var ids = graphs.SelectMany(g => g.Exercises).Select(e => e.Id).ToList();
        var found = await store.Items.FindAsync(i => ids.Contains(i.Id), cancellationToken: cancellationToken);
        return found.ToDictionary(i => i.Id, i => i.Difficulty);
    }
}
