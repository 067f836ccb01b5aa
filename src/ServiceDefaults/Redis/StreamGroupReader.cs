using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LearningPlatform.ServiceDefaults.Redis;

/// <summary>
/// Connections of their own for blocking stream reads. StackExchange.Redis multiplexes every command of a process on
/// one connection, so a blocking read there would hold up everything behind it; a reader that blocks gets a
/// connection no one else uses, and Redis wakes it the moment an entry arrives (no polling).
/// </summary>
public sealed class BlockingRedis(IOptions<RedisOptions> options)
{
    /// <summary>A new connection for one blocking reader (disposed by it); its commands may block up to
    /// <paramref name="longestBlock"/>.</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync(string name, TimeSpan longestBlock)
    {
        var config = ConfigurationOptions.Parse(options.Value.Configuration);
        config.AbortOnConnectFail = false;
        config.ClientName = name;
        config.AsyncTimeout = Math.Max(config.AsyncTimeout, (int)longestBlock.TotalMilliseconds + 5_000);
        config.SyncTimeout = Math.Max(config.SyncTimeout, (int)longestBlock.TotalMilliseconds + 5_000);
        return await ConnectionMultiplexer.ConnectAsync(config);
    }
}

/// <summary>How a <see cref="StreamGroupReader"/> reads.</summary>
/// <param name="Group">The consumer group (created with the stream when missing, again when Redis lost it).</param>
/// <param name="Consumer">This reader's consumer name in the group.</param>
/// <param name="BatchSize">Most entries read or claimed at once.</param>
/// <param name="Block">Longest one blocking read waits for an entry; also how late a periodic claim can come.</param>
/// <param name="ClaimIdleAfter">Entries pending (unacknowledged) longer than this, in any consumer, are claimed:
/// their consumer is presumed dead.</param>
/// <param name="ClaimInterval">How often pending entries are looked at.</param>
public sealed record StreamGroupReaderOptions(string Group, string Consumer, int BatchSize, TimeSpan Block, TimeSpan ClaimIdleAfter, TimeSpan ClaimInterval);

/// <summary>
/// The one way this platform consumes a Redis stream in a consumer group (integration events, run requests): makes
/// sure the group exists (and makes it again after Redis lost it), claims entries a dead consumer left pending,
/// reads new entries with a blocking XREADGROUP on a connection of its own, and hands each batch to the caller, who
/// acknowledges. While Redis is down it waits and tries again.
/// </summary>
public sealed partial class StreamGroupReader(
    IConnectionMultiplexer redis, BlockingRedis blocking, RedisKey stream, StreamGroupReaderOptions options, ILogger logger)
{
    /// <summary>
    /// Reads until <paramref name="cancellationToken"/>. <paramref name="room"/> says how many entries the caller
    /// takes now (0: none; it is asked again after <paramref name="waitForRoom"/> completes); null: a batch always.
    /// </summary>
    public async Task RunAsync(
        Func<StreamEntry[], bool, CancellationToken, Task> onEntries,
        CancellationToken cancellationToken,
        Func<int>? room = null,
        Func<CancellationToken, Task>? waitForRoom = null)
    {
        var db = redis.GetDatabase();
        ConnectionMultiplexer? own = null;
        var lastClaim = DateTime.MinValue;
        try
        {
            own = await blocking.ConnectAsync($"{options.Group}-{options.Consumer}", options.Block);
            // A read blocked at shutdown ends with its connection rather than after the block time.
            await using var closeOnStop = cancellationToken.Register(() => own.Close(allowCommandsToComplete: false));
            var reader = own.GetDatabase();
            await EnsureGroupAsync(db);
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    var take = Math.Min(options.BatchSize, room?.Invoke() ?? options.BatchSize);
                    if (take <= 0)
                    {
                        await (waitForRoom?.Invoke(cancellationToken) ?? Task.Delay(options.Block, cancellationToken));
                        continue;
                    }

                    if (DateTime.UtcNow - lastClaim >= options.ClaimInterval)
                    {
                        lastClaim = DateTime.UtcNow;
                        var claimed = await db.StreamAutoClaimAsync(stream, options.Group, options.Consumer,
                            (long)options.ClaimIdleAfter.TotalMilliseconds, "0-0", take);
                        if (claimed.ClaimedEntries.Length > 0)
                        {
                            await onEntries(claimed.ClaimedEntries, true, cancellationToken);
                            continue;
                        }
                    }

                    var entries = await ReadAsync(reader, take);
                    if (entries.Length > 0)
                    {
                        await onEntries(entries, false, cancellationToken);
                    }
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
                {
                    await EnsureGroupAsync(db); // Redis was emptied or replaced: the group again, from the start
                }
                catch (Exception e)
                {
                    // Redis down (or an answer not understood): never the end of the reader, nor of its process.
                    Log.RedisUnavailable(logger, stream.ToString(), e);
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>XREADGROUP ... BLOCK on the reader's own connection: returns as soon as an entry is there.</summary>
    private async Task<StreamEntry[]> ReadAsync(IDatabase reader, int count)
    {
        var result = await reader.ExecuteAsync("XREADGROUP", "GROUP", options.Group, options.Consumer, "COUNT", count,
            "BLOCK", (long)options.Block.TotalMilliseconds, "STREAMS", stream, ">");
        return RedisStreamReplies.Entries(result).FirstOrDefault().Entries ?? [];
    }

    private async Task EnsureGroupAsync(IDatabase db)
    {
        try
        {
            await db.StreamCreateConsumerGroupAsync(stream, options.Group, "0-0", createStream: true);
        }
        catch (RedisServerException e) when (e.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
        {
            // exists already
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Redis unavailable while reading {Stream}")]
        public static partial void RedisUnavailable(ILogger logger, string stream, Exception exception);
    }
}

/// <summary>Parses the replies of XREAD and XREADGROUP sent as raw commands.</summary>
public static class RedisStreamReplies
{
    /// <summary>RESP2 [[key, [[id, [field, value, ...]], ...]], ...], RESP3 {key: [[id, [field, value, ...]], ...], ...};
    /// null on a timed-out block: nothing.</summary>
    public static IEnumerable<(RedisKey Key, StreamEntry[] Entries)> Entries(RedisResult result)
    {
        if (result.IsNull || result.Resp2Type != ResultType.Array)
        {
            yield break;
        }

        var top = (RedisResult[])result!;
        var map = top.Length > 0 && top[0].Resp2Type != ResultType.Array; // a RESP3 map comes as key, value, key, value
        for (var s = 0; s < top.Length; s += map ? 2 : 1)
        {
            var (keyResult, entriesResult) = map ? (top[s], top[s + 1]) : (((RedisResult[])top[s]!)[0], ((RedisResult[])top[s]!)[1]);
            var key = (RedisKey)(string)keyResult!;
            var raw = entriesResult.IsNull ? [] : (RedisResult[])entriesResult!;
            var entries = new StreamEntry[raw.Length];
            for (var i = 0; i < raw.Length; i++)
            {
                var entry = (RedisResult[])raw[i]!;
                var fields = entry[1].IsNull ? [] : (RedisResult[])entry[1]!;
                var values = new NameValueEntry[fields.Length / 2];
                for (var f = 0; f < values.Length; f++)
                {
                    values[f] = new NameValueEntry((RedisValue)fields[2 * f], (RedisValue)fields[2 * f + 1]);
                }

                entries[i] = new StreamEntry((RedisValue)entry[0], values);
            }

            yield return (key, entries);
        }
    }
}
