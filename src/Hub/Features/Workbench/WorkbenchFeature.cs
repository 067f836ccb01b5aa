using System.Threading.RateLimiting;
using LearningPlatform.Contracts.Events;
using LearningPlatform.Hub.Features.Diagnostics;
using LearningPlatform.ServiceDefaults;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.ServiceDefaults.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using PlatformRedisOptions = LearningPlatform.ServiceDefaults.Redis.RedisOptions;
using SignalRRedisOptions = Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisOptions;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// The workbench hub at <c>/hubs/workbench</c>: JSON and MessagePack, stateful reconnect, the Redis backplane (so
/// several hub processes behave as one), sessions in Redis, live diagnostics, and a connection limit below the
/// process's open-file limit, and keep-alive pings spread over time (<see cref="KeepAlivePacer"/>).
/// </summary>
public static class WorkbenchFeature
{
    public const string Path = "/hubs/workbench";
    private const string ConnectionRateLimit = "hub-connections";

    public static IHostApplicationBuilder AddWorkbench(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<WorkbenchOptions>(WorkbenchOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<ServicesClient>();
        services.AddSingleton<ConnectionLimit>();
        services.AddSingleton<LiveSessions>();
        services.AddSingleton<LocalSessions>();
        services.AddSingleton<CourseDashboards>();
        services.AddHostedService(sp => sp.GetRequiredService<CourseDashboards>());
        services.AddSingleton<RunRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<RunRelay>());
        services.AddSingleton<SessionBackups>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionBackups>());
        services.AddSingleton<IDiagnosticsSink, HubDiagnosticsSink>();
        services.AddSingleton<IUserIdProvider, NoUserIdProvider>();
        services.AddSingleton<LocalUsers>();
        services.AddSingleton<RecommendationsChannel>();
        services.AddHostedService<RecommendationsFanOut>();
        services.AddEventHandler<RecommendationsUpdated, RecommendationsPush>();

        services.AddSingleton<LocalUsersFilter>(); // registered, so SignalR does not build one per connection
        services.AddSingleton<HubErrorsFilter>();
        services.AddSignalR(o => o.EnableDetailedErrors = false)
            .AddHubOptions<WorkbenchHub>(o =>
            {
                o.AddFilter<HubErrorsFilter>(); // first: the outermost, it sees every failure
                o.AddFilter<LocalUsersFilter>();
            })
            .AddJsonProtocol()
            .AddMessagePackProtocol()
            .AddStackExchangeRedis();
        // Set on the global hub options too: the per-hub options copy them, and the copy may run after ours.
        services.AddOptions<HubOptions>()
            .Configure<IOptions<WorkbenchOptions>>((hub, workbench) => hub.MaximumReceiveMessageSize = workbench.Value.MaxMessageBytes);
        services.AddOptions<HubOptions<WorkbenchHub>>()
            .PostConfigure<IOptions<WorkbenchOptions>>((hub, workbench) =>
            {
                hub.MaximumReceiveMessageSize = workbench.Value.MaxMessageBytes;
                hub.KeepAliveInterval = TimeSpan.FromDays(1); // the pacer pings instead, spread over time
            });
        // Every connection passes through the pacer on its way into the backplane's lifetime manager.
        services.AddSingleton<KeepAlivePacer>();
        services.AddHostedService(sp => sp.GetRequiredService<KeepAlivePacer>());
        services.AddSingleton<HubLifetimeManager<WorkbenchHub>>(sp => new PacedKeepAliveLifetimeManager<WorkbenchHub>(
            ActivatorUtilities.CreateInstance<RedisHubLifetimeManager<WorkbenchHub>>(sp), sp.GetRequiredService<KeepAlivePacer>()));
        // The backplane shares the platform's Redis connection and key prefix, so test runs and deployments that
        // share a server never hear each other's messages.
        services.AddOptions<SignalRRedisOptions>()
            .Configure<IOptions<PlatformRedisOptions>, IServiceProvider>((backplane, redis, sp) =>
            {
                backplane.Configuration.ChannelPrefix = RedisChannel.Literal(redis.Value.KeyPrefix);
                backplane.ConnectionFactory = _ => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>());
            });
        var options = builder.Configuration.GetSection(WorkbenchOptions.SectionName).Get<WorkbenchOptions>() ?? new WorkbenchOptions();
        services.AddRateLimiter(limiter => limiter.AddPolicy(ConnectionRateLimit, NewConnectionsPerAccount(options)));
        // Kestrel's own cap on upgraded (WebSocket) connections backs up the hub's limit.
        services.AddOptions<KestrelServerOptions>()
            .Configure<ConnectionLimit>((kestrel, limit) => kestrel.Limits.MaxConcurrentUpgradedConnections = limit.Max + 16);
        return builder;
    }

    public static WebApplication MapWorkbench(this WebApplication app)
    {
        var limit = app.Services.GetRequiredService<ConnectionLimit>();
        WorkbenchLog.ConnectionLimit(app.Services.GetRequiredService<ILogger<ConnectionLimit>>(), limit.Max, limit.OpenFileLimit);
        app.MapHub<WorkbenchHub>(Path, o =>
        {
            o.AllowStatefulReconnects = true;
            // A connection outliving its token ends; the client reconnects with a fresh one and resumes.
            o.CloseOnAuthenticationExpiration = true;
        }).RequireRateLimiting(ConnectionRateLimit);
        return app;
    }

    // Only what opens a connection counts: the negotiation, or a connect without a connection token (skipNegotiation).
    // Long polling's polls and sends, and the WebSocket of a negotiated connection, carry the token and pass.
    private static Func<HttpContext, RateLimitPartition<string>> NewConnectionsPerAccount(WorkbenchOptions options) => context =>
    {
        var opens = context.Request.Path.Value?.EndsWith("/negotiate", StringComparison.Ordinal) == true
            || !context.Request.Query.ContainsKey("id");
        // anonymous requests are refused by the hub's [Authorize] anyway
        return opens && context.User.Identity?.IsAuthenticated == true
            ? RateLimitPartition.GetTokenBucketLimiter(
                context.User.UserId(), _ => TokenBuckets.PerMinute(options.ConnectionBurstPerUser, options.ConnectionsPerMinutePerUser))
            : RateLimitPartition.GetNoLimiter("");
    };

    /// <summary>Refuses new hub connections with 503 when the limit is reached; before authentication, so it is cheap.</summary>
    public static WebApplication UseWorkbenchConnectionLimit(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Path), branch => branch.Use(ConnectionLimit.RefuseWhenFullAsync));
        return app;
    }
}
