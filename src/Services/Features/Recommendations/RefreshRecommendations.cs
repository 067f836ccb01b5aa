using System.Security.Cryptography;
using System.Text;
using Hangfire;
using LearningPlatform.Contracts.Events;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearningPlatform.Services.Features.Recommendations;

/// <summary>
/// Debounces refresh requests: the first request in a window sets a Redis key living as long as the window and
/// schedules one job at its end; requests while the key lives are covered by that job.
/// </summary>
public sealed class RefreshScheduler(
    IConnectionMultiplexer redis, RedisKeys keys, IBackgroundJobClient jobs, IOptions<RecommendationsOptions> options, ILogger<RefreshScheduler> logger)
{
    public async Task RequestRefreshAsync(string userId)
    {
        var window = options.Value.DebounceWindow;
        if (await redis.GetDatabase().StringSetAsync(keys.Key($"recommendations:debounce:{userId}"), 1, window, When.NotExists))
        {
            jobs.Schedule<RecommendationJobs>(j => j.RefreshLearnerAsync(userId, CancellationToken.None), window);
            RecommendationsLog.RefreshScheduled(logger, userId, window);
        }
    }
}

/// <summary>Hangfire jobs of the feature. Both take ids only and are safe to run twice.</summary>
public sealed class RecommendationJobs(
    RecommendationService recommendations,
    KnowledgeStore store,
    IEventPublisher events,
    IBackgroundJobClient jobs,
    IOptions<RecommendationsOptions> options,
    TimeProvider time,
    ILogger<RecommendationJobs> logger)
{
    public const string NightlyJobId = "recommendations-nightly";

    /// <summary>Recomputes one learner's list; publishes <see cref="RecommendationsUpdated"/> when it changed.</summary>
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [5, 30, 120, 600, 1800])]
    [Queue("default")]
    public async Task RefreshLearnerAsync(string userId, CancellationToken cancellationToken)
    {
        var items = await recommendations.ComputeAsync(userId, cancellationToken);
        if (await recommendations.StoreAsync(userId, items))
        {
            // Same list, same event id: a second run after a crash publishes a repeat consumers drop.
            await events.PublishAsync(new RecommendationsUpdated(userId, items, time.GetUtcNow()), EventId(userId, items), cancellationToken);
            RecommendationsLog.RecommendationsChanged(logger, userId, items.Count);
        }
    }

    /// <summary>Nightly: forgetting moves mastery without any submission, so refresh every recently active learner.</summary>
    [AutomaticRetry(Attempts = 3, DelaysInSeconds = [60, 600, 3600])]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task RefreshActiveLearnersAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - options.Value.ActiveWindow;
        var active = await store.Learners.FindAsync(l => l.LastActivityAt >= since, cancellationToken: cancellationToken);
        foreach (var learner in active)
        {
            cancellationToken.ThrowIfCancellationRequested();
            jobs.Enqueue<RecommendationJobs>(j => j.RefreshLearnerAsync(learner.Id, CancellationToken.None));
        }

        RecommendationsLog.NightlyRefresh(logger, active.Count);
    }

    private static string EventId(string userId, IReadOnlyList<RecommendedExercise> items)
    {
        var content = string.Join('|', items.Select(i => $"{i.ExerciseId}:{i.Kind}:{i.Reason}"));
        return $"rec:{userId}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..16]}";
    }
}
