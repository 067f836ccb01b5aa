using LearningPlatform.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LearningPlatform.ServiceDefaults.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>Name of the platform's own activity sources and meters.</summary>
    public const string SourceName = "LearningPlatform";

    private const string HostingLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>
    /// Structured logs, traces and metrics with OpenTelemetry: metrics scraped at <c>/metrics</c> (Prometheus),
    /// everything exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Root spans named in
    /// <c>Telemetry:UntracedOperations</c> are not recorded (<see cref="UntracedOperationsSampler"/>).
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.TimestampFormat = "O";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeScopes = true;
            o.IncludeFormattedMessage = true;
        });
        // The hosting log's request lines carry the whole query string, and a hub connection's carries its access
        // token (WebSockets cannot send headers). They stay at Warning whatever the configuration says: requests
        // remain visible in traces and metrics, which record no token.
        builder.Logging.AddFilter(HostingLogCategory, LogLevel.Warning);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter(SourceName, "System.Runtime", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections")
                .AddPrometheusExporter())
            .WithTracing(t => t
                .SetSampler(new ParentBasedSampler(new UntracedOperationsSampler(
                    builder.Configuration.GetSection("Telemetry:UntracedOperations").Get<string[]>() ?? [])))
                .AddSource(SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => IsTraced(ctx.Request.Path))
                .AddHttpClientInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }

    // Hub requests last as long as their connection: a span of hours tells nothing, and while recorded its activity
    // holds a dozen tags and SignalR's OnConnected activity (its child) stays referenced from execution contexts
    // captured during OnConnectedAsync. Unrecorded, the child is not even created (the sampler follows the parent);
    // hub method calls are still traced, as roots of their own.
    private static bool IsTraced(PathString path) =>
        !path.StartsWithSegments("/health") && !path.StartsWithSegments("/metrics") && !path.StartsWithSegments(AuthExtensions.HubPaths);
}
