using Hangfire;
using Hangfire.Mongo;
using Hangfire.Mongo.Migration.Strategies;
using Hangfire.Mongo.Migration.Strategies.Backup;
using Hangfire.Redis.StackExchange;
using LearningPlatform.ServiceDefaults;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.ServiceDefaults.Redis;
using LearningPlatform.Services.Features.Recommendations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearningPlatform.Services.Features.Jobs;

/// <summary>
/// Hangfire: storage in the platform's Redis (under the deployment's key prefix) or, when
/// <c>ConnectionStrings:Mongo</c> is set, in MongoDB; a server in this process; the recurring jobs; and the
/// dashboard at <c>/jobs</c> for admins only.
/// </summary>
public static class JobsFeature
{
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<JobsOptions>(JobsOptions.SectionName);
        var mongo = builder.Configuration.GetConnectionString("Mongo");
        builder.Services.AddHangfire((sp, config) =>
        {
            var options = sp.GetRequiredService<IOptions<JobsOptions>>().Value;
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (!string.IsNullOrEmpty(mongo))
            {
                config.UseMongoStorage(mongo, options.MongoDatabase, new MongoStorageOptions
                {
                    MigrationOptions = new MongoMigrationOptions
                    {
                        MigrationStrategy = new MigrateMongoMigrationStrategy(),
                        BackupStrategy = new CollectionMongoBackupStrategy(),
                    },
                    // Polling works on a standalone server too (change streams need a replica set).
                    CheckQueuedJobsStrategy = CheckQueuedJobsStrategy.Poll,
                    CheckConnection = false,
                });
            }
            else
            {
                config.UseRedisStorage(sp.GetRequiredService<IConnectionMultiplexer>(), new RedisStorageOptions
                {
                    Prefix = sp.GetRequiredService<RedisKeys>().Key(options.RedisPrefix).ToString(),
                });
            }
        });
        if (builder.Configuration.GetValue(JobsOptions.SectionName + ":" + nameof(JobsOptions.RunServer), true))
        {
            builder.Services.AddHangfireServer((sp, server) =>
            {
                var options = sp.GetRequiredService<IOptions<JobsOptions>>().Value;
                server.WorkerCount = options.WorkerCount;
                server.SchedulePollingInterval = options.SchedulePollingInterval;
                server.ServerName = $"services-{Environment.MachineName}-{Environment.ProcessId}";
            });
        }

        return builder;
    }

    public static WebApplication MapJobs(this WebApplication app, IEndpointRouteBuilder api)
    {
        api.MapDashboardSession();
        app.UseHangfireDashboard(AuthExtensions.DashboardPath, new DashboardOptions
        {
            AsyncAuthorization = [new AdminDashboardAuthorization()],
            DashboardTitle = "Learning Platform jobs",
            // The gateway forwards /jobs unchanged, so links built from the request's own base path are right.
            DisplayStorageConnectionString = false,
        });
        var recurring = app.Services.GetRequiredService<IRecurringJobManager>();
        var recommendations = app.Services.GetRequiredService<IOptions<RecommendationsOptions>>().Value;
        recurring.AddOrUpdate<RecommendationJobs>(
            RecommendationJobs.NightlyJobId,
            j => j.RefreshActiveLearnersAsync(CancellationToken.None),
            recommendations.NightlyCron,
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        return app;
    }
}
