using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearningPlatform.ServiceDefaults.Errors;

/// <summary>A dependency the request needs is not answering (Redis down, revocations not reloaded yet).</summary>
public sealed class DependencyUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A dependency outage is a 503 with <c>Retry-After</c>, never a 500: the caller did nothing wrong and can try again
/// in a moment, and nothing the platform had accepted before is lost. Logged once per request at Warning.
/// </summary>
public sealed partial class DependencyUnavailableHandler(IProblemDetailsService problems, IOptions<DependencyOptions> options, ILogger<DependencyUnavailableHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsOutage(exception))
        {
            return false;
        }

        Log.Unavailable(logger, httpContext.Request.Path, exception.GetType().Name, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Temporarily unavailable",
                Detail = "A service the platform depends on is not answering. Nothing you saved before is lost; try again in a few seconds.",
            },
        });
    }

    /// <summary>Redis not answering (connection, timeout, loading its data), or our own word for it.</summary>
    public static bool IsOutage(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is RedisConnectionException or RedisTimeoutException or DependencyUnavailableException
                || (e is RedisServerException s && s.Message.StartsWith("LOADING", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 90, Level = LogLevel.Warning, Message = "{Path}: 503, a dependency is unavailable ({Kind}: {Reason})")]
        public static partial void Unavailable(ILogger logger, string path, string kind, string reason);
    }
}

/// <summary>How the platform answers while a dependency is down.</summary>
public sealed class DependencyOptions
{
    public const string SectionName = "Dependencies";

    /// <summary>The <c>Retry-After</c> of a 503 during an outage.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 5;
}
