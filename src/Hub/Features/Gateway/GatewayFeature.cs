using System.Threading.RateLimiting;
using LearningPlatform.ServiceDefaults.Errors;
using Yarp.ReverseProxy.Forwarder;
using LearningPlatform.ServiceDefaults;
using LearningPlatform.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace LearningPlatform.Hub.Features.Gateway;

/// <summary>
/// The only public entry: forwards <c>/api/**</c> and the OpenAPI document to Services with YARP, after checking the
/// token, the rate limits and the body size here, so a bad request never costs an internal hop.
/// </summary>
public static class GatewayFeature
{
    public const string ApiRateLimit = "api";
    internal const string SignInRoute = "sign-in";
    private const string ServicesCluster = "services";

    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<GatewayOptions>(GatewayOptions.SectionName);
        var options = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();

        services.AddReverseProxy().LoadFromMemory(Routes(), [Cluster(options)]);
        services.AddCors(cors => cors.AddDefaultPolicy(p =>
        {
            if (options.CorsOrigins.Length > 0)
            {
                p.WithOrigins(options.CorsOrigins).AllowAnyHeader().AllowAnyMethod().AllowCredentials()
                    .WithExposedHeaders(ServiceDefaults.Correlation.CorrelationId.HeaderName);
            }
        }));
        services.AddSingleton<SignInThrottle>();
        services.AddRateLimiter(limiter =>
        {
            // Limits keyed on the client's address (after trusted proxies: ForwardedHeaders), for what has no account
            // yet. Chained, so a request must pass each that applies to it.
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(ctx => ctx.Request.Path.StartsWithSegments("/api/auth")
                    ? RateLimitPartition.GetSlidingWindowLimiter(ClientAddress(ctx), _ => SlidingWindow(options.AuthPermitLimit, options.AuthWindow))
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(ctx => IsRegistration(ctx)
                    ? RateLimitPartition.GetSlidingWindowLimiter(ClientAddress(ctx), _ => SlidingWindow(options.RegistrationBurstLimit, options.RegistrationBurstWindow))
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(ctx => IsRegistration(ctx)
                    ? RateLimitPartition.GetSlidingWindowLimiter(ClientAddress(ctx), _ => SlidingWindow(options.RegistrationLimit, options.RegistrationWindow))
                    : RateLimitPartition.GetNoLimiter("")));
            limiter.AddPolicy(ApiRateLimit, ctx => RateLimitPartition.GetTokenBucketLimiter(
                ctx.User.Identity?.IsAuthenticated == true ? "u:" + ctx.User.UserId() : ClientAddress(ctx),
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.ApiBurst,
                    TokensPerPeriod = options.ApiRequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                }));
            // Token buckets say when to retry; sliding windows do not: the earliest they free permits is a segment on.
            limiter.OnRejected = (ctx, _) => WriteTooManyRequestsAsync(
                ctx.HttpContext,
                ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter
                    : SegmentOf(IsRegistration(ctx.HttpContext) ? options.RegistrationBurstWindow : options.AuthWindow),
                "Rate limit exceeded; wait before retrying.");
        });
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<GatewayOptions>>((kestrel, gateway) => kestrel.Limits.MaxRequestBodySize = gateway.Value.MaxRequestBodyBytes);
        services.AddHttpClient(ServicesCluster, c => c.BaseAddress = new Uri(options.ServicesUrl))
            .UseSocketsHttpHandler((handler, _) => handler.MaxConnectionsPerServer = options.MaxServicesConnections);
        services.AddHealthChecks().AddCheck<ServicesHealthCheck>("services", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.Use(RejectOversizedBodies);
        var signIns = app.Services.GetRequiredService<SignInThrottle>();
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(signIns.InvokeAsync);
            proxy.Use(ServicesUnreachableIs503);
        });
        return app;
    }

    // Services restarting (or down) is an outage, not a bad gateway: 503 with Retry-After, as for Redis, so clients
    // wait and try again. Only when nothing was sent yet: a response that started is the service's own answer.
    private static async Task ServicesUnreachableIs503(HttpContext context, Func<Task> next)
    {
        await next();
        if (context.GetForwarderErrorFeature() is { Error: not ForwarderError.None } error && !context.Response.HasStarted
            && error.Error is ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.NoAvailableDestinations)
        {
            var retryAfter = context.RequestServices.GetRequiredService<IOptions<DependencyOptions>>().Value.RetryAfterSeconds;
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Temporarily unavailable",
                    Detail = "The platform's services are restarting or not answering. Nothing you saved before is lost; try again in a few seconds.",
                },
            });
        }
    }

    // A declared length over the limit is refused before a byte is read; chunked bodies meet Kestrel's own limit.
    private static Task RejectOversizedBodies(HttpContext context, Func<Task> next)
    {
        var gateway = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var max = gateway.MaxRequestBodyBytes;
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/api/imports"))
        {
            max = gateway.MaxImportBodyBytes;
            if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = max;
            }
        }

        if (context.Request.ContentLength > max)
        {
            throw new Microsoft.AspNetCore.Http.BadHttpRequestException($"The request body is larger than the limit of {max} bytes.", StatusCodes.Status413PayloadTooLarge);
        }

        return next();
    }

    /// <summary>
    /// The key of the client's address for limits: the address itself, or for IPv6 its /64 network (one host usually
    /// owns a whole /64, so single addresses would cost it nothing to change).
    /// </summary>
    internal static string ClientAddress(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "a:unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? "a:" + new System.Net.IPNetwork(address, 64).BaseAddress + "/64"
            : "a:" + address;
    }

    /// <summary>429 with Retry-After and a ProblemDetails body; expected, so not logged above Debug.</summary>
    internal static async ValueTask WriteTooManyRequestsAsync(HttpContext context, TimeSpan? retryAfter, string detail)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = detail,
            },
        });
    }

    // Six segments: a window frees its permits a sixth at a time, not all at once at its end.
    private const int Segments = 6;

    internal static SlidingWindowRateLimiterOptions SlidingWindow(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        SegmentsPerWindow = Segments,
        QueueLimit = 0,
    };

    /// <summary>When a full sliding window frees permits at the earliest (its leases carry no Retry-After).</summary>
    internal static TimeSpan SegmentOf(TimeSpan window) => window / Segments;

    private static bool IsRegistration(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals("/api/auth/register", StringComparison.OrdinalIgnoreCase);

    private static RouteConfig[] Routes() =>
    [
        new()
        {
            // open to anonymous callers; failed sign-ins are limited per address after the fact (SignInThrottle)
            RouteId = SignInRoute, ClusterId = ServicesCluster, Order = 0,
            Match = new RouteMatch { Path = "/api/auth/login" },
            AuthorizationPolicy = "anonymous",
        },
        new()
        {
            // register, refresh, sign-out: open to anonymous callers, limited per address by the global limiter
            RouteId = "auth", ClusterId = ServicesCluster, Order = 1,
            Match = new RouteMatch { Path = "/api/auth/{**rest}" },
            AuthorizationPolicy = "anonymous",
        },
        new()
        {
            RouteId = "api", ClusterId = ServicesCluster, Order = 2,
            Match = new RouteMatch { Path = "/api/{**rest}" },
            AuthorizationPolicy = "default", RateLimiterPolicy = ApiRateLimit,
        },
        new()
        {
            // the Hangfire dashboard: admins only, refused here already; a browser's token comes in the cookie
            // that POST /api/auth/dashboard-session sets (see AuthExtensions.DashboardCookie)
            RouteId = "jobs", ClusterId = ServicesCluster, Order = 2,
            Match = new RouteMatch { Path = AuthExtensions.DashboardPath + "/{**rest}" },
            AuthorizationPolicy = AuthExtensions.AdminOnly, RateLimiterPolicy = ApiRateLimit,
        },
        new()
        {
            RouteId = "openapi", ClusterId = ServicesCluster, Order = 2,
            Match = new RouteMatch { Path = "/openapi/{**rest}", Methods = ["GET"] },
            AuthorizationPolicy = "anonymous", RateLimiterPolicy = ApiRateLimit,
        },
    ];

    private static ClusterConfig Cluster(GatewayOptions options) => new()
    {
        ClusterId = ServicesCluster,
        Destinations = new Dictionary<string, DestinationConfig> { ["services"] = new() { Address = options.ServicesUrl } },
        HttpClient = new HttpClientConfig { MaxConnectionsPerServer = options.MaxServicesConnections },
    };
}

internal sealed class ServicesHealthCheck(IHttpClientFactory clients) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await clients.CreateClient("services").GetAsync("/health/live", cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"Services answered {(int)response.StatusCode}.");
        }
        catch (HttpRequestException e)
        {
            return HealthCheckResult.Unhealthy("Services does not answer.", e);
        }
    }
}
