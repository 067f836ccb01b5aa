using System.ComponentModel.DataAnnotations;

namespace LearningPlatform.Services.Features.Jobs;

public sealed class JobsOptions
{
    public const string SectionName = "Jobs";

    /// <summary>Hangfire workers in this process.</summary>
    [Range(1, 100)]
    public int WorkerCount { get; set; } = 4;

    /// <summary>How often the server looks for scheduled jobs that are due (debounced refreshes are scheduled).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Key prefix of Hangfire's Redis storage, after the deployment's <c>Redis:KeyPrefix</c>.</summary>
    [Required, RegularExpression("^[A-Za-z0-9:_-]{1,32}$")]
    public string RedisPrefix { get; set; } = "hangfire:";

    /// <summary>Database of Hangfire's MongoDB storage when <c>ConnectionStrings:Mongo</c> is set.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,48}$")]
    public string MongoDatabase { get; set; } = "hangfire";

    /// <summary>Whether this process runs a Hangfire server (off for processes that only enqueue).</summary>
    public bool RunServer { get; set; } = true;

    /// <summary>Longest a dashboard session cookie lives (never longer than the token inside it).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan DashboardSessionLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often the recurring jobs are registered again (a no-op unless Redis lost them).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RecurringRegistrationInterval { get; set; } = TimeSpan.FromMinutes(1);
}
