using System.Collections;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LearningPlatform.ServiceDefaults.Correlation;

/// <summary>The correlation id of the work in progress: a request, a consumed event or a job.</summary>
public static class CorrelationId
{
    public const string HeaderName = "X-Correlation-Id";
    private const int MaxLength = 64;
    private static readonly AsyncLocal<string?> CurrentValue = new();

    /// <summary>The current correlation id, or null outside any correlated work.</summary>
    public static string? Current
    {
        get => CurrentValue.Value;
        set => CurrentValue.Value = value;
    }

    /// <summary>A caller's id when it is short and plain; otherwise a new one (ids end up in logs and headers).</summary>
    public static string Accept(string? candidate) =>
        !string.IsNullOrEmpty(candidate) && candidate.Length <= MaxLength && candidate.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            ? candidate
            : New();

    public static string New() => Activity.Current?.TraceId.ToHexString() ?? Guid.NewGuid().ToString("N");
}

/// <summary>
/// Takes the caller's <c>X-Correlation-Id</c> (or makes one), puts it on the request so a proxy forwards it, on the
/// response, in every log line's scope and on the current trace.
/// </summary>
public sealed class CorrelationIdMiddleware(RequestDelegate next, ILogger<CorrelationIdMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var id = CorrelationId.Accept(context.Request.Headers[CorrelationId.HeaderName]);
        context.Request.Headers[CorrelationId.HeaderName] = id;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[CorrelationId.HeaderName] = id;
            return Task.CompletedTask;
        });
        // Only on recorded activities: an unrecorded one (a hub connection's request) would carry the tag for hours.
        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("correlation.id", id);
        }

        CorrelationId.Current = id;
        using (logger.BeginScope(new CorrelationScope(id)))
        {
            await next(context);
        }
    }

    /// <summary>
    /// The log scope's state: one property, as loggers read scopes (a list of key-value pairs). Smaller than a
    /// dictionary, which matters because a hub connection's request keeps its scope as long as it lasts.
    /// </summary>
    private sealed class CorrelationScope(string id) : IReadOnlyList<KeyValuePair<string, object>>
    {
        public int Count => 1;

        public KeyValuePair<string, object> this[int index] =>
            index == 0 ? new("CorrelationId", id) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
        {
            yield return this[0];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "CorrelationId:" + id;
    }
}
