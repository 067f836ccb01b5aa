using LearningPlatform.ServiceDefaults.Correlation;
using LearningPlatform.ServiceDefaults.Errors;
using LearningPlatform.ServiceDefaults.Events;
using LearningPlatform.ServiceDefaults.Proxies;
using LearningPlatform.ServiceDefaults.Redis;
using LearningPlatform.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace LearningPlatform.ServiceDefaults;

/// <summary>What every process of the platform has: telemetry, health, ProblemDetails, correlation ids, Redis, events.</summary>
public static class Extensions
{
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.AddTelemetry(serviceName);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"]);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            if (CorrelationId.Current is { } id)
            {
                ctx.ProblemDetails.Extensions["correlationId"] = id;
            }
        });
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        builder.Services.AddValidatedOptions<DependencyOptions>(DependencyOptions.SectionName);
        builder.Services.AddExceptionHandler<DependencyUnavailableHandler>();
        // Bad bodies surface as exceptions so the handler can say what was wrong (instead of a bare 400).
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.AllowTrailingCommas = false);
        builder.Services.AddRedis();
        builder.Services.AddEventBus();
        builder.Services.AddTrustedProxies();
        return builder;
    }

    /// <summary>The client's address and scheme from trusted proxies, correlation ids and error handling; first in the pipeline.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<CorrelationIdMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary><c>/health/live</c> (the process answers), <c>/health/ready</c> (its dependencies answer), <c>/metrics</c>.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live") })
            .WithName("HealthLive").WithTags("Health");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = HealthResponse.WriteAsync,
        }).WithName("HealthReady").WithTags("Health");
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
