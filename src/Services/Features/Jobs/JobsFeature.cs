using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Mongo;
using Hangfire.Mongo.Migration.Strategies;
using Hangfire.Mongo.Migration.Strategies.Backup;
using Hangfire.Redis.StackExchange;
using LearningPlatform.ServiceDefaults;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.ServiceDefaults.Redis;
using LearningPlatform.Services.Features.Recommendations;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
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
        builder.Services.AddHostedService<RecurringJobsKeeper>();
        var mongo = builder.Configuration.GetConnectionString("Mongo");
        // The storage and the job activator are this host's own singletons, registered before AddHangfire (which adds
        // them only when none are there): Hangfire's global JobStorage.Current and JobActivator.Current would make
        // every host of a process share the last one configured, with its Redis connection, key prefix and services.
        builder.Services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        builder.Services.AddSingleton<JobStorage>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<JobsOptions>>().Value;
            if (!string.IsNullOrEmpty(mongo))
            {
                return new MongoStorage(MongoClientSettings.FromConnectionString(mongo), options.MongoDatabase, new MongoStorageOptions
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

            return new RedisStorage(sp.GetRequiredService<IConnectionMultiplexer>(), new RedisStorageOptions
            {
                Prefix = sp.GetRequiredService<RedisKeys>().Key(options.RedisPrefix).ToString(),
            });
        });
        builder.Services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>())));
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
        return app;
    }
}

/// <summary>
/// Keeps the recurring jobs registered in Hangfire's storage (Redis): at start, and again every
/// <see cref="JobsOptions.RecurringRegistrationInterval"/>, so that a Redis that was emptied gets them back without
/// a restart, and a Redis that was down at start does not stop the process.
/// </summary>
internal sealed partial class RecurringJobsKeeper(IRecurringJobManager recurring, IOptions<RecommendationsOptions> recommendations, IOptions<JobsOptions> options,
    ILogger<RecurringJobsKeeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // Hangfire's calls are synchronous: not on the host's start path
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                recurring.AddOrUpdate<RecommendationJobs>(
                    RecommendationJobs.NightlyJobId,
                    j => j.RefreshActiveLearnersAsync(CancellationToken.None),
                    recommendations.Value.NightlyCron,
                    new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                Log.RegistrationFailed(logger, e.Message);
            }

            await Task.Delay(options.Value.RecurringRegistrationInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "Could not register the recurring jobs yet: {Reason}")]
        public static partial void RegistrationFailed(ILogger logger, string reason);
    }
}

/// <summary>
/// Hangfire logs through one process-wide provider (its <c>LogProvider</c> is static), set to the logger factory of
/// the host that configured it last. A process with several hosts (the tests) disposes hosts while others run: this
/// provider then drops the messages instead of throwing <see cref="ObjectDisposedException"/> into Hangfire's
/// server, which would stop the host it runs in.
/// </summary>
internal sealed class HostLogProvider(ILoggerFactory factory) : Hangfire.Logging.ILogProvider
{
    public Hangfire.Logging.ILog GetLogger(string name)
    {
        try
        {
            return new Forwarder(factory.CreateLogger(name));
        }
        catch (ObjectDisposedException)
        {
            return new Forwarder(null);
        }
    }

    private sealed class Forwarder(ILogger? logger) : Hangfire.Logging.ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            if (logger is null)
            {
                return false;
            }

            var level = logLevel switch
            {
                Hangfire.Logging.LogLevel.Trace => LogLevel.Trace,
                Hangfire.Logging.LogLevel.Debug => LogLevel.Debug,
                Hangfire.Logging.LogLevel.Info => LogLevel.Information,
                Hangfire.Logging.LogLevel.Warn => LogLevel.Warning,
                Hangfire.Logging.LogLevel.Error => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            try
            {
                if (messageFunc is null)
                {
                    return logger.IsEnabled(level);
                }

                logger.Log(level, 0, messageFunc(), exception, static (message, _) => message);
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
