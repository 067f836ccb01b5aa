using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace LearningPlatform.Hub.Features.Workbench;

/// <summary>
/// Caps hub connections below the process's open-file limit. A process that runs out of files aborts instead of
/// refusing (measured: near 19,780 connections under a limit of 20,000), so new connections get a 503 while the
/// existing ones keep working.
/// </summary>
public sealed class ConnectionLimit
{
    private int _active;

    public ConnectionLimit(IOptions<WorkbenchOptions> options)
    {
        var o = options.Value;
        OpenFileLimit = OpenFiles.SoftLimit();
        Max = o.MaxConnections > 0
            ? o.MaxConnections
            : (int)Math.Clamp((OpenFileLimit ?? 20_000) - o.ConnectionReserve, 1, int.MaxValue);
    }

    /// <summary>The soft RLIMIT_NOFILE read at start, when the platform tells.</summary>
    public long? OpenFileLimit { get; }

    public int Max { get; }

    public int Active => Volatile.Read(ref _active);

    public bool HasRoom => Active < Max;

    /// <summary>Counts a connection in; false (and not counted) when the limit is reached.</summary>
    public bool TryEnter()
    {
        while (true)
        {
            var current = Volatile.Read(ref _active);
            if (current >= Max)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _active, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    public void Leave() => Interlocked.Decrement(ref _active);

    /// <summary>
    /// Counts the hub's long-lived transport requests (a WebSocket or a Server-Sent Events stream: what holds a
    /// socket, and so a file) for as long as they last, and refuses with 503 a new one, or a negotiation, when the
    /// limit is reached. Counting the transport request itself, not the hub's OnConnected, leaves no window in which
    /// a burst of connections all see room. Requests of existing connections (sends, long polls) pass.
    /// </summary>
    public static async Task RefuseWhenFullAsync(HttpContext context, Func<Task> next)
    {
        var limit = context.RequestServices.GetRequiredService<ConnectionLimit>();
        var request = context.Request;
        var holdsSocket = (HttpMethods.IsGet(request.Method) || HttpMethods.IsConnect(request.Method)) && request.Query.ContainsKey("id")
            && (IsWebSocket(request) || request.Headers.Accept.Any(a => a?.Contains("text/event-stream", StringComparison.Ordinal) == true));
        if (holdsSocket)
        {
            if (!limit.TryEnter())
            {
                await RefuseAsync(context, limit);
                return;
            }

            try
            {
                await next();
            }
            finally
            {
                limit.Leave();
            }

            return;
        }

        var isNew = request.Path.Value?.EndsWith("/negotiate", StringComparison.Ordinal) == true || !request.Query.ContainsKey("id");
        if (isNew && !limit.HasRoom)
        {
            await RefuseAsync(context, limit);
            return;
        }

        await next();
    }

    // Read from the headers: the WebSockets middleware, which sets IsWebSocketRequest, may come later in the pipeline.
    private static bool IsWebSocket(HttpRequest request) =>
        request.HttpContext.WebSockets.IsWebSocketRequest
        || request.Headers.Upgrade.Any(u => string.Equals(u, "websocket", StringComparison.OrdinalIgnoreCase))
        || HttpMethods.IsConnect(request.Method);

    private static async Task RefuseAsync(HttpContext context, ConnectionLimit limit)
    {
        WorkbenchLog.ConnectionRefused(context.RequestServices.GetRequiredService<ILogger<ConnectionLimit>>(), limit.Max);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "5";
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Too many connections",
                Detail = $"This hub holds its maximum of {limit.Max} connections; try again shortly.",
            },
        });
    }
}

internal static class OpenFiles
{
    private const int RlimitNofileLinux = 7;
    private const int RlimitNofileMac = 8;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static extern int GetRLimit(int resource, out RLimit limit);

    /// <summary>The soft open-file limit, or null where getrlimit is not available (Windows).</summary>
    public static long? SoftLimit()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return null;
        }

        try
        {
            var resource = OperatingSystem.IsLinux() ? RlimitNofileLinux : RlimitNofileMac;
            return GetRLimit(resource, out var limit) == 0 ? (long)Math.Min(limit.Current, long.MaxValue) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }
}
