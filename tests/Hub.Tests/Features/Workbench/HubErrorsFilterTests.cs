using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using LearningPlatform.Hub.Features.Workbench;
using LearningPlatform.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace LearningPlatform.Hub.Tests.Features.Workbench;

/// <summary>
/// A failed hub call is logged once, by <see cref="HubErrorsFilter"/>, at a level that says what it was: refusals at
/// Information, outages at Warning, anything else at Error (SignalR's own Error entry is off in appsettings.json).
/// </summary>
public sealed class HubErrorsFilterTests
{
    private readonly RecordingLogger _log = new();

    [Fact]
    public async Task A_HubException_goes_to_the_caller_unchanged_and_is_logged_as_a_refusal()
    {
        var refusal = new HubException("No session 's1' of yours.");

        var thrown = await Assert.ThrowsAsync<HubException>(() => InvokeAsync(nameof(Probe.Call), _ => throw refusal));

        Assert.Same(refusal, thrown);
        var entry = Assert.Single(_log.Entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal("Hub method Call refused: No session 's1' of yours.", entry.Message);
    }

    [Fact]
    public async Task Any_other_exception_is_logged_at_Error_with_the_exception()
    {
        var bug = new InvalidOperationException("a bug");

        Assert.Same(bug, await Assert.ThrowsAsync<InvalidOperationException>(() => InvokeAsync(nameof(Probe.Call), _ => throw bug)));

        var entry = Assert.Single(_log.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Same(bug, entry.Exception);
    }

    [Fact]
    public async Task An_outage_becomes_a_refusal_that_says_nothing_was_applied_logged_at_Warning()
    {
        var thrown = await Assert.ThrowsAsync<HubException>(() => InvokeAsync(nameof(Probe.Call),
            _ => throw new DependencyUnavailableException("Redis does not answer.")));

        Assert.Contains("not applied", thrown.Message);
        Assert.Equal(LogLevel.Warning, Assert.Single(_log.Entries).Level);
    }

    [Fact]
    public async Task A_streamed_result_is_watched_while_it_is_enumerated()
    {
        var result = await InvokeAsync(nameof(Probe.Stream), _ => ValueTask.FromResult<object?>(Probe.Items(fail: new HubException("Only instructors."))));
        var items = Assert.IsAssignableFrom<IAsyncEnumerable<int>>(result);
        var received = new List<int>();

        await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var item in items)
            {
                received.Add(item);
            }
        });

        Assert.Equal([1], received);
        Assert.Equal(LogLevel.Information, Assert.Single(_log.Entries).Level);
    }

    [Fact]
    public async Task A_stream_the_caller_cancels_is_not_a_failure()
    {
        var result = await InvokeAsync(nameof(Probe.Stream), _ => ValueTask.FromResult<object?>(Probe.Items(fail: null)));
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in ((IAsyncEnumerable<int>)result!).WithCancellation(cancel.Token))
            {
                await cancel.CancelAsync();
            }
        });

        Assert.Empty(_log.Entries);
    }

    private async Task<object?> InvokeAsync(string method, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var context = new HubInvocationContext(new Caller(), new EmptyServices(), new Probe(), typeof(Probe).GetMethod(method)!, []);
        return await new HubErrorsFilter(_log).InvokeMethodAsync(context, next);
    }

    private sealed class Probe : Microsoft.AspNetCore.SignalR.Hub
    {
        public Task<int> Call() => Task.FromResult(0);

        public IAsyncEnumerable<int> Stream() => Items(null);

        public static async IAsyncEnumerable<int> Items(Exception? fail, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            yield return 1;
            await Task.Yield();
            if (fail is not null)
            {
                throw fail;
            }

            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return 2;
                await Task.Yield();
            }
        }
    }

    private sealed class Caller : HubCallerContext
    {
        public override string ConnectionId => "c1";

        public override string? UserIdentifier => null;

        public override ClaimsPrincipal? User => null;

        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override CancellationToken ConnectionAborted => CancellationToken.None;

        public override void Abort()
        {
        }
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }

    private sealed class RecordingLogger : ILogger<HubErrorsFilter>
    {
        public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
