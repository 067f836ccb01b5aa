using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using LearningPlatform.Contracts.Runs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearningPlatform.ServiceDefaults.Redis;

/// <summary>One event of a run as its stream holds it: type and sequence read from the entry, the event as JSON.</summary>
public sealed record RunStreamEvent(string Type, long Sequence, string Json)
{
    public bool IsFinished => Type == RunEventTypes.Finished;

    /// <summary>The event as its contract record.</summary>
    public RunEvent? Parse() => JsonSerializer.Deserialize<RunEvent>(Json, RunJson.Options);

    internal static RunStreamEvent From(StreamEntry entry)
    {
        var type = (string?)entry[RunStreams.EventTypeField] ?? "";
        var json = (string?)entry[RunStreams.EventField] ?? "{}";
        var seq = entry[RunStreams.EventSequenceField];
        return new RunStreamEvent(type, !seq.IsNull && seq.TryParse(out long n) ? n : SequenceOf(json), json);
    }

    // Entries written before the sequence had a field of its own.
    private static long SequenceOf(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.TryGetProperty("sequence", out var s) && s.TryGetInt64(out var n) ? n : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }
}

/// <summary>
/// Follows runs' event streams (<see cref="RunStreams.EventsKey"/>) for this process: one blocking XREAD over every
/// followed run on a connection of its own, so an event reaches its follower as soon as the runner wrote it, without
/// polling, and a process following no run sends nothing. A new follower wakes the read through a stream of this
/// process's own (otherwise it would wait for the read's block time).
/// </summary>
public sealed partial class RunEventFollower(
    IConnectionMultiplexer redis, BlockingRedis blocking, RedisKeys keys, IOptions<RedisOptions> options, ILogger<RunEventFollower> logger)
    : IAsyncDisposable
{
    private readonly ConcurrentDictionary<RedisKey, Follower> _followers = new();
    private readonly RedisKey _wakeKey = keys.Key($"runs:followers:{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _someone = new(0);
    private readonly Lock _startLock = new();
    private Task? _loop;

    /// <summary>
    /// The run's events from its first, as they are written, until and including <c>finished</c> (or until
    /// <paramref name="cancellationToken"/>). A run reclaimed by another runner may repeat events: consumers drop
    /// sequences they have seen and start again at an <c>accepted</c>.
    /// </summary>
    public async IAsyncEnumerable<RunStreamEvent> FollowAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = keys.Key(RunStreams.EventsKey(runId));
        var follower = new Follower();
        if (!_followers.TryAdd(key, follower))
        {
            // Someone in this process follows it already: read it alone (rare: two followers of one run in one process).
            await foreach (var e in ReadAloneAsync(key, cancellationToken))
            {
                yield return e;
            }
            yield break;
        }

        try
        {
            EnsureLoop();
            _someone.Release();
            _ = redis.GetDatabase().StreamAddAsync(_wakeKey, "w", 1, maxLength: 16, flags: CommandFlags.FireAndForget);
            await foreach (var e in follower.Events.Reader.ReadAllAsync(cancellationToken))
            {
                yield return e;
                if (e.IsFinished)
                {
                    yield break;
                }
            }
        }
        finally
        {
            _followers.TryRemove(new KeyValuePair<RedisKey, Follower>(key, follower));
        }
    }

    /// <summary>The run's last event when it is <c>finished</c>, else null; does not wait.</summary>
    public async Task<RunStreamEvent?> FinishedAsync(string runId)
    {
        var last = await redis.GetDatabase().StreamRangeAsync(keys.Key(RunStreams.EventsKey(runId)), "-", "+", count: 1, messageOrder: Order.Descending);
        return last.Length > 0 && RunStreamEvent.From(last[0]) is { IsFinished: true } finished ? finished : null;
    }

    private async IAsyncEnumerable<RunStreamEvent> ReadAloneAsync(RedisKey key, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RedisValue from = "-";
        while (!cancellationToken.IsCancellationRequested)
        {
            var entries = await redis.GetDatabase().StreamRangeAsync(key, from, "+", count: 100);
            foreach (var entry in entries)
            {
                from = "(" + entry.Id;
                var e = RunStreamEvent.From(entry);
                yield return e;
                if (e.IsFinished)
                {
                    yield break;
                }
            }
            if (entries.Length == 0)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void EnsureLoop()
    {
        lock (_startLock)
        {
            _loop ??= Task.Run(() => LoopAsync(_stopping.Token));
        }
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        var block = options.Value.StreamReadBlock;
        await using var own = await blocking.ConnectAsync("run-events", block);
        await using var closeOnStop = ct.Register(() => own.Close(allowCommandsToComplete: false));
        var reader = own.GetDatabase();
        RedisValue wakeId = "0-0";
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (_followers.IsEmpty)
                {
                    await _someone.WaitAsync(ct); // nobody to follow: no reads at all
                    continue;
                }

                var followed = _followers.ToArray();
                var args = new List<object>(6 + 2 * followed.Length) { "COUNT", 100, "BLOCK", (long)block.TotalMilliseconds, "STREAMS", _wakeKey };
                args.AddRange(followed.Select(f => (object)f.Key));
                args.Add(wakeId);
                args.AddRange(followed.Select(f => (object)f.Value.LastId));
                var result = await reader.ExecuteAsync("XREAD", args);
                foreach (var (key, entries) in RedisStreamReplies.Entries(result))
                {
                    if (entries.Length == 0)
                    {
                        continue;
                    }
                    if (key == _wakeKey)
                    {
                        wakeId = entries[^1].Id;
                        continue;
                    }
                    if (!_followers.TryGetValue(key, out var follower))
                    {
                        continue; // stopped following meanwhile
                    }
                    foreach (var entry in entries)
                    {
                        follower.LastId = entry.Id;
                        follower.Events.Writer.TryWrite(RunStreamEvent.From(entry));
                    }
                }
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.RedisUnavailable(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _stopping.Dispose();
    }

    private sealed class Follower
    {
        public readonly Channel<RunStreamEvent> Events = Channel.CreateUnbounded<RunStreamEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        public RedisValue LastId = "0-0";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Redis unavailable while following run events")]
        public static partial void RedisUnavailable(ILogger logger, Exception exception);
    }
}
