using LearningPlatform.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LearningPlatform.Services.Common;

public static class ServiceStorage
{
    /// <summary>The document store (LiteDB files or MongoDB), its readiness check, and storage errors as ProblemDetails.</summary>
    public static IHostApplicationBuilder AddServiceStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDocumentStorage(builder.Configuration);
        builder.Services.AddExceptionHandler<StorageExceptionHandler>();
        // Events are saved with the state they announce before they go to Redis: an outage delays them, loses none.
        builder.Services.AddSingleton<LearningPlatform.ServiceDefaults.Events.IEventOutbox, EventOutboxStore>();
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        return builder;
    }
}

internal sealed class StorageExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            DuplicateKeyException => (StatusCodes.Status409Conflict, "Already exists"),
            ConcurrencyException => (StatusCodes.Status409Conflict, "Changed by someone else; reload and try again"),
            DocumentNotFoundException => (StatusCodes.Status404NotFound, "Not found"),
            _ => (0, ""),
        };
        if (status == 0)
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = exception.Message },
        });
    }
}

internal sealed class StorageHealthCheck(IDocumentStoreFactory stores) : IHealthCheck
{
    private sealed class Probe : IDocument
    {
        public string Id { get; set; } = "";

        public long Version { get; set; }
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await stores.Open("health").Collection<Probe>("probe").GetAsync("probe", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("The document store does not answer.", e);
        }
    }
}
